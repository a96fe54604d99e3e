/**
 * The Propstreet write path end to end: list fields reach Propstreet through the request that
 * takes them and are checked on the answer; stale etags (412 or 409) on PATCH and DELETE are
 * re-read and re-planned; and no write ever pairs records behind the engine's back (no
 * `match=email`): an email that is taken is reported, never merged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordPlan } from '../../src/engine/types.js';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

const CONTACTS = '/api/v1/network/contacts';

/** Propstreet API calls made since `from` (an index into the fake's log). */
const callsSince = (e: E2E, from: number) =>
  e.sb.propstreet
    .apiRequests()
    .slice(from)
    .map((r) => `${r.method} ${r.path} ${r.status}`);

const recordsOf = (run: Awaited<ReturnType<E2E['run']>>): RecordPlan[] => run.connections[0]!.records;

describe('list fields go through the upsert by external ref, and are verified', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const linkMia = async () => {
    e = await startE2E({ hubspot: false });
    const [mia] = e.sb.propstreet.seed([
      {
        firstName: 'Mia',
        lastName: 'Mobil',
        email: 'mia@example.com',
        phone: '+46701112233',
        phones: [
          { number: '+46701112233', type: 'work' },
          { number: '+46812345678', type: 'home' },
        ],
      },
    ]);
    await e.run();
    const sfId = e.sb.salesforce!.control.getByKey(mia!.id)!.Id as string;
    return { psId: mia!.id, sfId, phones: e.sb.propstreet.contact(mia!.id)!.phones };
  };

  it("a CRM mobile-phone change reaches Propstreet's phones list, and the next run writes nothing", async () => {
    const { psId, sfId, phones } = await linkMia();
    e.sb.salesforce!.control.edit(sfId, { MobilePhone: '+46709998877' });
    const from = e.sb.propstreet.apiRequests().length;
    const r = await e.run();
    expect(r.connections[0]!.result.failures).toEqual([]);
    expect(e.sb.propstreet.contact(psId)).toMatchObject({
      phone: '+46701112233',
      phones: [...phones, { number: '+46709998877', type: 'mobile', isPrimary: false }],
    });
    // The If-Match PATCH by id (empty: no scalar changed) vouches for the version, then the upsert.
    expect(callsSince(e, from).filter((c) => c.startsWith('PATCH'))).toEqual([
      `PATCH ${CONTACTS}/${psId} 200`,
      `PATCH ${CONTACTS}/external/salesforce/${sfId} 200`,
    ]);
    const before = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(before);
  });

  it('a write Propstreet silently does not take fails the record and records no shadow', async () => {
    const { psId, sfId, phones } = await linkMia();
    e.sb.salesforce!.control.edit(sfId, { MobilePhone: '+46709998877' });
    e.sb.propstreet.ignoreWriteMembers(['phones']);
    const r = await e.run();
    expect(r.connections[0]!.result.failures).toEqual([
      expect.objectContaining({
        side: 'propstreet',
        recordId: psId,
        error: expect.stringMatching(/does not hold mobilePhone as written; nothing recorded/),
      }),
    ]);
    expect(e.sb.propstreet.contact(psId)!.phones).toEqual(phones);

    // Had the shadow claimed the mobile number, nothing would ever write it again.
    e.sb.propstreet.ignoreWriteMembers([]);
    const again = await e.run();
    expect(again.connections[0]!.result.failures).toEqual([]);
    expect(e.sb.propstreet.contact(psId)!.phones.map((p) => p.number)).toContain('+46709998877');
    expect(e.sb.salesforce!.control.get(sfId)!.MobilePhone).toBe('+46709998877');
  });

  it('a dropped scalar on the PATCH by id fails the record the same way', async () => {
    const { psId, sfId } = await linkMia();
    e.sb.salesforce!.control.edit(sfId, { LastName: 'Mobilsson' });
    e.sb.propstreet.ignoreWriteMembers(['lastName']);
    const r = await e.run();
    expect(r.connections[0]!.result.failures.map((f) => f.error)).toEqual([
      expect.stringMatching(/does not hold lastName as written/),
    ]);
    expect(e.sb.propstreet.contact(psId)!.lastName).toBe('Mobil');
  });
});

