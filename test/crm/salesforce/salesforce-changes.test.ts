import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmAdapter, CrmChangePage, CrmRecord } from '../../../src/crm/port.js';
import { type Harness, startHarness } from './harness.js';

async function readAll(
  adapter: CrmAdapter,
  checkpoint: string | null,
  overlapMs?: number,
): Promise<CrmChangePage[]> {
  const pages: CrmChangePage[] = [];
  for await (const page of adapter.readChanges(checkpoint, overlapMs === undefined ? {} : { overlapMs }))
    pages.push(page);
  return pages;
}

const records = (pages: readonly CrmChangePage[]): CrmRecord[] => pages.flatMap((p) => [...p.records]);

describe('Salesforce adapter change reads', () => {
  let h: Harness;
  let ids: string[];
  const T0 = Date.parse('2025-03-01T10:00:00Z');
  beforeAll(async () => {
    h = await startHarness();
    // One frozen second for all 4,500 rows: the whole read is a single SystemModstamp tie group.
    h.fake.control.setClock(T0);
    ids = h.fake.control.generate(4500);
    h.fake.control.advanceClock(1000);
    for (const id of ids.slice(100, 400)) h.fake.control.remove(id);
    // Salesforce merges at most three records: a master and two losers.
    h.fake.control.merge(ids[10] as string, [ids[11] as string, ids[12] as string]);
  });
  afterAll(() => h.close());

  it('reads 4,500 rows across 3 query pages, deleted and merged ones included, each exactly once', async () => {
    const before = h.apiCalls('/query');
    const pages = await readAll(h.adapter, null);
    expect(pages.map((p) => p.records.length)).toEqual([2000, 2000, 500]);
    expect(h.apiCalls('/query') - before).toBe(3);
    const all = records(pages);
    expect(new Set(all.map((r) => r.id)).size).toBe(4500);
    expect(all.filter((r) => r.deleted)).toHaveLength(302);
    for (const id of [ids[11], ids[12]]) {
      const loser = all.find((r) => r.id === id);
      expect(loser).toMatchObject({ deleted: true, mergedInto: ids[10] });
    }
    // The master keeps its Id and stays live; a lookup by a loser's Id finds it merged away
    // (queryAll: it is in the recycle bin with its MasterRecordId), one deleted outright nothing.
    expect(all.find((r) => r.id === ids[10])).toMatchObject({ deleted: false });
    const deletedOutright = all.find((r) => r.deleted && r.mergedInto === undefined)?.id as string;
    expect(await h.adapter.readByIds([ids[11] as string, deletedOutright, ids[10] as string])).toEqual([
      expect.objectContaining({ id: ids[10], deleted: false }),
      expect.objectContaining({ id: ids[11], deleted: true, mergedInto: ids[10] }),
    ]);
    expect(() =>
      h.fake.control.merge(ids[20] as string, [ids[21] as string, ids[22] as string, ids[23] as string]),
    ).toThrow(/cannot merge/);
    expect(all.find((r) => r.id === ids[0])).toMatchObject({
      deleted: false,
      modifiedAt: '2025-03-01T10:00:00.000Z',
      properties: { LastName: 'Contact 000001', Propstreet_Id__c: 'ps-000001' },
    });
    // Oldest first.
    const stamps = all.map((r) => Date.parse(r.modifiedAt));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('resumes after any page without skipping anything that follows it', async () => {
    const pages = await readAll(h.adapter, null);
    for (let i = 0; i < pages.length - 1; i++) {
      const resumed = records(await readAll(h.adapter, (pages[i] as CrmChangePage).checkpoint)).map(
        (r) => r.id,
      );
      expect(new Set(resumed).size).toBe(resumed.length);
      expect(resumed).toEqual(expect.arrayContaining(records(pages.slice(i + 1)).map((r) => r.id)));
    }
  });

  it('after the last checkpoint returns only repeats until something changes', async () => {
    const pages = await readAll(h.adapter, null);
    const seen = new Map(records(pages).map((r) => [r.id, r.modifiedAt]));
    const last = (pages.at(-1) as CrmChangePage).checkpoint;
    for (const r of records(await readAll(h.adapter, last))) expect(r.modifiedAt).toBe(seen.get(r.id));

    h.fake.control.advanceClock(60_000);
    h.fake.control.edit(ids[2000] as string, { Title: 'Changed in Salesforce' });
    h.fake.control.edit(ids[5] as string, { Title: 'Changed too' });
    const after = records(await readAll(h.adapter, last));
    const changed = after.filter((r) => r.modifiedAt !== seen.get(r.id));
    expect(changed.map((r) => r.id)).toEqual([ids[5], ids[2000]]);
    expect(changed[0]).toMatchObject({ properties: { Title: 'Changed too' } });
    // The re-read stays within the checkpoint's second: the 4,000-odd older rows are not read again.
    expect(after.length).toBeLessThan(400);

    const withOverlap = records(await readAll(h.adapter, last, 120_000)).map((r) => r.id);
    expect(withOverlap).toEqual(expect.arrayContaining([ids[5], ids[2000], ids[11]]));
  });

  it('catches a record saved later within the checkpoint’s second, even with a lower Id', async () => {
    h.fake.control.advanceClock(60_000);
    h.fake.control.edit(ids[4000] as string, { Title: 'First in this second' });
    const last = (await readAll(h.adapter, null)).at(-1) as CrmChangePage;
    expect(last.records.at(-1)?.id).toBe(ids[4000]);
    // Same second, smaller Id: a (SystemModstamp, Id) keyset checkpoint would step over it.
    h.fake.control.edit(ids[3] as string, { Title: 'Second in this second' });
    const next = records(await readAll(h.adapter, last.checkpoint));
    expect(next.find((r) => r.id === ids[3])?.properties.Title).toBe('Second in this second');
  });

  it('rejects a checkpoint it did not write', async () => {
    await expect(readAll(h.adapter, 'yesterday')).rejects.toMatchObject({ code: 'STATE' });
  });

  it('reads by id, key and email (case-insensitive), live rows only', async () => {
    const byId = await h.adapter.readByIds([
      ids[0] as string,
      ids[150] as string,
      'garbage',
      '003ZZZZZZZZZZZZAAA',
    ]);
    expect(byId.map((r) => r.id)).toEqual([ids[0]]);
    const byKey = await h.adapter.readByKeys(['ps-000002', 'ps-000150', 'nope']);
    expect(byKey.map((r) => r.id)).toEqual([ids[1]]);
    const byEmail = await h.adapter.findByMatch('Email', [
      'CONTACT000003@Example.com',
      'contact000150@example.com',
    ]);
    expect(byEmail.map((r) => r.id)).toEqual([ids[2]]);
  });

  it('reads 10,500 rows in full: paging is not cut at jsforce’s maxFetch of 10,000', async () => {
    const big = await startHarness();
    try {
      big.fake.control.generate(10_500);
      const pages = await readAll(big.adapter, null);
      expect(pages).toHaveLength(6);
      expect(new Set(records(pages).map((r) => r.id)).size).toBe(10_500);
      expect(big.adapter.usage().calls.read).toBe(6);
    } finally {
      await big.close();
    }
  });
});
