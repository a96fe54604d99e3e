/**
 * The planner over every combination of pair state × conflict policy × direction × delete
 * policies. Each state is described as facts (which side holds what, what was deleted), and
 * the expected plan comes from `expected` below: an oracle written from the README's sync
 * model ("The sync model": the three-way merge, field and connection directions, deletes and
 * deletes against edits, tombstones), not from plan-pair.ts. Only what survives a redesign of
 * the plan is compared: the action, the reason (patterns), the field names written to each
 * side and the conflicts with their winner.
 */
import { describe, expect, it } from 'vitest';
import { type PairState, planPair } from '../../src/engine/plan-pair.js';
import type { SyncSettings } from '../../src/engine/types.js';
import { aContact, aCrmRecord, hubspotMapper, pairSettings } from './pair-builders.js';

type Direction = SyncSettings['direction'];
type Policy = SyncSettings['conflictPolicy'];
type FromPropstreet = SyncSettings['deletes']['fromPropstreet'];
type FromCrm = SyncSettings['deletes']['fromCrm'];
type AgainstEdit = SyncSettings['deletes']['againstEdit'];

const DIRECTIONS: readonly Direction[] = ['bidirectional', 'to-crm', 'from-crm'];
const POLICIES: readonly Policy[] = ['propstreet-wins', 'crm-wins', 'newest-wins', 'manual'];
const FROM_PROPSTREET: readonly FromPropstreet[] = ['archive', 'delete', 'unlink', 'ignore'];
const FROM_CRM: readonly FromCrm[] = ['delete', 'unlink', 'ignore'];
const AGAINST_EDIT: readonly AgainstEdit[] = ['keep-edited', 'delete'];

interface Combo {
  readonly direction: Direction;
  readonly policy: Policy;
  readonly fromPropstreet: FromPropstreet;
  readonly fromCrm: FromCrm;
  readonly againstEdit: AgainstEdit;
}

const COMBOS: readonly Combo[] = DIRECTIONS.flatMap((direction) =>
  POLICIES.flatMap((policy) =>
    FROM_PROPSTREET.flatMap((fromPropstreet) =>
      FROM_CRM.flatMap((fromCrm) =>
        AGAINST_EDIT.map((againstEdit) => ({ direction, policy, fromPropstreet, fromCrm, againstEdit })),
      ),
    ),
  ),
);

// ---------------------------------------------------------------------------------------------
// Facts: the canonical values each side holds, independent of how the engine reads them.

type Values = Readonly<Record<string, string | null>>;