describe('stale etags: 412 and 409 both re-read and re-plan; other 409s do not', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it.each([412, 409] as const)(
    'a %i on PATCH keeps the concurrent user edit and writes ours',
    async (status) => {
      e = await startE2E({ hubspot: false });
      const [psId] = seedPropstreet(e.sb, 0, 1);
      await e.run();
      const sfId = e.sb.salesforce!.control.getByKey(psId!)!.Id as string;
      e.sb.salesforce!.control.edit(sfId, { Email: 'from.crm@example.com' });
      e.sb.propstreet.setStaleEtagStatus(status);
      const from = e.sb.propstreet.apiRequests().length;
      let edited = false;
      const r = await e.run({
        onPlanChunk: () => {
          if (!edited) e.sb.propstreet.editAsUser(psId!, { lastName: 'Edited-meanwhile' });
          edited = true;
        },
      });
      expect(r.connections[0]!.result.failures).toEqual([]);
      expect(e.sb.propstreet.contact(psId!)).toMatchObject({
        email: 'from.crm@example.com',
        lastName: 'Edited-meanwhile',
      });
      expect(callsSince(e, from).filter((c) => c.includes(`${CONTACTS}/${psId}`))).toEqual([
        `PATCH ${CONTACTS}/${psId} ${status}`,
        `GET ${CONTACTS}/${psId} 200`,
        `PATCH ${CONTACTS}/${psId} 200`,
      ]);
    },
  );

  it('a 409 about a taken external ref is a failure, not a stale etag: no re-read, no retry', async () => {
    e = await startE2E({ hubspot: false });
    const [psId] = seedPropstreet(e.sb, 0, 1);
    await e.run();
    const sfId = e.sb.salesforce!.control.getByKey(psId!)!.Id as string;
    e.sb.salesforce!.control.edit(sfId, { LastName: 'Changed' });
    e.sb.propstreet.http.faults.add({
      kind: 'status',
      status: 409,
      method: 'PATCH',
      path: `${CONTACTS}/${psId}`,
      times: 1,
      headers: { 'content-type': 'application/problem+json' },
      body: {
        type: 'https://app.propstreet.com/help/conflict',
        title: 'Conflict',
        status: 409,
        detail: `External ref salesforce/${sfId} is already used by another contact.`,
      },
    });
    const from = e.sb.propstreet.apiRequests().length;
    const r = await e.run();
    expect(r.connections[0]!.result.failures.map((f) => f.error)).toEqual([
      expect.stringMatching(/answered 409 \(Conflict: External ref/),
    ]);
    expect(callsSince(e, from).filter((c) => c.includes(`${CONTACTS}/${psId}`))).toEqual([
      `PATCH ${CONTACTS}/${psId} 409`,
    ]);
  });

  it.each([412, 409] as const)(
    'DELETE carries If-Match: a %i re-reads and re-plans before deleting',
    async (status) => {
      e = await startE2E({ hubspot: false }, { connection: { deletes: { fromCrm: 'delete' } } });
      const [psId] = seedPropstreet(e.sb, 0, 1);
      await e.run();
      e.sb.salesforce!.control.remove(e.sb.salesforce!.control.getByKey(psId!)!.Id as string);
      e.sb.propstreet.setStaleEtagStatus(status);
      const from = e.sb.propstreet.apiRequests().length;
      let edited = false;
      const r = await e.run({
        onPlanChunk: () => {
          // After the delete was planned, a user edits the contact in Propstreet.
          if (!edited) e.sb.propstreet.editAsUser(psId!, { lastName: 'Edited-after-plan' });
          edited = true;
        },
      });
      // The stale etag stopped the DELETE; the re-plan saw the edit, which now beats the CRM's
      // delete (`deletes.againstEdit: keep-edited`): no second DELETE, the unlink follows.
      expect(r.connections[0]!.result.failures.map((f) => f.error)).toEqual([
        expect.stringMatching(/edited in Propstreet after the delete was planned; re-planned: unlink/),
      ]);
      expect(callsSince(e, from).filter((c) => c.includes(`${CONTACTS}/${psId}`))).toEqual([
        `DELETE ${CONTACTS}/${psId} ${status}`,
        `GET ${CONTACTS}/${psId} 200`,
      ]);
      expect(e.sb.propstreet.contact(psId!)!.deletedUtc).toBeFalsy();
      const next = (await e.run()).connections[0]!.result;
      expect(next.failures).toEqual([]);
      expect(next.done.unlink).toBe(1);
      const kept = e.sb.propstreet.contact(psId!)!;
      expect(kept.deletedUtc).toBeFalsy();
      expect(kept.lastName).toBe('Edited-after-plan');
      expect(kept.externalRefs.filter((x) => x.namespace === 'salesforce')).toEqual([]);
    },
  );
});

