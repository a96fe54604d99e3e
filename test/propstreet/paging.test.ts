/** The list iterator over the fake's keyset paging: completeness, ties, deletes, updated_since. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import type { Contact } from '../../src/propstreet/schema.js';
import { clientFor, collect } from './helpers.js';

let fake: PropstreetFake;
let client: PropstreetClient;

const key = (c: Pick<Contact, 'updatedUtc' | 'id'>) => `${c.updatedUtc}|${c.id.padStart(12, '0')}`;

function expectOrderedAndUnique(contacts: readonly Contact[]): void {
  const ids = contacts.map((c) => c.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (let i = 1; i < contacts.length; i++) {
    expect(key(contacts[i - 1] as Contact) < key(contacts[i] as Contact)).toBe(true);
  }
}

beforeAll(async () => {
  fake = await startPropstreetFake({ rateLimit: { limit: 1_000_000 } });
  // 2,100 contacts in groups of 50 sharing one updatedUtc, every 9th deleted ...
  fake.generate(2_100, { tieGroup: 50, deletedEvery: 9, startUtc: '2025-01-01T00:00:00Z' });
  // ... and 600 more that all share a single updatedUtc: a tie wider than the largest page.
  fake.generate(600, { tieGroup: 600, offset: 2_100, startUtc: '2025-03-01T00:00:00Z' });
  client = clientFor(fake);
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

describe('listContacts paging', () => {
  it.each([1, 7, 500])('returns every live contact exactly once with page_size %i', async (pageSize) => {
    const live = fake.allContacts().filter((c) => c.deletedUtc === null);
    expect(live.filter((c) => c.updatedUtc === '2025-03-01T00:00:00.0000000Z').length).toBe(600);
    const { contacts, pages } = await collect(client.listContacts({ pageSize }));
    expect(contacts.map((c) => c.id).sort()).toEqual(live.map((c) => c.id).sort());
    expectOrderedAndUnique(contacts);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages.every((p) => p.contacts.length <= pageSize && p.invalid.length === 0)).toBe(true);
    expect(pages.length).toBe(Math.ceil(live.length / pageSize));
  });

  it('includes deleted contacts only with include_deleted', async () => {
    const all = fake.allContacts();
    const deleted = all.filter((c) => c.deletedUtc !== null);
    expect(deleted.length).toBe(233);
    const { contacts } = await collect(client.listContacts({ includeDeleted: true, pageSize: 7 }));
    expect(contacts.length).toBe(all.length);
    expectOrderedAndUnique(contacts);
    expect(
      contacts
        .filter((c) => c.deletedUtc)
        .map((c) => c.id)
        .sort(),
    ).toEqual(deleted.map((c) => c.id).sort());
    const { contacts: liveOnly } = await collect(
      client.listContacts({ includeDeleted: false, pageSize: 500 }),
    );
    expect(liveOnly.some((c) => c.deletedUtc)).toBe(false);
  });

  it('treats updated_since as "on or after": a whole tie group at the boundary comes back', async () => {
    // Group 10 (contacts 500..549) shares 2025-01-01T00:00:10Z; ask from exactly that instant.
    const since = '2025-01-01T00:00:10.000Z';
    const expected = fake
      .allContacts()
      .filter((c) => c.deletedUtc === null && Date.parse(c.updatedUtc) >= Date.parse(since));
    const { contacts } = await collect(client.listContacts({ updatedSince: since, pageSize: 7 }));
    expect(contacts.map((c) => c.id).sort()).toEqual(expected.map((c) => c.id).sort());
    // The boundary group: 50 contacts (#500..#549), of which #503, #512, … #548 (six) are deleted.
    expect(contacts.filter((c) => c.updatedUtc.startsWith('2025-01-01T00:00:10.')).length).toBe(50 - 6);
  });

  it('compares updated_since at the seven-digit precision the API emits', async () => {
    const [seeded] = fake.seed([{ firstName: 'Precise', updatedUtc: '2025-06-01T00:00:00.1234567Z' }]);
    const at = await collect(client.listContacts({ updatedSince: '2025-06-01T00:00:00.1234567Z' }));
    expect(at.contacts.map((c) => c.id)).toContain(seeded?.id);
    const after = await collect(client.listContacts({ updatedSince: '2025-06-01T00:00:00.1234568Z' }));
    expect(after.contacts.map((c) => c.id)).not.toContain(seeded?.id);
    // A client that truncates to milliseconds asks from earlier and still gets it (never skips).
    const truncated = await collect(client.listContacts({ updatedSince: '2025-06-01T00:00:00.123Z' }));
    expect(truncated.contacts.map((c) => c.id)).toContain(seeded?.id);
  });

  it('resumes from a saved cursor without gaps or repeats', async () => {
    const first: Contact[] = [];
    let saved: string | null = null;
    for await (const page of client.listContacts({ pageSize: 300 })) {
      first.push(...page.contacts);
      saved = page.nextCursor;
      if (first.length >= 900) break;
    }
    expect(saved).not.toBeNull();
    const rest = await collect(client.listContacts({ pageSize: 300, cursor: saved ?? undefined }));
    const all = [...first, ...rest.contacts];
    expectOrderedAndUnique(all);
    expect(all.length).toBe(fake.allContacts().filter((c) => c.deletedUtc === null).length);
  });

  it('moves a contact edited mid-walk to the end, so it is seen again (keyset on updatedUtc)', async () => {
    const seen: string[] = [];
    let edited: string | undefined;
    for await (const page of client.listContacts({ pageSize: 500 })) {
      seen.push(...page.contacts.map((c) => c.id));
      if (!edited) {
        edited = page.contacts[0]?.id;
        fake.editAsUser(edited ?? '', { lastName: 'Moved' });
      }
    }
    expect(seen.filter((id) => id === edited).length).toBe(2);
  });
});
