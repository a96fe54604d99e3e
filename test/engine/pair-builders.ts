/** Builders for planner tests: one linked pair (Propstreet ps-1 ⇄ HubSpot 101) and its settings. */
import type { CrmRecord } from '../../src/crm/port.js';
import type { SyncSettings } from '../../src/engine/types.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import { mapperFor } from '../../src/kinds/mapper.js';
import { loadMapping } from '../../src/mapping/index.js';
import { type Contact, contactSchema } from '../../src/propstreet/schema.js';

export const hubspotMapper = mapperFor(CONTACTS, loadMapping('mappings/hubspot.contacts.yaml'));

export function pairSettings(
  over: Partial<Omit<SyncSettings, 'deletes'>> & { deletes?: Partial<SyncSettings['deletes']> } = {},
): SyncSettings {
  const { deletes, ...rest } = over;
  return {
    tenant: 't',
    connection: 'hubspot',
    namespace: 'hubspot',
    direction: 'bidirectional',
    conflictPolicy: 'newest-wins',
    match: ['externalRef', 'key'],
    ownChangeOrigins: [],
    overlapMs: 0,
    chunkSize: 500,
    propstreetConcurrency: 1,
    maxAttempts: 5,
    retryBaseMs: 1000,
    ...rest,
    deletes: {
      fromPropstreet: 'archive',
      fromCrm: 'unlink',
      againstEdit: 'keep-edited',
      maxShare: 1,
      maxCount: 500,
      ...deletes,
    },
  };
}

export const aContact = (over: Partial<Record<string, unknown>> = {}): Contact =>
  contactSchema.parse({
    id: 'ps-1',
    externalRefs: [{ namespace: 'hubspot', id: '101' }],
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    createdUtc: '2026-01-01T00:00:00Z',
    updatedUtc: '2026-01-02T00:00:00Z',
    etag: '"e2"',
    ...over,
  });

export const aCrmRecord = (
  over: Record<string, string | null> = {},
  deleted = false,
  modifiedAt = '2026-01-02T00:00:00.000Z',
): CrmRecord => ({
  id: '101',
  properties: {
    firstname: 'Ada',
    lastname: 'Lovelace',
    email: 'ada@example.com',
    propstreet_id: 'ps-1',
    ...over,
  },
  modifiedAt,
  deleted,
});
