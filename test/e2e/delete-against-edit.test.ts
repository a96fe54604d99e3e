/**
 * A delete on one side that races a person's edit on the other is a conflict: reported, and
 * resolved by `deletes.againstEdit` (keep-edited by default: unlink, keep the edited record).
 * End to end through jsforce and the Propstreet client against the fakes, both directions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

async function linkedIds(e: E2E, ids: readonly string[]): Promise<string[]> {
  const store = await openTenantStore(e.config);
  try {
    const links = await store.linksByPropstreetIds(
      { tenant: e.config.tenant, connection: 'salesforce', kind: 'contacts' },
      ids,
    );
    return links.map((l) => l.propstreetId).sort();
  } finally {
    await store.close();
  }
}

const raced = (r: ConnectionResult) => r.notices.filter((n) => n.kind === 'delete-vs-edit');

describe('a delete against an edit on the other side', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const start = async (againstEdit?: 'keep-edited' | 'delete') => {
    e = await startE2E(
      { hubspot: false },
      {
        connection: {
          deletes: {
            fromPropstreet: 'delete',
            fromCrm: 'delete',
            maxShare: 1,
            ...(againstEdit ? { againstEdit } : {}),
          },
        },
      },
    );
    const ids = seedPropstreet(e.sb, 0, 3) as [string, string, string];
    await e.run();
    const sf = e.sb.salesforce!.control;
    return { ids, sf, recordOf: (psId: string) => sf.getByKey(psId)!.Id as string };
  };

  it.each([
    ['keep-edited (default)', 'the edited Salesforce record is kept and unlinked', undefined],
    ['delete', 'the Salesforce record is deleted anyway', 'delete'],
  ] as const)(
    'Propstreet deleted, Salesforce edited (%s): %s, and the conflict is reported',
    async (_policy, _outcome, policy) => {
      const { ids, sf, recordOf } = await start(policy);
      const [edited, plain] = ids;
      const [editedRecord, plainRecord] = [recordOf(edited), recordOf(plain)];
      e.sb.propstreet.deleteAsUser(edited);
      e.sb.propstreet.deleteAsUser(plain);
      sf.edit(editedRecord, { FirstName: 'Edited' });

      const r = (await e.run()).connections[0]!.result;
      expect(r.status).toBe('ok');
      expect(r.planned.conflict).toBe(1);
      const keep = policy === undefined;
      expect(raced(r)).toEqual([
        {
          kind: 'delete-vs-edit',
          text: `deleted in Propstreet, but edited in the CRM since the last sync (firstName): ${
            keep
              ? 'the edited record is kept and unlinked (deletes.againstEdit: keep-edited)'
              : 'deleted anyway (deletes.againstEdit: delete)'
          }`,
          propstreetIds: [edited],
          crmId: editedRecord,
        },
      ]);
      expect(sf.get(editedRecord)).toMatchObject({ IsDeleted: !keep, FirstName: 'Edited' });
      // The delete without an edit follows the delete policy as before.
      expect(sf.get(plainRecord)).toMatchObject({ IsDeleted: true });
      expect(await linkedIds(e, ids)).toEqual([ids[2]]);

      const settled = writes(e.sb);
      await e.run();
      expect(writes(e.sb)).toEqual(settled);
    },
  );

  it.each([
    ['keep-edited (default)', 'the edited contact is kept and unlinked', undefined],
    ['delete', 'the contact is deleted anyway', 'delete'],
  ] as const)(
    'Salesforce deleted, Propstreet edited (%s): %s, and the conflict is reported',
    async (_policy, _outcome, policy) => {
      const { ids, sf, recordOf } = await start(policy);
      const [edited, plain] = ids;
      const editedRecord = recordOf(edited);
      sf.remove(editedRecord);
      sf.remove(recordOf(plain));
      e.sb.propstreet.editAsUser(edited, { lastName: 'Edited', email: 'edited@example.com' });

      const r = (await e.run()).connections[0]!.result;
      expect(r.status).toBe('ok');
      expect(r.planned.conflict).toBe(1);
      const keep = policy === undefined;
      expect(raced(r).map((n) => [n.text, n.propstreetIds, n.crmId])).toEqual([
        [
          `deleted in the CRM, but edited in Propstreet since the last sync (lastName, email): ${
            keep
              ? 'the edited record is kept and unlinked (deletes.againstEdit: keep-edited)'
              : 'deleted anyway (deletes.againstEdit: delete)'
          }`,
          [edited],
          editedRecord,
        ],
      ]);
      const contact = e.sb.propstreet.contact(edited)!;
      expect(contact.deletedUtc === null).toBe(keep);
      expect(contact).toMatchObject({ lastName: 'Edited', email: 'edited@example.com' });
      expect(e.sb.propstreet.contact(plain)!.deletedUtc).not.toBeNull();
      expect(await linkedIds(e, ids)).toEqual([ids[2]]);
    },
  );
});
