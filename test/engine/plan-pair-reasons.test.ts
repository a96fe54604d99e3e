/**
 * Every plan reason says exactly which side changed which field since the last sync. A side
 * that was only read (both are read whenever either changed) is never named as changed: the
 * issue was a contact renamed only in Propstreet reported as "changed in Propstreet, changed
 * in the CRM". One row per pair state, with the exact reason text.
 */
import { describe, expect, it } from 'vitest';
import { type PairState, planPair } from '../../src/engine/plan-pair.js';
import type { ConflictPolicy, Direction, RecordAction, SyncSettings } from '../../src/engine/types.js';
import { aContact, aCrmRecord, hubspotMapper, pairSettings } from './pair-builders.js';

const mapper = hubspotMapper;

const settings = (over: {
  conflictPolicy?: ConflictPolicy;
  direction?: Direction;
  fromCrm?: SyncSettings['deletes']['fromCrm'];
  fromPropstreet?: SyncSettings['deletes']['fromPropstreet'];
}): SyncSettings =>
  pairSettings({
    ...(over.direction ? { direction: over.direction } : {}),
    ...(over.conflictPolicy ? { conflictPolicy: over.conflictPolicy } : {}),
    deletes: {
      ...(over.fromCrm ? { fromCrm: over.fromCrm } : {}),
      ...(over.fromPropstreet ? { fromPropstreet: over.fromPropstreet } : {}),
    },
  });

const contact = aContact;
// The CRM record is newer than the contact unless a row says otherwise.
const record = (over: Record<string, string | null> = {}, deleted = false) =>
  aCrmRecord(over, deleted, '2026-01-03T00:00:00.000Z');

