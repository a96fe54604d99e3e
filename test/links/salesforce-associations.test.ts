/**
 * The Salesforce CrmAssociations port on the fake over HTTP: AccountId for the primary company,
 * AccountContactRelation for the others when the org has it, 200 records a collections call,
 * per-record errors isolated, repeats sending nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../fakes/salesforce/salesforce-fake.js';
import { PayloadError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { ACR_DISABLED, createSalesforceAssociations } from '../../src/crm/salesforce/associations.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const instant = { now: () => new Date(), sleep: async () => {} };

describe('Salesforce associations', () => {
  let sf: SalesforceFake | undefined;
  afterEach(async () => {
    await sf?.close();
    sf = undefined;
  });

  async function start(multiple: boolean) {
    sf = await startSalesforceFake({ contactsToMultipleAccounts: multiple });
    const port = createSalesforceAssociations({
      redactor,
      instanceUrl: sf.url,
      accessToken: sf.accessToken,
      loginUrl: sf.url,
      clock: instant,
    });
    const writes = () =>
      (sf as SalesforceFake).http.requests.filter((r) => r.path.includes('/composite/sobjects')).length;
    return { sf, port, writes };
  }

  it('sets 250 primary companies in two collection calls, isolates a bad account, and a repeat sends nothing', async () => {
    const { sf, port, writes } = await start(false);
    const contacts = sf.control.seed(Array.from({ length: 250 }, (_, i) => ({ LastName: `P${i}` })));
    const [acme, gone] = sf.control.accounts.seed([{ Name: 'Acme' }, { Name: 'Gone' }]);
    if (!acme || !gone) throw new Error('seed failed');
    sf.control.accounts.remove(gone);
    const links = contacts.map((c, i) => ({ fromId: c, toId: i === 7 ? gone : acme, primary: true }));
    const results = await port.associate(links);
    expect(writes()).toBe(2);
    expect(results.filter((r) => r.ok)).toHaveLength(249);
    expect(results[7]).toMatchObject({ ok: false, error: { crmCode: 'INVALID_CROSS_REFERENCE_KEY' } });
    expect((await port.read([contacts[0] ?? ''])).at(0)).toEqual({
      fromId: contacts[0],
      toId: acme,
      primary: true,
    });
    await port.associate(links.filter((_, i) => i !== 7));
    expect(writes()).toBe(2);
  });

  it('without AccountContactRelation refuses other companies per record and keeps the primary', async () => {
    const { sf, port } = await start(false);
    const [c] = sf.control.seed([{ LastName: 'Lind' }]);
    const [a, b] = sf.control.accounts.seed([{ Name: 'A' }, { Name: 'B' }]);
    if (!c || !a || !b) throw new Error('seed failed');
    expect(await port.multipleCompanies()).toBe(false);
    expect(
      await port.associate([
        { fromId: c, toId: a, primary: true },
        { fromId: c, toId: b, primary: false },
      ]),
    ).toEqual([{ ok: true }, { ok: false, error: ACR_DISABLED }]);
    expect(await port.read([c])).toEqual([{ fromId: c, toId: a, primary: true }]);
  });

  it('with AccountContactRelation relates other accounts, moves the primary, and dissociates both kinds', async () => {
    const { sf, port } = await start(true);
    const [c] = sf.control.seed([{ LastName: 'Lind' }]);
    const [a, b] = sf.control.accounts.seed([{ Name: 'A' }, { Name: 'B' }]);
    if (!c || !a || !b) throw new Error('seed failed');
    expect(await port.multipleCompanies()).toBe(true);
    await port.associate([
      { fromId: c, toId: a, primary: true },
      { fromId: c, toId: b, primary: false },
    ]);
    const sorted = <T extends { toId: string }>(xs: T[]) =>
      [...xs].sort((x, y) => x.toId.localeCompare(y.toId));
    // An indirect relation comes with its own id (what a deletion is listed by); the primary is AccountId.
    const relationId = expect.stringMatching(/^07k/);
    expect(sorted(await port.read([c]))).toEqual(
      sorted([
        { fromId: c, toId: a, primary: true },
        { fromId: c, toId: b, primary: false, id: relationId },
      ]),
    );
    // B becomes primary: A stays related (Salesforce keeps the old primary as an indirect relation).
    await port.associate([{ fromId: c, toId: b, primary: true }]);
    expect(sorted(await port.read([c]))).toEqual(
      sorted([
        { fromId: c, toId: a, primary: false, id: relationId },
        { fromId: c, toId: b, primary: true },
      ]),
    );
    // Removing the primary clears AccountId and deletes the relation it leaves; the other goes too.
    expect(
      await port.dissociate([
        { fromId: c, toId: b },
        { fromId: c, toId: a },
      ]),
    ).toEqual([{ ok: true }, { ok: true }]);
    expect(await port.read([c])).toEqual([]);
    expect(await port.dissociate([{ fromId: c, toId: a }])).toEqual([{ ok: true }]);
  });

  it('lists indirect relations changed since a checkpoint, oldest first, resumable; none without relations', async () => {
    const { sf, port } = await start(true);
    sf.control.setClock('2026-12-03T10:00:00.000Z');
    const [a, b] = sf.control.accounts.seed([{ Name: 'A' }, { Name: 'B' }]);
    const [c1, c2] = sf.control.seed([
      { LastName: 'Lind', AccountId: a ?? '' },
      { LastName: 'Berg', AccountId: a ?? '' },
    ]);
    const relations = sf.control.accountContactRelations;
    if (!relations || !b || !c1 || !c2) throw new Error('seed failed');
    sf.control.advanceClock(5_000);
    const [r1] = relations.seed([{ AccountId: b, ContactId: c2 }]);
    sf.control.advanceClock(5_000);
    const [r2] = relations.seed([{ AccountId: b, ContactId: c1 }]);
    const all = async (checkpoint: string | null) => {
      const pages = [];
      for await (const page of port.changes?.(checkpoint) ?? []) pages.push(page);
      return pages;
    };
    // The direct relations (to A, made with AccountId) are not listed: AccountId stamps the Contact.
    const first = await all(null);
    expect(first.flatMap((p) => p.records)).toEqual([
      { id: r1, fromId: c2, modifiedAt: '2026-12-03T10:00:05.000Z' },
      { id: r2, fromId: c1, modifiedAt: '2026-12-03T10:00:10.000Z' },
    ]);
    expect(first.at(-1)?.checkpoint).toBe('2026-12-03T10:00:10.000Z');
    // Inclusive from the checkpoint's second: the newest again, nothing older.
    expect((await all('2026-12-03T10:00:10.000Z')).flatMap((p) => p.records.map((r) => r.id))).toEqual([r2]);
    sf.control.advanceClock(5_000);
    relations.edit(r1 ?? '', { Roles: 'Decision Maker' });
    expect((await all('2026-12-03T10:00:11.000Z')).flatMap((p) => p.records)).toEqual([
      { id: r1, fromId: c2, modifiedAt: '2026-12-03T10:00:15.000Z' },
    ]);

    await sf.close();
    const off = await start(false);
    const before = off.sf.http.requests.length;
    const none = [];
    for await (const page of off.port.changes?.(null) ?? []) none.push(page);
    expect(none).toEqual([]);
    expect(off.sf.http.requests.slice(before).map((r) => r.path)).not.toContain(
      expect.stringContaining('/query'),
    );
  });

  it('lists relations deleted for good since a time, by id, up to the last whole minute; a start older than Salesforce keeps them is incomplete', async () => {
    const { sf, port } = await start(true);
    sf.control.setClock('2026-12-03T10:00:00.000Z');
    const [a, b] = sf.control.accounts.seed([{ Name: 'A' }, { Name: 'B' }]);
    const [c] = sf.control.seed([{ LastName: 'Lind', AccountId: a ?? '' }]);
    const relations = sf.control.accountContactRelations;
    if (!relations || !b || !c) throw new Error('seed failed');
    const [r] = relations.seed([{ AccountId: b, ContactId: c }]);
    sf.control.advanceClock(30_000);
    relations.remove(r ?? '', { as: sf.control.uiUserId });
    sf.control.advanceClock(60_000);
    const since = '2026-12-03T10:00:00.000Z';
    expect(await port.deleted?.(since)).toEqual({
      ids: [r],
      covered: '2026-12-03T10:01:00.000Z',
      complete: true,
    });
    expect(sf.http.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: expect.stringMatching(/\/sobjects\/AccountContactRelation\/deleted$/),
    });
    // From the minute it covered: nothing new.
    expect(await port.deleted?.('2026-12-03T10:01:00.000Z')).toEqual({
      ids: [],
      covered: '2026-12-03T10:01:00.000Z',
      complete: true,
    });
    // A range Salesforce would refuse (the start not more than a minute before the end, seconds
    // aside) is not asked for: its start is kept.
    const requests = sf.http.requests.length;
    const recent = new Date(Date.now() - 30_000).toISOString();
    expect(await port.deleted?.(recent)).toEqual({ ids: [], covered: recent, complete: true });
    expect(sf.http.requests.length).toBe(requests);
    // A start 14½ days back: Salesforce would still list it (15 days), but a day of clock skew
    // could take it past them, so it is a gap, found without asking.
    const fortnightAgo = new Date(Date.now() - 14.5 * 86_400_000).toISOString();
    expect(await port.deleted?.(fortnightAgo)).toMatchObject({ ids: [], complete: false });
    expect(sf.http.requests.length).toBe(requests);
    // The delete log purged after the start (Salesforce does, past its size limit): refused, so
    // the answer may miss deletions; reading restarts at this call.
    sf.control.accountContactRelations?.purgeDeleteLog();
    const refused = await port.deleted?.(since);
    expect(refused).toMatchObject({ ids: [], complete: false });
    expect(Date.parse(refused?.covered ?? '')).toBeGreaterThan(Date.now() - 120_000);
    expect(sf.http.requests.at(-1)?.status).toBe(400);
    // Sixteen days on, the start is older than the 15 days Salesforce lists deletions for.
    sf.control.advanceClock(16 * 86_400_000);
    expect(await port.deleted?.(since)).toMatchObject({ ids: [], complete: false });

    await sf.close();
    const off = await start(false);
    const before = off.sf.http.requests.length;
    expect(await off.port.deleted?.(since)).toMatchObject({ ids: [], complete: true });
    expect(off.sf.http.requests.slice(before).map((q) => q.path)).not.toContain(
      expect.stringContaining('/deleted'),
    );
  });

  it('refuses a deleted-relations answer it cannot read, naming the JSON path, and keeps nothing of it', async () => {
    const { sf, port } = await start(true);
    sf.control.setClock('2026-12-03T10:00:00.000Z');
    sf.control.advanceClock(180_000);
    const since = '2026-12-03T10:00:00.000Z';
    const answer = (body: unknown) =>
      sf.http.faults.add({
        kind: 'status',
        status: 200,
        path: '/AccountContactRelation/deleted',
        body,
        times: 1,
      });
    const covered = { earliestDateAvailable: since, latestDateCovered: '2026-12-03T10:02:00.000Z' };
    const cases: [unknown, string][] = [
      [{ ...covered, deletedRecords: 'none' }, 'deletedRecords'],
      [{ ...covered, deletedRecords: [{ id: '07k000000000001AAA' }, { id: 7 }] }, 'deletedRecords[1].id'],
      [{ ...covered, latestDateCovered: 'yesterday', deletedRecords: [] }, 'latestDateCovered'],
    ];
    for (const [body, jsonPath] of cases) {
      answer(body);
      const refused = await port.deleted?.(since).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(PayloadError);
      expect(refused).toMatchObject({ code: 'PAYLOAD_INVALID', jsonPath });
    }
    // The fake answers again: the same range reads as ever.
    expect(await port.deleted?.(since)).toMatchObject({ ids: [], complete: true });
  });

  it('pages the relation delta 2,000 rows a query page, each page with the stamp of its last row', async () => {
    const { sf, port } = await start(true);
    const [a, b] = sf.control.accounts.seed([{ Name: 'A' }, { Name: 'B' }]);
    const contacts = sf.control.seed(
      Array.from({ length: 2_500 }, (_, i) => ({ LastName: `P${i}`, AccountId: a ?? '' })),
    );
    const relations = sf.control.accountContactRelations;
    if (!relations || !b) throw new Error('seed failed');
    sf.control.setClock('2026-12-03T10:00:00.000Z');
    relations.seed(contacts.slice(0, 2_000).map((c) => ({ AccountId: b, ContactId: c })));
    sf.control.advanceClock(1_000);
    relations.seed(contacts.slice(2_000).map((c) => ({ AccountId: b, ContactId: c })));
    const pages = [];
    for await (const page of port.changes?.('2026-12-03T09:00:00.000Z') ?? []) pages.push(page);
    expect(pages.map((p) => [p.records.length, p.checkpoint])).toEqual([
      [2_000, '2026-12-03T10:00:00.000Z'],
      [500, '2026-12-03T10:00:01.000Z'],
    ]);
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.fromId)))).toEqual(new Set(contacts));
  });
});