/** Canonical fields of the HubSpot mapping (mappings/hubspot.contacts.yaml) used here. */
const FIELDS = ['firstName', 'lastName', 'email', 'phone', 'language', 'jobTitle'] as const;
/** Field directions of that mapping: company data only flows to the CRM. */
const FIELD_DIRECTION: Readonly<Record<string, 'both' | 'to-crm' | 'from-crm'>> = { jobTitle: 'to-crm' };
/** What both sides held after the last sync (the builders' Ada Lovelace). */
const SYNCED: Values = { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' };

/** A side as read in this run: its values differ from SYNCED by `edits`; null = not read. */
interface SideFacts {
  readonly edits?: Values;
  readonly deleted?: true;
}

interface State {
  readonly name: string;
  /** none: unlinked; stored: linked and synced before; new: linked in this run by key. */
  readonly link: 'none' | 'stored' | 'new';
  readonly propstreet: SideFacts | null;
  readonly crm: SideFacts | null;
  /** Which side changed last (updatedUtc vs the CRM's modified time); the CRM unless said. */
  readonly newer?: 'propstreet' | 'crm';
  /** A CRM deletion ended this contact's last link (deletes.recreate: false). */
  readonly tombstone?: true;
  /** The resolver could not pair the record (e.g. an ambiguous email). */
  readonly skipReason?: string;
}

const valuesOf = (side: SideFacts): Values => ({ ...SYNCED, ...side.edits });
const get = (v: Values, f: string): string | null => v[f] ?? null;

const STATES: readonly State[] = [
  { name: 'new in Propstreet', link: 'none', propstreet: {}, crm: null },
  { name: 'new in the CRM', link: 'none', propstreet: null, crm: {} },
  {
    name: 'deleted in Propstreet before it was ever linked',
    link: 'none',
    propstreet: { deleted: true },
    crm: null,
  },
  {
    name: 'a contact whose link a CRM deletion ended, edited',
    link: 'none',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: null,
    tombstone: true,
  },
  {
    name: 'a record the resolver could not pair',
    link: 'none',
    propstreet: {},
    crm: null,
    skipReason: 'email ada@example.com matches 2 CRM records and 1 contacts',
  },
  { name: 'linked, nothing changed, both read', link: 'stored', propstreet: {}, crm: {} },
  {
    name: 'linked, renamed in Propstreet, the CRM read unchanged',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: {},
  },
  {
    name: 'linked, renamed in Propstreet, the CRM not read',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: null,
  },
  {
    name: 'linked, changed in the CRM, Propstreet read unchanged',
    link: 'stored',
    propstreet: {},
    crm: { edits: { lastName: 'King', email: 'ada@king.example.com' } },
  },
  {
    name: 'linked, changed in the CRM, Propstreet not read',
    link: 'stored',
    propstreet: null,
    crm: { edits: { lastName: 'King' } },
  },
  {
    name: 'linked, each side changed another field',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: { edits: { lastName: 'King' } },
  },
  {
    name: 'linked, both changed a field to the same value',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: { edits: { firstName: 'Augusta' } },
  },
  {
    name: 'linked, both changed a field differently, the CRM newer',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: { edits: { firstName: 'Ava' } },
    newer: 'crm',
  },
  {
    name: 'linked, both changed a field differently, Propstreet newer',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta' } },
    crm: { edits: { firstName: 'Ava' } },
    newer: 'propstreet',
  },
  {
    name: 'linked, one conflict plus a change on each side',
    link: 'stored',
    propstreet: { edits: { firstName: 'Augusta', lastName: 'Byron' } },
    crm: { edits: { firstName: 'Ava', email: 'ada@king.example.com' } },
  },
  {
    name: 'linked, a Propstreet blank filled and a CRM value cleared',
    link: 'stored',
    propstreet: { edits: { phone: '+46701234567' } },
    crm: { edits: { email: null } },
  },
  {
    name: 'linked, the CRM edited a field that only flows to the CRM',
    link: 'stored',
    propstreet: {},
    crm: { edits: { jobTitle: 'CTO' } },
  },
  { name: 'new link, values equal', link: 'new', propstreet: {}, crm: {} },
  {
    name: 'new link, a blank on each side',
    link: 'new',
    propstreet: { edits: { phone: '+46701234567' } },
    crm: { edits: { language: 'sv' } },
  },
  {
    name: 'new link, values differ, the CRM newer',
    link: 'new',
    propstreet: {},
    crm: { edits: { email: 'ada@crm.example.com' } },
  },
  {
    name: 'new link, values differ, Propstreet newer',
    link: 'new',
    propstreet: {},
    crm: { edits: { email: 'ada@crm.example.com' } },
    newer: 'propstreet',
  },
  {
    name: 'deleted in Propstreet, the CRM not read',
    link: 'stored',
    propstreet: { deleted: true },
    crm: null,
  },
  {
    name: 'deleted in Propstreet, the CRM read unchanged',
    link: 'stored',
    propstreet: { deleted: true },
    crm: {},
  },
  {
    name: 'deleted in Propstreet, edited in the CRM',
    link: 'stored',
    propstreet: { deleted: true },
    crm: { edits: { firstName: 'Ada B.' } },
  },
  {
    name: 'deleted in the CRM, Propstreet not read',
    link: 'stored',
    propstreet: null,
    crm: { deleted: true },
  },
  {
    name: 'deleted in the CRM, Propstreet read unchanged',
    link: 'stored',
    propstreet: {},
    crm: { deleted: true },
  },
  {
    name: 'deleted in the CRM, edited in Propstreet',
    link: 'stored',
    propstreet: { edits: { lastName: 'King' } },
    crm: { deleted: true },
  },
  {
    name: 'deleted on both sides',
    link: 'stored',
    propstreet: { deleted: true },
    crm: { deleted: true },
  },
];

// ---------------------------------------------------------------------------------------------
// The oracle: what the README says the plan must be.

interface Expected {
  /** Acceptable actions (more than one only where the README leaves the choice open). */
  readonly actions: readonly string[];
  /** Every pattern must match the reason. */
  readonly reason: readonly RegExp[];
  readonly toCrm: readonly string[];
  readonly toPropstreet: readonly string[];
  readonly conflicts: readonly { readonly field: string; readonly winner: string }[];
}

const nothing = { toCrm: [], toPropstreet: [], conflicts: [] } as const;
const NOT_AGAIN = /not created in the CRM again \(deletes\.recreate: false\)/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** "… (a, b)" naming `field` in a parenthesised list after `lead`. */
const names = (lead: string, field: string) =>
  new RegExp(`${escapeRegExp(lead)} \\([^)]*\\b${field}\\b[^)]*\\)`);

const fieldDirection = (f: string) => FIELD_DIRECTION[f] ?? 'both';
/** A value may be written to the CRM / to Propstreet (connection and field direction). */
const toCrmAllowed = (f: string, d: Direction) => d !== 'from-crm' && fieldDirection(f) !== 'from-crm';
const toPropstreetAllowed = (f: string, d: Direction) => d !== 'to-crm' && fieldDirection(f) !== 'to-crm';
/** Each side's value of a field counts only where that side is the field's source. */
const readFromPropstreet = (f: string) => fieldDirection(f) !== 'from-crm';
const readFromCrm = (f: string) => fieldDirection(f) !== 'to-crm';

function policyWinner(policy: Policy, newer: 'propstreet' | 'crm'): 'propstreet' | 'crm' | 'none' {
  if (policy === 'propstreet-wins') return 'propstreet';
  if (policy === 'crm-wins') return 'crm';
  if (policy === 'newest-wins') return newer;
  return 'none';
}

const KEPT: Record<'propstreet' | 'crm', RegExp> = {
  propstreet: /Propstreet's value is kept/,
  crm: /the CRM's value is kept/,
};

/** "Shadows and the three-way merge", with "a change that may not flow is left where it is". */
function expectedMerge(s: State, c: Combo): Expected {
  const toCrm: string[] = [];
  const toPropstreet: string[] = [];
  const conflicts: { field: string; winner: string }[] = [];
  const reason: RegExp[] = [];
  const newer = s.newer ?? 'crm';
  const synced = s.link === 'stored';
  for (const f of FIELDS) {
    const shadow = synced ? get(SYNCED, f) : null;
    // A side not read in this run is unchanged since the shadow.
    const ps = s.propstreet && readFromPropstreet(f) ? get(valuesOf(s.propstreet), f) : shadow;
    const crm = s.crm && readFromCrm(f) ? get(valuesOf(s.crm), f) : shadow;
    if (ps === crm) {
      if (synced && ps !== shadow) reason.push(names('changed on both sides to the same value', f));
      continue;
    }
    // Without a shadow, a value on one side fills a blank on the other; two values differ.
    const psChanged = synced ? ps !== shadow : ps !== null;
    const crmChanged = synced ? crm !== shadow : crm !== null;
    if (synced) {
      if (psChanged && crmChanged) reason.push(names('changed on both sides', f));
      else if (psChanged) reason.push(names('changed in Propstreet', f));
      else if (crmChanged) reason.push(names('changed in the CRM', f));
    }
    const psFlows = psChanged && toCrmAllowed(f, c.direction);
    const crmFlows = crmChanged && toPropstreetAllowed(f, c.direction);
    if (psFlows && crmFlows) {
      const winner = policyWinner(c.policy, newer);
      conflicts.push({ field: f, winner });
      reason.push(new RegExp(`conflicts?, ${c.policy}`));
      if (winner !== 'none') reason.push(KEPT[winner]);
      if (winner === 'propstreet') toCrm.push(f);
      if (winner === 'crm') toPropstreet.push(f);
    } else if (psFlows) toCrm.push(f);
    else if (crmFlows) toPropstreet.push(f);
  }
  const writes = toCrm.length + toPropstreet.length > 0;
  if (s.link === 'new') reason.unshift(/^linked by key/);
  else if (!writes && reason.length === 0 && s.crm?.edits?.jobTitle === undefined)
    reason.push(/nothing changed/);
  return {
    actions: [s.link === 'new' ? 'link' : writes ? 'update' : 'noop'],
    reason,
    toCrm,
    toPropstreet,
    conflicts,
  };
}

/** "Deletes": only linked records are touched; a delete racing an edit follows againstEdit. */
function expectedDelete(s: State, c: Combo): Expected {
  const psDeleted = s.propstreet?.deleted === true;
  const crmDeleted = s.crm?.deleted === true;
  if (psDeleted && crmDeleted) return { actions: ['unlink'], reason: [/deleted/], ...nothing };
  const edited = (side: SideFacts | null) =>
    side !== null && !side.deleted && FIELDS.some((f) => get(valuesOf(side), f) !== get(SYNCED, f));
  if (psDeleted) {
    const said = /deleted in Propstreet/;
    // Ignore leaves the CRM record as it is, but the link ends: nothing is written to the deleted contact.
    if (c.fromPropstreet === 'ignore')
      return { actions: ['unlink'], reason: [said, /the CRM record is kept/], ...nothing };
    if (c.fromPropstreet === 'unlink') return { actions: ['unlink'], reason: [said], ...nothing };
    // archive / delete: nothing may be written to the CRM of a from-crm connection.
    if (c.direction === 'from-crm') return { actions: ['unlink'], reason: [said], ...nothing };
    if (edited(s.crm))
      return c.againstEdit === 'keep-edited'
        ? {
            actions: ['unlink'],
            reason: [/deleted in Propstreet, but edited in the CRM since the last sync/, /kept/],
            ...nothing,
          }
        : {
            actions: ['delete-in-crm'],
            reason: [/deleted in Propstreet, but edited in the CRM since the last sync/],
            ...nothing,
          };
    return { actions: ['delete-in-crm'], reason: [said], ...nothing };
  }
  const said = /deleted in the CRM/;
  // Ignore leaves the contact as it is, but the link ends: nothing is written to the missing record.
  if (c.fromCrm === 'ignore') return { actions: ['unlink'], reason: [said, NOT_AGAIN], ...nothing };
  // The link ends because the CRM record went away: a tombstone, and the plan says so.
  if (c.fromCrm === 'unlink') return { actions: ['unlink'], reason: [said, NOT_AGAIN], ...nothing };
  if (c.direction === 'to-crm') return { actions: ['unlink'], reason: [said, NOT_AGAIN], ...nothing };
  if (edited(s.propstreet))
    return c.againstEdit === 'keep-edited'
      ? {
          actions: ['unlink'],
          reason: [/deleted in the CRM, but edited in Propstreet since the last sync/, /kept/],
          ...nothing,
        }
      : {
          actions: ['delete-in-propstreet'],
          reason: [/deleted in the CRM, but edited in Propstreet since the last sync/],
          ...nothing,
        };
  return { actions: ['delete-in-propstreet'], reason: [said], ...nothing };
}

/** Non-null values of a side that may flow in a create towards `towards`. */
function created(side: SideFacts, towards: 'crm' | 'propstreet', d: Direction): string[] {
  const allowed = towards === 'crm' ? toCrmAllowed : toPropstreetAllowed;
  return FIELDS.filter((f) => get(valuesOf(side), f) !== null && allowed(f, d));
}

function expected(s: State, c: Combo): Expected {
  if (s.skipReason)
    return { actions: ['skip'], reason: [new RegExp(escapeRegExp(s.skipReason))], ...nothing };
  if (s.link !== 'none') {
    if (s.propstreet?.deleted || s.crm?.deleted) return expectedDelete(s, c);
    return expectedMerge(s, c);
  }
  if (s.propstreet?.deleted)
    // "Only linked records are touched."
    return { actions: ['noop', 'skip'], reason: [/deleted/], ...nothing };
  if (s.tombstone)
    // "the contact's later changes are skipped with the reason" until `propsync relink`.
    return { actions: ['skip'], reason: [/not created in the CRM again|from-crm/], ...nothing };
  if (s.propstreet) {
    if (c.direction === 'from-crm') return { actions: ['skip', 'noop'], reason: [/from-crm/], ...nothing };
    return {
      actions: ['create-in-crm'],
      reason: [/new in Propstreet/],
      ...nothing,
      toCrm: created(s.propstreet, 'crm', c.direction),
    };
  }
  if (s.crm) {
    if (c.direction === 'to-crm') return { actions: ['skip', 'noop'], reason: [/to-crm/], ...nothing };
    return {
      actions: ['create-in-propstreet'],
      reason: [/new in the CRM/],
      ...nothing,
      toPropstreet: created(s.crm, 'propstreet', c.direction),
    };
  }
  throw new Error(`state ${s.name} has no side`);
}

// ---------------------------------------------------------------------------------------------
// Building the planner's input from the facts (the shared pair builders).

const PS_KEY: Readonly<Record<string, string>> = {
  firstName: 'firstName',
  lastName: 'lastName',
  email: 'email',
  phone: 'phone',
  language: 'primaryLanguage',
};
const CRM_KEY: Readonly<Record<string, string>> = {
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'email',
  phone: 'phone',
  language: 'hs_language',
  jobTitle: 'jobtitle',
};

const rename = (values: Values, keys: Readonly<Record<string, string>>) =>
  Object.fromEntries(
    Object.entries(values).flatMap(([f, v]) => (keys[f] === undefined ? [] : [[keys[f], v] as const])),
  );

const SHADOW = hubspotMapper.fromPropstreet(aContact());

function build(s: State): PairState {
  const linked = s.link !== 'none';
  const propstreet = s.propstreet
    ? aContact({
        ...rename(s.propstreet.edits ?? {}, PS_KEY),
        ...(linked ? {} : { externalRefs: [] }),
        ...(s.propstreet.deleted ? { deletedUtc: '2026-01-02T12:00:00Z' } : {}),
        updatedUtc: '2026-01-02T00:00:00Z',
      })
    : null;
  const modifiedAt = (s.newer ?? 'crm') === 'crm' ? '2026-01-03T00:00:00.000Z' : '2026-01-01T00:00:00.000Z';
  const crm = s.crm
    ? aCrmRecord(
        { ...rename(s.crm.edits ?? {}, CRM_KEY), ...(linked ? {} : { propstreet_id: null }) },
        s.crm.deleted === true,
        modifiedAt,
      )
    : null;
  const link = {
    propstreetId: 'ps-1',
    crmId: '101',
    shadow: s.link === 'stored' ? SHADOW : null,
    propstreetEtag: '"e1"',
    crmModifiedAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  return {
    propstreet,
    crm,
    link: linked ? link : null,
    propstreetEcho: false,
    ...(s.link === 'new' ? { linkedBy: 'key' as const } : {}),
    ...(s.skipReason ? { skipReason: s.skipReason } : {}),
    ...(s.tombstone
      ? {
          tombstone: {
            propstreetId: 'ps-1',
            crmId: '101',
            reason: 'deleted in the CRM (policy unlink)',
            endedAt: '2026-01-01T12:00:00.000Z',
            relinkedAt: null,
          },
        }
      : {}),
  };
}

function settingsOf(c: Combo): SyncSettings {
  return pairSettings({
    direction: c.direction,
    conflictPolicy: c.policy,
    deletes: { fromPropstreet: c.fromPropstreet, fromCrm: c.fromCrm, againstEdit: c.againstEdit },
  });
}

/** Every way the plan differs from the oracle, one line each. */
function differences(s: State, c: Combo): string[] {
  const { plan } = planPair(build(s), settingsOf(c), hubspotMapper, 'propstreet_id');
  const want = expected(s, c);
  const out: string[] = [];
  const sorted = (xs: readonly string[]) => [...xs].sort().join(',');
  if (!want.actions.includes(plan.action))
    out.push(`action ${plan.action}, expected ${want.actions.join('|')}`);
  for (const r of want.reason)
    if (!r.test(plan.reason)) out.push(`reason "${plan.reason}" does not match ${r}`);
  const toCrm = plan.toCrm.map((x) => x.field);
  const toPs = plan.toPropstreet.map((x) => x.field);
  if (sorted(toCrm) !== sorted(want.toCrm)) out.push(`toCrm [${toCrm}], expected [${want.toCrm}]`);
  if (sorted(toPs) !== sorted(want.toPropstreet))
    out.push(`toPropstreet [${toPs}], expected [${want.toPropstreet}]`);
  const conflicts = sorted(plan.conflicts.map((x) => `${x.field}:${x.winner}`));
  const wantConflicts = sorted(want.conflicts.map((x) => `${x.field}:${x.winner}`));
  if (conflicts !== wantConflicts) out.push(`conflicts [${conflicts}], expected [${wantConflicts}]`);
  return out;
}

const describeCombo = (c: Combo) =>
  `${c.direction}, ${c.policy}, fromPropstreet ${c.fromPropstreet}, fromCrm ${c.fromCrm}, againstEdit ${c.againstEdit}`;

describe(`planPair against the README's sync model (${STATES.length} states × ${COMBOS.length} settings)`, () => {
  it.each(STATES)('$name', (state) => {
    // One line per distinct difference, so a rule broken in 100 combinations reads as one.
    const wrong = new Map<string, Combo[]>();
    for (const c of COMBOS) for (const d of differences(state, c)) wrong.set(d, [...(wrong.get(d) ?? []), c]);
    const report = [...wrong].map(
      ([d, combos]) =>
        `${d} (${combos.length} of ${COMBOS.length} settings, e.g. ${describeCombo(combos[0]!)})`,
    );
    expect(report).toEqual([]);
  });
});
