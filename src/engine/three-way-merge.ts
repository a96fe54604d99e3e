/**
 * Field-level three-way merge of one linked pair: Propstreet now, CRM now, and the shadow
 * (what both sides held after the last sync). Pure.
 */
import type { CanonicalValues, ConflictResolution } from '../state/port.js';
import type { FieldDirection } from './record-mapper.js';
import type { ConflictPolicy, Direction, FieldChange, FieldConflict } from './types.js';

export interface MergeInput {
  readonly fields: readonly { readonly name: string; readonly direction: FieldDirection }[];
  /** Values read from Propstreet (fields with direction both / to-crm). */
  readonly propstreet: CanonicalValues;
  /** Values read from the CRM (fields with direction both / from-crm). */
  readonly crm: CanonicalValues;
  /** Null when the pair was never synced (a new link): blanks are filled from either side. */
  readonly shadow: CanonicalValues | null;
  readonly direction: Direction;
  readonly policy: ConflictPolicy;
  /** For newest-wins: which side changed last. */
  readonly newer: 'propstreet' | 'crm';
  /** A person's choice per conflicting field (`propsync resolve`): it beats the policy. */
  readonly resolutions?: ReadonlyMap<string, Pick<ConflictResolution, 'take' | 'value'>> | undefined;
}

/** Fields each side changed since the shadow (empty for a new link: there is no "since"). */
export interface SideChanges {
  /** Changed only in Propstreet. */
  readonly propstreet: string[];
  /** Changed only in the CRM. */
  readonly crm: string[];
  /** Changed on both sides to the same value: nothing to write. */
  readonly same: string[];
  /**
   * Changed on both sides to different values where the direction decides (a one-way
   * connection): no conflict, the side that may flow keeps its value.
   */
  readonly both: string[];
}

export interface MergeResult {
  readonly toCrm: FieldChange[];
  readonly toPropstreet: FieldChange[];
  readonly conflicts: FieldConflict[];
  /** The shadow to store once both writes succeed. */
  readonly shadow: Record<string, string | null>;
  /** What changed where since the last sync, whether or not it may flow (the plan's reason). */
  readonly changed: SideChanges;
}

const get = (values: CanonicalValues, field: string): string | null => values[field] ?? null;

export function threeWayMerge(input: MergeInput): MergeResult {
  const toCrm: FieldChange[] = [];
  const toPropstreet: FieldChange[] = [];
  const conflicts: FieldConflict[] = [];
  const shadow: Record<string, string | null> = {};
  const changed: SideChanges = { propstreet: [], crm: [], same: [], both: [] };
  const mayWriteCrm = input.direction !== 'from-crm';
  const mayWritePropstreet = input.direction !== 'to-crm';

  for (const { name, direction } of input.fields) {
    const readsPs = direction !== 'from-crm';
    const readsCrm = direction !== 'to-crm';
    const writesCrm = readsPs && mayWriteCrm;
    const writesPs = readsCrm && mayWritePropstreet;
    const base = input.shadow ? get(input.shadow, name) : null;
    // A side we do not read for this field is taken as unchanged since the shadow.
    const ps = readsPs ? get(input.propstreet, name) : base;
    const crm = readsCrm ? get(input.crm, name) : base;

    if (ps === crm) {
      if (input.shadow !== null && ps !== base) changed.same.push(name);
      shadow[name] = ps;
      continue;
    }
    if (input.shadow !== null) {
      if (ps !== base && crm === base) changed.propstreet.push(name);
      if (crm !== base && ps === base) changed.crm.push(name);
    }
    let psChanged: boolean;
    let crmChanged: boolean;
    if (input.shadow === null) {
      // New link: a blank on one side is filled from the other; two values are a conflict.
      psChanged = ps !== null;
      crmChanged = crm !== null;
    } else {
      psChanged = ps !== base;
      crmChanged = crm !== base;
    }
    if (input.shadow !== null && psChanged && crmChanged && (!writesCrm || !writesPs))
      changed.both.push(name);
    // A change that may not flow (direction) is left where it is, never reverted.
    if (!writesCrm) psChanged = false;
    if (!writesPs) crmChanged = false;

    let winner: 'propstreet' | 'crm' | 'none';
    if (psChanged && !crmChanged) winner = 'propstreet';
    else if (crmChanged && !psChanged) winner = 'crm';
    else if (!psChanged && !crmChanged) winner = 'none';
    else {
      const resolution = input.resolutions?.get(name);
      if (resolution) {
        const out = resolved(name, { ps, crm, base, writesCrm, writesPs }, resolution, input.policy);
        conflicts.push(out.conflict);
        if (out.toCrm) toCrm.push(out.toCrm);
        if (out.toPropstreet) toPropstreet.push(out.toPropstreet);
        shadow[name] = out.shadow;
        continue;
      }
      winner = resolveConflict(input.policy, input.newer);
      conflicts.push({ field: name, propstreet: ps, crm, shadow: base, policy: input.policy, winner });
    }

    if (winner === 'propstreet' && writesCrm) {
      toCrm.push({ field: name, before: crm, after: ps });
      shadow[name] = ps;
    } else if (winner === 'crm' && writesPs) {
      toPropstreet.push({ field: name, before: ps, after: crm });
      shadow[name] = crm;
    } else {
      // Unresolved (manual) or not writable: keep the old agreement so the change stays visible.
      shadow[name] = base;
    }
  }
  return { toCrm, toPropstreet, conflicts, shadow, changed };
}

interface FieldSides {
  readonly ps: string | null;
  readonly crm: string | null;
  readonly base: string | null;
  readonly writesCrm: boolean;
  readonly writesPs: boolean;
}

/** A conflict a person resolved: both sides get the chosen value; the shadow agrees once both writes succeed. */
function resolved(
  field: string,
  { ps, crm, base, writesCrm, writesPs }: FieldSides,
  resolution: Pick<ConflictResolution, 'take' | 'value'>,
  policy: ConflictPolicy,
): { conflict: FieldConflict; toCrm?: FieldChange; toPropstreet?: FieldChange; shadow: string | null } {
  const chosen = resolution.take === 'propstreet' ? ps : resolution.take === 'crm' ? crm : resolution.value;
  return {
    conflict: {
      field,
      propstreet: ps,
      crm,
      shadow: base,
      policy,
      winner: resolution.take === 'value' ? 'none' : resolution.take,
      resolved: { take: resolution.take, value: chosen },
    },
    ...(crm !== chosen && writesCrm ? { toCrm: { field, before: crm, after: chosen } } : {}),
    ...(ps !== chosen && writesPs ? { toPropstreet: { field, before: ps, after: chosen } } : {}),
    shadow: (crm === chosen || writesCrm) && (ps === chosen || writesPs) ? chosen : base,
  };
}

function resolveConflict(policy: ConflictPolicy, newer: 'propstreet' | 'crm'): 'propstreet' | 'crm' | 'none' {
  switch (policy) {
    case 'propstreet-wins':
      return 'propstreet';
    case 'crm-wins':
      return 'crm';
    case 'newest-wins':
      return newer;
    case 'manual':
      return 'none';
  }
}
