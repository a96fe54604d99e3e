/**
 * `deletes.fromPropstreet: ignore` through the real SDKs against the fakes: a contact deleted
 * in Propstreet ends its link at once and leaves the HubSpot record as it is (its key
 * included); a later edit of that record is never written to the deleted contact, nor does it
 * revive it through the upsert by external ref ("deletions stay deleted"), with or without the
 * `key` match rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

describe('a contact deleted in Propstreet (fromPropstreet: ignore)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it.each([{ match: ['externalRef', 'key'] }, { match: ['externalRef'] }] as const)(
    'match $match: the link ends, the HubSpot record stays, and its later edits reach no contact',
    async ({ match }) => {
      e = await startE2E(
        { salesforce: false },
        { connection: { deletes: { fromPropstreet: 'ignore' }, match: [...match] } },
      );
      const [gone] = seedPropstreet(e.sb, 0, 1) as [string];
      await e.run();
      const hs = e.sb.hubspot!.control;
      const record = hs.dump().find((x) => !x.archived && x.properties.propstreet_id === gone)!;
      e.sb.propstreet.deleteAsUser(gone);

      const ended = (await e.run()).connections[0]!;
      expect(ended.records.find((r) => r.propstreetId === gone)).toMatchObject({
        action: 'unlink',
        reason: 'deleted in Propstreet (policy ignore): the link ends, the CRM record is kept as it is',
      });
      expect(ended.result.failures).toEqual([]);
      const kept = hs.dump().find((x) => x.id === record.id)!;
      expect(kept).toMatchObject({ archived: false, properties: { propstreet_id: gone } });

      hs.editAsUser(record.id, { firstname: 'Later' });
      const before = writes(e.sb);
      const later = (await e.run()).connections[0]!;
      expect(later.result.failures).toEqual([]);
      expect(later.records.find((r) => r.crmId === record.id)).toMatchObject({
        action: 'skip',
        reason: `key ${gone} names a Propstreet contact that is gone: not created in Propstreet again`,
      });
      expect(writes(e.sb).propstreet).toBe(before.propstreet);
      expect(e.sb.propstreet.contact(gone)?.deletedUtc).not.toBeNull();
    },
  );
});
