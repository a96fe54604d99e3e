/**
 * The planner's deletes against edits: a delete on one side while the other side's record
 * moved off the shadow (a person's edit, not our echo) is a conflict, resolved by
 * `deletes.againstEdit`, in both directions. A delete with nothing edited follows the delete
 * policy as before.
 */
import { describe, expect, it } from 'vitest';
import { countPlan, emptyCounts } from '../../src/engine/counts.js';
import { type PairState, planPair } from '../../src/engine/plan-pair.js';
import type { DeleteAgainstEditPolicy, RecordAction, SyncSettings } from '../../src/engine/types.js';
import { aContact, aCrmRecord, hubspotMapper, pairSettings } from './pair-builders.js';

const mapper = hubspotMapper;

const settings = (
  againstEdit: DeleteAgainstEditPolicy,
  fromCrm: 'delete' | 'unlink' = 'delete',
): SyncSettings => pairSettings({ deletes: { fromCrm, againstEdit } });

const contact = aContact;
const record = (over: Record<string, string | null> = {}, deleted = false) => aCrmRecord(over, deleted);

// What both sides held after the last sync.
const shadow = mapper.fromPropstreet(contact());
const link = {
  propstreetId: 'ps-1',
  crmId: '101',
  shadow,
  propstreetEtag: '"e1"',
  crmModifiedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const DELETED = '2026-01-03T00:00:00Z';

interface Row {
  readonly name: string;
  readonly pair: PairState;
  readonly againstEdit: DeleteAgainstEditPolicy;
  readonly fromCrm?: 'delete' | 'unlink';
  readonly action: RecordAction;
  /** The reason, or undefined for a plain delete (no conflict). */
  readonly conflict: RegExp | undefined;
}

const psDeleted = contact({ deletedUtc: DELETED });
const rows: Row[] = [
  {
    name: 'Propstreet deleted, CRM edited, keep-edited: unlink, the CRM record stays',
    pair: { propstreet: psDeleted, crm: record({ firstname: 'Ada B.' }), link, propstreetEcho: false },
    againstEdit: 'keep-edited',
    action: 'unlink',
    conflict:
      /^deleted in Propstreet, but edited in the CRM since the last sync \(firstName\): the edited record is kept and unlinked \(deletes\.againstEdit: keep-edited\)$/,
  },
  {
    name: 'Propstreet deleted, CRM edited, delete: the CRM record is archived anyway',
    pair: { propstreet: psDeleted, crm: record({ firstname: 'Ada B.' }), link, propstreetEcho: false },
    againstEdit: 'delete',
    action: 'delete-in-crm',
    conflict:
      /^deleted in Propstreet, but edited in the CRM .*\(firstName\): deleted anyway \(deletes\.againstEdit: delete\)$/,
  },
  {
    name: 'Propstreet deleted, CRM record back with the shadow values (our echo): a plain delete',
    pair: { propstreet: psDeleted, crm: record(), link, propstreetEcho: false },
    againstEdit: 'keep-edited',
    action: 'delete-in-crm',
    conflict: undefined,
  },
  {
    name: 'Propstreet deleted, CRM record not changed in this run: a plain delete',
    pair: { propstreet: psDeleted, crm: null, link, propstreetEcho: false },
    againstEdit: 'keep-edited',
    action: 'delete-in-crm',
    conflict: undefined,
  },
  {
    name: 'CRM deleted, Propstreet edited, keep-edited: unlink, the contact stays',
    pair: {
      propstreet: contact({ email: 'ada@new.example.com', lastName: 'King' }),
      crm: record({}, true),
      link,
      propstreetEcho: false,
    },
    againstEdit: 'keep-edited',
    action: 'unlink',
    conflict:
      /^deleted in the CRM, but edited in Propstreet since the last sync \(lastName, email\): the edited record is kept and unlinked \(deletes\.againstEdit: keep-edited\)$/,
  },
  {
    name: 'CRM deleted, Propstreet edited, delete: the contact is deleted anyway',
    pair: { propstreet: contact({ lastName: 'King' }), crm: record({}, true), link, propstreetEcho: false },
    againstEdit: 'delete',
    action: 'delete-in-propstreet',
    conflict: /^deleted in the CRM, but edited in Propstreet .*\(lastName\): deleted anyway/,
  },
  {
    name: 'CRM deleted, the Propstreet version is our own write (echo): a plain delete',
    pair: { propstreet: contact({ lastName: 'King' }), crm: record({}, true), link, propstreetEcho: true },
    againstEdit: 'keep-edited',
    action: 'delete-in-propstreet',
    conflict: undefined,
  },
  {
    name: 'CRM deleted, Propstreet edited, but the policy only unlinks: no conflict to resolve',
    pair: { propstreet: contact({ lastName: 'King' }), crm: record({}, true), link, propstreetEcho: false },
    againstEdit: 'delete',
    fromCrm: 'unlink',
    action: 'unlink',
    conflict: undefined,
  },
  {
    name: 'a link never synced (no shadow) cannot tell an edit: a plain delete',
    pair: {
      propstreet: psDeleted,
      crm: record({ firstname: 'Ada B.' }),
      link: { ...link, shadow: null },
      propstreetEcho: false,
    },
    againstEdit: 'keep-edited',
    action: 'delete-in-crm',
    conflict: undefined,
  },
];

describe('planPair: a delete against an edit on the other side', () => {
  it.each(rows)('$name', (row) => {
    const { plan } = planPair(row.pair, settings(row.againstEdit, row.fromCrm), mapper, 'propstreet_id');
    expect(plan.action).toBe(row.action);
    const counts = emptyCounts();
    countPlan(counts, plan);
    if (row.conflict) {
      expect(plan.reason).toMatch(row.conflict);
      expect(plan.notice).toEqual({
        kind: 'delete-vs-edit',
        text: plan.reason,
        propstreetIds: ['ps-1'],
        crmId: '101',
      });
      expect(counts.conflict).toBe(1);
    } else {
      expect(plan.notice).toBeUndefined();
      expect(counts.conflict).toBe(0);
    }
  });
});