const link = {
  propstreetId: 'ps-1',
  crmId: '101',
  shadow: mapper.fromPropstreet(contact()),
  propstreetEtag: '"e1"',
  crmModifiedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const newLink = { ...link, shadow: null };
const pair = (p: Partial<PairState>): PairState => ({
  propstreet: contact(),
  crm: record(),
  link,
  propstreetEcho: false,
  ...p,
});

interface Row {
  readonly state: string;
  readonly pair: PairState;
  readonly settings?: Parameters<typeof settings>[0];
  readonly action: RecordAction;
  readonly reason: string;
}

const rows: Row[] = [
  // New records and new links.
  {
    state: 'new in Propstreet',
    pair: pair({ crm: null, link: null }),
    action: 'create-in-crm',
    reason: 'new in Propstreet',
  },
  {
    state: 'new in the CRM',
    pair: pair({ propstreet: null, link: null }),
    action: 'create-in-propstreet',
    reason: 'new in the CRM',
  },
  {
    state: 'new link, values equal',
    pair: pair({ link: newLink, linkedBy: 'key' }),
    action: 'link',
    reason: 'linked by key; values already agree',
  },
  {
    state: 'new link, blanks on each side',
    pair: pair({
      propstreet: contact({ phone: '+46701234567' }),
      crm: record({ hs_language: 'sv' }),
      link: newLink,
      linkedBy: 'email',
    }),
    action: 'link',
    reason: 'linked by email; fills the CRM (phone); fills Propstreet (language)',
  },
  {
    state: 'new link, values differ',
    pair: pair({ crm: record({ email: 'ada@crm.example.com' }), link: newLink, linkedBy: 'externalRef' }),
    action: 'link',
    reason: "linked by externalRef; values differ (email): conflict, newest-wins: the CRM's value is kept",
  },
  {
    state: 'a link never synced (a create that found a duplicate)',
    pair: pair({ propstreet: contact({ phone: '+46701234567' }), link: newLink }),
    action: 'update',
    reason: 'never synced; fills the CRM (phone)',
  },
  // One side changed.
  {
    state: 'renamed only in Propstreet, the CRM read but unchanged (the reported bug)',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }) }),
    action: 'update',
    reason: 'changed in Propstreet (firstName)',
  },
  {
    state: 'renamed only in Propstreet, the CRM not read',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: null }),
    action: 'update',
    reason: 'changed in Propstreet (firstName)',
  },
  {
    state: 'changed only in the CRM, Propstreet read but unchanged',
    pair: pair({ crm: record({ lastname: 'King', email: 'ada@king.example.com' }) }),
    action: 'update',
    reason: 'changed in the CRM (lastName, email)',
  },
  {
    state: 'changed only in the CRM, the Propstreet version our own write',
    pair: pair({ crm: record({ lastname: 'King' }), propstreetEcho: true }),
    action: 'update',
    reason: 'changed in the CRM (lastName)',
  },
  {
    state: 'each side changed another field',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: record({ lastname: 'King' }) }),
    action: 'update',
    reason: 'changed in Propstreet (firstName); changed in the CRM (lastName)',
  },
  {
    state: 'changed in the CRM with direction to-crm',
    pair: pair({ crm: record({ lastname: 'King' }) }),
    settings: { direction: 'to-crm' },
    action: 'noop',
    reason: 'changed in the CRM (lastName), not synced (direction is to-crm)',
  },
  // Both changed.
  {
    state: 'both changed to the same value',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: record({ firstname: 'Augusta' }) }),
    action: 'noop',
    reason: 'changed on both sides to the same value (firstName)',
  },
  {
    state: 'both changed differently, newest-wins (the CRM newer)',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: record({ firstname: 'Ava' }) }),
    action: 'update',
    reason: "changed on both sides (firstName): conflict, newest-wins: the CRM's value is kept",
  },
  {
    state: 'both changed differently, propstreet-wins',
    pair: pair({
      propstreet: contact({ firstName: 'Augusta', email: 'a@x.example.com' }),
      crm: record({ firstname: 'Ava', email: 'a@y.example.com' }),
    }),
    settings: { conflictPolicy: 'propstreet-wins' },
    action: 'update',
    reason:
      "changed on both sides (firstName, email): conflicts, propstreet-wins: Propstreet's value is kept",
  },
  {
    state: 'both changed differently, manual',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: record({ firstname: 'Ava' }) }),
    settings: { conflictPolicy: 'manual' },
    action: 'noop',
    reason: 'changed on both sides (firstName): conflict, manual: left for a person to resolve',
  },
  {
    state: 'both changed differently, manual, resolved by a person',
    pair: pair({
      propstreet: contact({ firstName: 'Augusta' }),
      crm: record({ firstname: 'Ava' }),
      resolutions: new Map([
        ['firstName', { take: 'value', value: 'Ada A.', at: '2026-01-04T00:00:00.000Z' }],
      ]),
    }),
    settings: { conflictPolicy: 'manual' },
    action: 'update',
    reason: 'conflict on firstName resolved by a person: a value of their own',
  },
  // Nothing changed.
  {
    state: 'nothing changed (read in the overlap window)',
    pair: pair({}),
    action: 'noop',
    reason: 'nothing changed since the last sync',
  },
  {
    state: 'only our own write came back from Propstreet',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: null, propstreetEcho: true }),
    action: 'noop',
    reason: 'own write echoed from Propstreet: nothing changed',
  },
  {
    state: 'the ref is missing on the Propstreet contact',
    pair: pair({ propstreet: contact({ externalRefs: [] }) }),
    action: 'update',
    reason: 'the link is missing in Propstreet: write it back',
  },
  {
    state: 'changed in Propstreet, and the key is missing on the CRM record',
    pair: pair({ propstreet: contact({ firstName: 'Augusta' }), crm: record({ propstreet_id: null }) }),
    action: 'update',
    reason: 'changed in Propstreet (firstName); writes the link back to the CRM',
  },
  // Deletes.
  {
    state: 'deleted on both sides',
    pair: pair({ propstreet: contact({ deletedUtc: '2026-01-03T00:00:00Z' }), crm: record({}, true) }),
    action: 'unlink',
    reason: 'deleted on both sides',
  },
  {
    state: 'deleted in Propstreet (archive)',
    pair: pair({ propstreet: contact({ deletedUtc: '2026-01-03T00:00:00Z' }), crm: null }),
    action: 'delete-in-crm',
    reason: 'deleted in Propstreet (policy archive)',
  },
  {
    state: 'deleted in Propstreet (unlink)',
    pair: pair({ propstreet: contact({ deletedUtc: '2026-01-03T00:00:00Z' }), crm: null }),
    settings: { fromPropstreet: 'unlink' },
    action: 'unlink',
    reason: 'deleted in Propstreet (policy unlink)',
  },
  {
    state: 'deleted in Propstreet (ignore): the link ends, the CRM record stays',
    pair: pair({ propstreet: contact({ deletedUtc: '2026-01-03T00:00:00Z' }), crm: null }),
    settings: { fromPropstreet: 'ignore' },
    action: 'unlink',
    reason: 'deleted in Propstreet (policy ignore): the link ends, the CRM record is kept as it is',
  },
  {
    state: 'found deleted in Propstreet by a write (ignore)',
    pair: pair({ crm: record({ firstName: 'Augusta' }), propstreetGone: true }),
    settings: { fromPropstreet: 'ignore' },
    action: 'unlink',
    reason: 'deleted in Propstreet (policy ignore): the link ends, the CRM record is kept as it is',
  },
  {
    state: 'found deleted in Propstreet by a write (archive), the CRM record not edited',
    pair: pair({ crm: null, propstreetGone: true }),
    action: 'delete-in-crm',
    reason: 'deleted in Propstreet (policy archive)',
  },
  {
    state: 'deleted in the CRM (delete)',
    pair: pair({ propstreet: null, crm: record({}, true) }),
    settings: { fromCrm: 'delete' },
    action: 'delete-in-propstreet',
    reason: 'deleted in the CRM (policy delete)',
  },
  {
    state: 'deleted in the CRM (unlink): a tombstone keeps the contact out of the CRM',
    pair: pair({ propstreet: null, crm: record({}, true) }),
    action: 'unlink',
    reason: 'deleted in the CRM (policy unlink); not created in the CRM again (deletes.recreate: false)',
  },
  {
    state: 'a contact with a tombstone changed',
    pair: pair({
      crm: null,
      link: null,
      tombstone: {
        propstreetId: 'ps-1',
        crmId: '101',
        reason: 'deleted in the CRM (policy unlink)',
        endedAt: '2026-01-02T00:00:00.000Z',
        relinkedAt: null,
      },
    }),
    action: 'skip',
    reason:
      'its link to CRM record 101 ended 2026-01-02T00:00:00.000Z (deleted in the CRM (policy unlink)): not created in the CRM again; `propsync relink` pairs it again',
  },
  {
    state: 'deleted in the CRM (ignore)',
    pair: pair({ propstreet: null, crm: record({}, true) }),
    settings: { fromCrm: 'ignore' },
    action: 'unlink',
    reason:
      'deleted in the CRM (policy ignore): the link ends, the contact is kept as it is; not created in the CRM again (deletes.recreate: false)',
  },
  {
    state: 'deleted in Propstreet before it was ever linked',
    pair: pair({ propstreet: contact({ deletedUtc: '2026-01-03T00:00:00Z' }), crm: null, link: null }),
    action: 'noop',
    reason: 'deleted before it was ever linked',
  },
];

describe('planPair: the reason names the side that changed each field', () => {
  it.each(rows)('$state', (row) => {
    const { plan } = planPair(row.pair, settings(row.settings ?? {}), mapper, 'propstreet_id');
    expect({ action: plan.action, reason: plan.reason }).toEqual({ action: row.action, reason: row.reason });
  });
});
