/**
 * The conformance suite every CrmAdapter must pass (HubSpot, Salesforce, …). It speaks only
 * the port: CRM specifics come in through `setup` (a fresh, empty CRM per test, with helpers
 * that act as a user would) and `fieldNames` (the CRM's names for email and name fields; for an
 * object without email, such as companies, the value that fails validation and the property
 * `findByMatch` is tested on). Expectations beyond the port's types: records carry the key
 * property among their properties; an invalid value (by default an invalid email) is rejected
 * per record as `invalid`; a record deleted by a user is `not-found` to update and absent from
 * reads. Use a small read page size in the harness so readChanges spans several pages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmAdapter, CrmChangePage, CrmRecord } from '../../src/crm/port.js';
import { clockPast } from '../support/clock-past.js';

export interface CrmContractHarness {
  readonly adapter: CrmAdapter;
  /** Creates records as a user would (not through the adapter); returns their ids in order. */
  seed(records: { key?: string; properties: Record<string, string | null> }[]): Promise<string[]>;
  editAsUser(id: string, props: Record<string, string | null>): Promise<void>;
  deleteAsUser(id: string): Promise<void>;
  teardown(): Promise<void>;
}

export interface CrmContractFields {
  /** The email property; required unless both `invalid` and `match` are given. */
  readonly email?: string;
  /** A text property the tests set and edit (for companies: any free-text property). */
  readonly firstName: string;
  /** The record's required name property (contacts: last name; companies: name). */
  readonly lastName: string;
  /** A value the CRM refuses (default: `email` = 'not an email'). */
  readonly invalid?: { readonly field: string; readonly value: string };
  /** The property `findByMatch` is tested on (default: email, case-insensitively). */
  readonly match?: {
    readonly field: string;
    /** The value a record tagged `tag` holds. */
    stored(tag: string): string;
    /** A differently written value that must find that record. */
    lookup(tag: string): string;
    /** A value that finds nothing. */
    readonly absent: string;
  };
}

function emailMatch(email: string): NonNullable<CrmContractFields['match']> {
  return {
    field: email,
    stored: (tag) => `Ada.${tag}@Example.com`,
    lookup: (tag) => `ada.${tag}@EXAMPLE.com`,
    absent: 'nobody@nowhere.example',
  };
}

