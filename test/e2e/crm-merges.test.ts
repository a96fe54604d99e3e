/**
 * CRM merges of linked records, end to end through the real SDKs against the fakes. HubSpot
 * merges into a new record (both old ids resolve to it); Salesforce keeps the master and sends
 * up to two losers to the recycle bin. Either way the primary's Propstreet contact keeps the
 * link, the other contacts are unlinked and left exactly as they were, nothing is deleted, the
 * report says which contacts now share one record, and a rerun writes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { type E2E, seedHubSpot, seedPropstreet, startE2E, writes } from './support.js';

const DELETES = { fromPropstreet: 'archive', fromCrm: 'delete', maxShare: 1 };

async function linksOf(e: E2E, connection: string, ids: readonly string[]) {
  const store = await openTenantStore(e.config);
  try {
    const links = await store.linksByPropstreetIds(
      { tenant: e.config.tenant, connection, kind: 'contacts' },
      ids,
    );
    return new Map(links.map((l) => [l.propstreetId, l.crmId]));
  } finally {
    await store.close();
  }
}

const refOf = (e: E2E, id: string, namespace: string) =>
  e.sb.propstreet.contact(id)?.externalRefs.find((r) => r.namespace === namespace)?.id;

const mergeNotices = (r: ConnectionResult) => r.notices.filter((n) => n.kind === 'crm-merge');

describe('CRM merges of linked records', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it.each([
    ['the first', 0],
    ['the second', 1],
  ] as const)(
    'HubSpot, %s record primary: its contact follows the new record, the other is left as it is',
    async (_, primaryAt) => {
      e = await startE2E({ salesforce: false }, { connection: { deletes: DELETES } });
      const ids = seedPropstreet(e.sb, 0, 3);
      await e.run();
      const hs = e.sb.hubspot!.control;
      const recordOf = (psId: string) => hs.dump().find((x) => x.properties.propstreet_id === psId)!.id;
      const primary = ids[primaryAt]!;
      const other = ids[1 - primaryAt]!;
      const [primaryRecord, otherRecord] = [recordOf(primary), recordOf(other)];
      const before = { primary: e.sb.propstreet.contact(primary)!, other: e.sb.propstreet.contact(other)! };

      const merged = hs.mergeAsUser(primaryRecord, otherRecord);
      expect([primaryRecord, otherRecord]).not.toContain(merged);

      // The plan says it, and writes nothing.
      const quiet = writes(e.sb);
      const plan = (await e.run({ dryRun: true })).connections[0]!;
      expect(writes(e.sb)).toEqual(quiet);
      const text = `merged in the CRM: Propstreet contacts ${primary} and ${other} now share one record (${merged})`;
      expect(mergeNotices(plan.result).map((n) => n.text)).toEqual([expect.stringContaining(text)]);
      expect(plan.records.find((r) => r.propstreetId === other)).toMatchObject({ action: 'unlink' });

      const run = (await e.run()).connections[0]!;
      expect(run.records).toEqual(plan.records); // the dry run showed exactly this
      expect(run.result).toMatchObject({
        status: 'ok',
        done: { delete: { propstreet: 0, crm: 0 }, unlink: 1 },
      });
      expect(mergeNotices(run.result).map((n) => n.text)).toEqual([expect.stringContaining(text)]);
      expect(await linksOf(e, 'hubspot', [primary, other])).toEqual(new Map([[primary, merged]]));
      expect(refOf(e, primary, 'hubspot')).toBe(merged);
      // The other contact: not a single write, not even to its ref.
      expect(e.sb.propstreet.contact(other)).toEqual(before.other);
      const kept = e.sb.propstreet.contact(primary)!;
      for (const f of ['firstName', 'lastName', 'email', 'phone', 'deletedUtc'] as const)
        expect(kept[f]).toEqual(before.primary[f]);
      // The merged record keeps the primary's values and key; nothing was archived.
      expect(hs.get(merged)?.properties).toMatchObject({
        propstreet_id: primary,
        firstname: before.primary.firstName,
        email: before.primary.email,
      });
      expect(hs.dump().filter((x) => !x.archived)).toHaveLength(2);

      const settled = writes(e.sb);
      await e.run();
      expect(writes(e.sb)).toEqual(settled);

      // An edit of the other contact later does not create the person again in HubSpot: the
      // merge left a tombstone, as a CRM deletion does.
      e.sb.propstreet.editAsUser(other, { firstName: 'Later' });
      const later = (await e.run()).connections[0]!;
      expect(later.records.find((r) => r.propstreetId === other)).toMatchObject({
        action: 'skip',
        reason: expect.stringContaining(`its link to CRM record ${otherRecord} ended `),
      });
      expect(later.records.find((r) => r.propstreetId === other)?.reason).toContain(
        `(merged in the CRM into ${merged}: the link ends, the contact is left as it is)`,
      );
      expect(hs.dump().filter((x) => !x.archived)).toHaveLength(2);
    },
  );

  it('HubSpot merge while both contacts were edited in Propstreet: only the kept contact’s edit reaches the merged record', async () => {
    e = await startE2E({ salesforce: false }, { connection: { deletes: DELETES } });
    const [primary, other] = seedPropstreet(e.sb, 0, 2) as [string, string];
    await e.run();
    const hs = e.sb.hubspot!.control;
    const recordOf = (psId: string) => hs.dump().find((x) => x.properties.propstreet_id === psId)!.id;
    const merged = hs.mergeAsUser(recordOf(primary), recordOf(other));
    e.sb.propstreet.editAsUser(primary, { lastName: 'Kept-Edit' });
    const otherEdited = e.sb.propstreet.editAsUser(other, { lastName: 'Other-Edit', phone: '+46701112233' });

    const run = (await e.run()).connections[0]!;
    expect(run.result).toMatchObject({ status: 'ok', failures: [] });
    expect(mergeNotices(run.result)).toHaveLength(1);
    expect(hs.get(merged)?.properties).toMatchObject({ propstreet_id: primary, lastname: 'Kept-Edit' });
    expect(hs.get(merged)?.properties.phone).not.toBe('+46701112233');
    expect(e.sb.propstreet.contact(other)).toEqual(otherEdited);
    expect(await linksOf(e, 'hubspot', [primary, other])).toEqual(new Map([[primary, merged]]));
    const settled = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(settled);
  });

  it('a survivor of a merge of unlinked records (HubSpot lists past merges on every read) is matched like any record', async () => {
    e = await startE2E({ salesforce: false }, { connection: { match: ['externalRef', 'key', 'email'] } });
    const [primary, other] = seedHubSpot(e.sb, 10, 2) as [string, string];
    const merged = e.sb.hubspot!.control.mergeAsUser(primary, other);
    const [contact] = seedPropstreet(e.sb, 10, 1); // the primary's person: same email
    const r = (await e.run()).connections[0]!;
    expect(r.result).toMatchObject({ status: 'ok', planned: { link: 1, skip: 0, create: { crm: 0 } } });
    expect(r.result.notices).toEqual([]);
    expect(await linksOf(e, 'hubspot', [contact!])).toEqual(new Map([[contact, merged]]));
  });

  it('Salesforce, a master and two losers: the master keeps its contact, the losers’ contacts are left as they are', async () => {
    e = await startE2E({ hubspot: false }, { connection: { deletes: DELETES } });
    const [master, loserA, loserB, bystander] = seedPropstreet(e.sb, 0, 4) as [
      string,
      string,
      string,
      string,
    ];
    await e.run();
    const sf = e.sb.salesforce!.control;
    const recordOf = (psId: string) => sf.getByKey(psId)!.Id as string;
    const masterRecord = recordOf(master);
    const before = new Map([loserA, loserB].map((id) => [id, e.sb.propstreet.contact(id)!]));

    sf.merge(masterRecord, [recordOf(loserA), recordOf(loserB)]);
    const run = (await e.run()).connections[0]!;
    expect(run.result).toMatchObject({
      status: 'ok',
      done: { delete: { propstreet: 0, crm: 0 }, unlink: 2 },
    });
    expect(mergeNotices(run.result).map((n) => n.text)).toEqual([
      expect.stringContaining(
        `merged in the CRM: Propstreet contacts ${master}, ${loserA} and ${loserB} now share one record (${masterRecord})`,
      ),
    ]);
    expect(await linksOf(e, 'salesforce', [master, loserA, loserB, bystander])).toEqual(
      new Map([
        [master, masterRecord],
        [bystander, recordOf(bystander)],
      ]),
    );
    for (const [id, contact] of before) expect(e.sb.propstreet.contact(id)).toEqual(contact);
    expect(e.sb.propstreet.allContacts().every((c) => c.deletedUtc === null)).toBe(true);
    expect(sf.get(masterRecord)).toMatchObject({ IsDeleted: false, Propstreet_Id__c: master });

    const settled = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(settled);
  });
});