describe('no implicit pairing: a taken email is reported, never merged', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const refsIn = (e: E2E, namespace: string) =>
    e.sb.propstreet
      .allContacts()
      .flatMap((c) => c.externalRefs.filter((r) => r.namespace === namespace).map((r) => `${c.id}:${r.id}`));

  it('two unlinked Salesforce contacts with one email (different case) leave "Anna Propstreet" alone', async () => {
    e = await startE2E({ hubspot: false }, { connection: { match: ['externalRef', 'key', 'email'] } });
    seedPropstreet(e.sb, 0, 1);
    await e.run(); // checkpoints set: the next run reads deltas and looks emails up through the API
    const [anna] = e.sb.propstreet.seed([
      { firstName: 'Anna', lastName: 'Propstreet', email: 'anna@x.com', phone: '+46701112233' },
    ]);
    const [sf1, sf2] = e.sb.salesforce!.control.seed([
      { FirstName: 'Anna', LastName: 'SalesforceOne', Email: 'anna@x.com' },
      { FirstName: 'Anna', LastName: 'SalesforceTwo', Email: 'Anna@X.com' },
    ]);
    const refsBefore = refsIn(e, 'salesforce');

    const r = await e.run();
    expect(r.connections[0]!.result).toMatchObject({ status: 'ok', failures: [] });
    expect(e.sb.propstreet.contact(anna!.id)).toEqual(anna);
    expect(refsIn(e, 'salesforce')).toEqual(refsBefore);
    const reasons = new Map(recordsOf(r).map((p) => [p.propstreetId ?? p.crmId, `${p.action}: ${p.reason}`]));
    expect(reasons.get(anna!.id)).toMatch(/^skip: email anna@x\.com matches 2 CRM records/);
    for (const id of [sf1!, sf2!])
      expect(reasons.get(id)).toMatch(
        new RegExp(`^skip: email anna@x\\.com is already held by Propstreet contact ${anna!.id}; not paired`),
      );

    const before = writes(e.sb);
    const again = await e.run();
    expect(again.connections[0]!.result).toMatchObject({ status: 'ok', failures: [] });
    expect(writes(e.sb)).toEqual(before);
    expect(e.sb.propstreet.contact(anna!.id)).toEqual(anna);
  });

  it("a HubSpot form contact with a linked contact's new email neither overwrites nor double-links it", async () => {
    e = await startE2E({ salesforce: false }, { connection: { match: ['externalRef', 'key', 'email'] } });
    const [seeded] = e.sb.propstreet.seed([
      { firstName: 'Anna', lastName: 'Linked', email: 'anna@old.com', phone: '+46701112233' },
    ]);
    const psId = seeded!.id;
    await e.run();
    const h1 = e.sb.hubspot!.control.dump().find((c) => c.properties.propstreet_id === psId)!.id;
    // Anna's email changes in Propstreet; before the next sync, a HubSpot form creates a
    // second contact with that new email.
    e.sb.propstreet.editAsUser(psId, { email: 'anna@new.com' });
    const h2 = e.sb.hubspot!.control.createAsUser({
      firstname: 'Form',
      lastname: 'Person',
      email: 'anna@new.com',
      phone: '+46709998877',
    });
    const anna = e.sb.propstreet.contact(psId)!;

    const r = await e.run();
    const result = r.connections[0]!.result;
    expect(e.sb.propstreet.contact(psId)).toEqual(anna);
    expect(anna.externalRefs).toEqual([{ namespace: 'hubspot', id: h1 }]);
    const h2Plan = recordsOf(r).find((p) => p.crmId === h2)!;
    expect(`${h2Plan.action}: ${h2Plan.reason}`).toMatch(
      new RegExp(
        `^skip: email anna@new\\.com is already held by Propstreet contact ${psId}; .*linked to CRM record ${h1}`,
      ),
    );
    // HubSpot itself refuses Anna's new email on h1 while h2 holds it: that is for a person
    // to resolve, and it fails on the HubSpot side only — no Propstreet CONFLICT.
    expect(result.failures.map((f) => f.recordId)).toEqual([psId]);
    expect(result.failures[0]!.error).not.toMatch(/Propstreet/);

    const quiet = writes(e.sb).propstreet;
    await e.run();
    expect(writes(e.sb).propstreet).toBe(quiet);
    expect(e.sb.propstreet.contact(psId)).toEqual(anna);

    // A person removes the duplicate in HubSpot: the next run converges, the one after is silent.
    e.sb.hubspot!.control.deleteAsUser(h2);
    const resolved = await e.run();
    expect(resolved.connections[0]!.result).toMatchObject({ status: 'ok', failures: [] });
    expect(e.sb.hubspot!.control.get(h1)!.properties.email).toBe('anna@new.com');
    expect(e.sb.propstreet.contact(psId)!.externalRefs).toEqual([{ namespace: 'hubspot', id: h1 }]);
    const settled = writes(e.sb);
    const last = await e.run();
    expect(last.connections[0]!.result).toMatchObject({ status: 'ok', failures: [] });
    expect(writes(e.sb)).toEqual(settled);
  });

  it("a holder not read in this run: Propstreet's unique-email answer fails the record alone, then it is quarantined", async () => {
    e = await startE2E(
      { hubspot: false },
      { connection: { match: ['externalRef', 'key', 'email'], maxAttempts: 2 } },
    );
    seedPropstreet(e.sb, 0, 1);
    await e.run();
    // Last changed long ago: outside every delta from now on.
    const [anna] = e.sb.propstreet.seed([
      { firstName: 'Anna', lastName: 'Propstreet', email: 'anna@x.com', updatedUtc: '2020-01-01T00:00:00Z' },
    ]);
    const [sf] = e.sb.salesforce!.control.seed([
      { FirstName: 'Anna', LastName: 'Salesforce', Email: 'ANNA@x.com' },
    ]);

    const r = await e.run();
    expect(r.connections[0]!.result.failures).toEqual([
      expect.objectContaining({
        side: 'crm',
        recordId: sf,
        quarantined: false,
        error: expect.stringMatching(
          /^email anna@x\.com is already held by another Propstreet contact; not paired automatically/,
        ),
      }),
    ]);
    expect(e.sb.propstreet.contact(anna!.id)).toEqual(anna);
    expect(e.sb.propstreet.allContacts().filter((c) => c.externalRefs.some((x) => x.id === sf))).toEqual([]);

    const second = await e.run();
    expect(second.connections[0]!.result.failures.map((f) => f.quarantined)).toEqual([true]);
    const before = writes(e.sb);
    const third = await e.run();
    expect(third.connections[0]!.result.failures).toEqual([]);
    expect(writes(e.sb)).toEqual(before);
    expect(e.sb.propstreet.contact(anna!.id)).toEqual(anna);
  });
});