async function drain(iterable: AsyncIterable<CrmChangePage>): Promise<CrmChangePage[]> {
  const pages: CrmChangePage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

const recordsOf = (pages: readonly CrmChangePage[]): CrmRecord[] => pages.flatMap((p) => p.records);

function expectEachIdOnce(records: readonly CrmRecord[]): void {
  const ids = records.map((r) => r.id);
  expect(new Set(ids).size, `ids repeated within one read: ${ids.join(',')}`).toBe(ids.length);
}

export function describeCrmAdapterContract(
  name: string,
  setup: () => Promise<CrmContractHarness>,
  fieldNames: CrmContractFields,
): void {
  const { email } = fieldNames;
  const invalid = fieldNames.invalid ?? (email ? { field: email, value: 'not an email' } : undefined);
  const match = fieldNames.match ?? (email ? emailMatch(email) : undefined);
  if (!invalid || !match) throw new Error('the CRM contract needs `email`, or both `invalid` and `match`');
  describe(`CrmAdapter contract: ${name}`, () => {
    let h: CrmContractHarness;
    let run = 0;
    const unique = () => `${Date.now().toString(36)}${(run++).toString(36)}`;
    const person = (tag: string, first = 'Ada') => ({
      ...(email ? { [email]: `${tag}@contract.example.com` } : {}),
      // An explicit match property holds each record's own value, so lookups tell records apart.
      ...(fieldNames.match ? { [fieldNames.match.field]: fieldNames.match.stored(tag) } : {}),
      [fieldNames.firstName]: first,
      [fieldNames.lastName]: `Tester ${tag}`,
    });

    beforeEach(async () => {
      h = await setup();
      const prepared = await h.adapter.setup();
      expect(prepared.ok, JSON.stringify(prepared.checks)).toBe(true);
    });
    afterEach(async () => {
      await h.teardown();
    });

    it('setup is idempotent and check then passes', async () => {
      expect((await h.adapter.setup()).ok).toBe(true);
      const check = await h.adapter.check();
      expect(check.ok, JSON.stringify(check.checks)).toBe(true);
      expect(check.checks.length).toBeGreaterThan(0);
    });

    it('names the account it reaches, and finds its key fit and holding what was upserted', async () => {
      const account = await h.adapter.identity();
      expect(account?.id).toMatch(/^[a-z-]+:\S+$/);
      expect(await h.adapter.identity()).toEqual(account);
      const key = `ps-${unique()}`;
      await h.adapter.upsertByKey([{ key, properties: person(key) }]);
      const report = await h.adapter.inspectKeyField(50);
      expect(report.field.toLowerCase()).toBe(h.adapter.keyProperty.toLowerCase());
      expect(report.problems).toEqual([]);
      expect(report.sample).toContain(key);
    });

    it('upsert creates, then updates by key, and a repeat never duplicates', async () => {
      const key = `ps-${unique()}`;
      const [first] = await h.adapter.upsertByKey([{ key, properties: person(key) }]);
      expect(first).toMatchObject({ ok: true, created: true });
      const again = await h.adapter.upsertByKey([{ key, properties: person(key, 'Grace') }]);
      const repeat = await h.adapter.upsertByKey([{ key, properties: person(key, 'Grace') }]);
      for (const r of [...again, ...repeat]) expect(r).toMatchObject({ ok: true, created: false });
      if (!first?.ok || !again[0]?.ok) throw new Error('upsert failed');
      expect(again[0].id).toBe(first.id);
      const found = await h.adapter.readByKeys([key]);
      expect(found).toHaveLength(1);
      expect(found[0]?.id).toBe(first.id);
      expect(found[0]?.properties[fieldNames.firstName]).toBe('Grace');
    });

    it('returns one result per input, in input order', async () => {
      const tags = [0, 1, 2, 3, 4].map(() => `ps-${unique()}`);
      const [existing] = await h.seed([{ key: tags[3] ?? '', properties: person(tags[3] ?? '') }]);
      const results = await h.adapter.upsertByKey(tags.map((key) => ({ key, properties: person(key) })));
      expect(results).toHaveLength(tags.length);
      expect(results.map((r) => r.ok && r.created)).toEqual([true, true, true, false, true]);
      const byKey = new Map(
        (await h.adapter.readByKeys(tags)).map((r) => [r.properties[h.adapter.keyProperty], r.id]),
      );
      results.forEach((r, i) => {
        expect(r.ok && r.id).toBe(byKey.get(tags[i] ?? ''));
      });
      expect(results[3]?.ok && results[3].id).toBe(existing);
    });

    it('isolates an invalid record: the others are written, the bad one reported', async () => {
      const tags = [0, 1, 2, 3, 4].map(() => `ps-${unique()}`);
      const inputs = tags.map((key) => ({ key, properties: person(key) }));
      inputs[2] = {
        key: tags[2] ?? '',
        properties: { ...person(tags[2] ?? ''), [invalid.field]: invalid.value },
      };
      const results = await h.adapter.upsertByKey(inputs);
      expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true]);
      const bad = results[2];
      expect(bad?.ok === false && bad.error.code).toBe('invalid');
      expect(await h.adapter.readByKeys(tags)).toHaveLength(4);
    });

    it('updates by id, and reports a record that is gone as not-found', async () => {
      const [id, gone] = await h.seed([
        { key: `ps-${unique()}`, properties: person(unique()) },
        { key: `ps-${unique()}`, properties: person(unique()) },
      ]);
      if (!id || !gone) throw new Error('seed failed');
      await h.deleteAsUser(gone);
      const results = await h.adapter.update([
        { id, properties: { [fieldNames.lastName]: 'Lovelace' } },
        { id: gone, properties: { [fieldNames.lastName]: 'Ghost' } },
      ]);
      expect(results[0]).toMatchObject({ ok: true, id });
      expect(results[1]?.ok === false && results[1].error.code).toBe('not-found');
      const [read] = await h.adapter.readByIds([id]);
      expect(read?.properties[fieldNames.lastName]).toBe('Lovelace');
    });

    it('reads by ids and by keys, leaving out what does not exist', async () => {
      const keys = [`ps-${unique()}`, `ps-${unique()}`, `ps-${unique()}`];
      const ids = await h.seed(keys.map((key) => ({ key, properties: person(key) })));
      const gone = ids[2] ?? '';
      await h.deleteAsUser(gone);
      const byIds = await h.adapter.readByIds([...ids]);
      expect(byIds.map((r) => r.id).sort()).toEqual(ids.slice(0, 2).sort());
      expect(byIds.every((r) => !r.deleted && r.modifiedAt.length > 0)).toBe(true);
      const byKeys = await h.adapter.readByKeys([...keys, `ps-missing-${unique()}`]);
      expect(byKeys.map((r) => r.properties[h.adapter.keyProperty]).sort()).toEqual(keys.slice(0, 2).sort());
    });

    it(`finds live records by ${fieldNames.match ? match.field : 'email'}, case-insensitively`, async () => {
      const tag = unique();
      const goneProps = person(`${tag}c`);
      const [id, other, gone] = await h.seed([
        { key: `ps-${tag}a`, properties: { ...person(tag), [match.field]: match.stored(tag) } },
        { key: `ps-${tag}b`, properties: person(`${tag}b`) },
        { key: `ps-${tag}c`, properties: goneProps },
      ]);
      await h.deleteAsUser(gone ?? '');
      const found = await h.adapter.findByMatch(match.field, [
        match.lookup(tag),
        goneProps[match.field] ?? '',
        match.absent,
      ]);
      expect(found.map((r) => r.id)).toEqual([id]);
      expect(found.map((r) => r.id)).not.toContain(other);
    });

    it('deletes records', async () => {
      const ids = await h.seed([{ properties: person(unique()) }, { properties: person(unique()) }]);
      const results = await h.adapter.delete(ids);
      expect(results.map((r) => r.ok)).toEqual([true, true]);
      expect(await h.adapter.readByIds(ids)).toEqual([]);
    });

    it('reads changes since a checkpoint: created, updated, deleted, each once, resumable', async () => {
      const seeded = await h.seed(
        [0, 1, 2, 3].map(() => ({ key: `ps-${unique()}`, properties: person(unique()) })),
      );
      const initial = await drain(h.adapter.readChanges(null));
      expectEachIdOnce(recordsOf(initial));
      expect(recordsOf(initial).map((r) => r.id)).toEqual(expect.arrayContaining(seeded));
      const checkpoint = initial.at(-1)?.checkpoint;
      if (checkpoint === undefined) throw new Error('readChanges yielded no page');

      // Edits below are stamped later than the checkpoint's records.
      await clockPast(Date.now());
      const [kept, edited, deleted] = seeded;
      if (!kept || !edited || !deleted) throw new Error('seed failed');
      await h.editAsUser(edited, { [fieldNames.firstName]: 'Edited' });
      await h.deleteAsUser(deleted);
      const created = await h.adapter.upsertByKey([
        { key: `ps-${unique()}`, properties: person(unique()) },
        { key: `ps-${unique()}`, properties: person(unique()) },
        { key: `ps-${unique()}`, properties: person(unique()) },
      ]);
      const createdIds = created.map((r) => (r.ok ? r.id : ''));

      const pages = await drain(h.adapter.readChanges(checkpoint));
      const changes = recordsOf(pages);
      expectEachIdOnce(changes);
      const byId = new Map(changes.map((r) => [r.id, r]));
      for (const id of createdIds) expect(byId.get(id)?.deleted).toBe(false);
      expect(byId.get(edited)?.properties[fieldNames.firstName]).toBe('Edited');
      expect(byId.get(edited)?.deleted).toBe(false);
      expect(byId.get(deleted)?.deleted).toBe(true);
      for (const r of changes) expect(Number.isNaN(Date.parse(r.modifiedAt))).toBe(false);

      // Resuming from any page's checkpoint yields at least everything after that page.
      for (let i = 0; i < pages.length - 1; i++) {
        const page = pages[i];
        if (!page) continue;
        const later = recordsOf(pages.slice(i + 1)).map((r) => r.id);
        const resumed = recordsOf(await drain(h.adapter.readChanges(page.checkpoint)));
        expectEachIdOnce(resumed);
        expect(resumed.map((r) => r.id)).toEqual(expect.arrayContaining(later));
      }

      // Nothing changed since the last checkpoint: whatever comes back is a repeat of what was read.
      const final = pages.at(-1)?.checkpoint ?? checkpoint;
      const quiet = recordsOf(await drain(h.adapter.readChanges(final)));
      for (const r of quiet)
        expect(byId.get(r.id)?.modifiedAt, `unexpected change ${r.id}`).toBe(r.modifiedAt);
    });

    it('counts the API calls it makes', async () => {
      const before = Object.values(h.adapter.usage().calls).reduce((a, b) => a + b, 0);
      await h.adapter.upsertByKey([{ key: `ps-${unique()}`, properties: person(unique()) }]);
      await h.adapter.readByKeys([`ps-${unique()}`]);
      const after = h.adapter.usage().calls;
      const total = Object.values(after).reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(before + 2);
    });
  });
}
