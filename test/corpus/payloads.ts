/**
 * Hostile API payloads: bodies a fake serves instead of its own answer (through a fault rule
 * of kind `status` 200), and values planted in a fake's store so the API keeps returning them.
 * test/reliability/hostile-input.test.ts runs each through a real sync.
 */
import type { FakeContact } from '../../fakes/propstreet/contact-types.js';

export const CONTACTS_PATH = '/api/v1/network/contacts';

/** A contact-list page as Propstreet sends it. */
export function page(
  data: readonly unknown[],
  next: { cursor: string | null; hasMore: boolean } = { cursor: null, hasMore: false },
): unknown {
  return { data, page: { nextCursor: next.cursor, hasMore: next.hasMore, pageSize: data.length } };
}

const STAMP = '2025-06-01T10:00:00.0000000Z';

/** Items that break the contact schema in one way each; ids 900001… exist nowhere. */
export const BROKEN_ITEMS: readonly {
  readonly name: string;
  readonly item: unknown;
  readonly path: RegExp;
}[] = [
  {
    name: 'wrong types',
    item: { id: '900001', firstName: 42, externalRefs: 'x', createdUtc: STAMP, updatedUtc: 12345 },
    path: /firstName|externalRefs|updatedUtc/,
  },
  {
    name: 'missing id',
    item: { firstName: 'No', lastName: 'Id', createdUtc: STAMP, updatedUtc: STAMP },
    path: /\bid\b/,
  },
  { name: 'not an object', item: 'contact-as-a-string', path: /data\[\d+\]/ },
  {
    name: 'external ref namespace too long',
    item: {
      id: '900002',
      externalRefs: [{ namespace: 'n'.repeat(51), id: '1' }],
      createdUtc: STAMP,
      updatedUtc: STAMP,
    },
    path: /externalRefs/,
  },
];

/** An older copy of a contact with other values: the same id twice in one page. */
export function staleTwin(c: FakeContact): FakeContact {
  return {
    ...c,
    firstName: 'Stale-Twin',
    updatedUtc: '2001-01-01T00:00:00.0000000Z',
    etag: 'W/"AAAAAAAAAAE="',
  };
}

/** Names a person may really have, and ones an attacker would send. */
export const HOSTILE_NAMES: readonly { readonly firstName: string; readonly lastName: string }[] = [
  { firstName: '\u202Eevil\u202C', lastName: 'RTL-override \u05E2\u05D1\u05E8\u05D9\u05EA' },
  { firstName: '👩‍💻🏳️‍🌈', lastName: 'Emoji Zwj' },
  { firstName: 'nul\u0000byte', lastName: 'Control\u0007Chars\u001b[31m' },
  { firstName: 'Ångström', lastName: 'Combining A\u030Angstro\u0308m' },
  { firstName: "Robert'); DROP TABLE links;--", lastName: '<script>alert(1)</script>' },
];

export const ONE_MEGABYTE_NAME = 'x'.repeat(1_000_000);

/** HubSpot batch read answering with a record nobody asked for. */
export const HUBSPOT_UNASKED_READ = {
  status: 'COMPLETE',
  results: [
    {
      id: '987654321',
      properties: {
        email: 'unasked@hostile.test',
        firstname: 'Not',
        lastname: 'Asked',
        propstreet_id: 'not-a-contact',
        lastmodifieddate: STAMP,
      },
      createdAt: STAMP,
      updatedAt: STAMP,
      archived: false,
    },
  ],
  startedAt: STAMP,
  completedAt: STAMP,
};
