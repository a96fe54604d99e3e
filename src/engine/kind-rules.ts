/**
 * What the planner and pairing need to know of an object kind (src/kinds declares each kind):
 * what to call its records, how to label one, what a record needs to be created in Propstreet,
 * and which field, if any, may pair records (opt-in). The engine has no rule of its own per kind.
 */
import type { CanonicalValues } from '../state/port.js';
import type { PropstreetRecord } from './records.js';

/** What a record of the kind is called in messages ("contact", "contacts"). */
export interface Noun {
  readonly one: string;
  readonly many: string;
}

export interface MatchField<R extends PropstreetRecord> {
  /** The canonical field (the `email` match rule pairs by it). */
  readonly name: string;
  /** Its value on a Propstreet record, as read. */
  propstreetValue(record: R): string | null | undefined;
  /**
   * Propstreet keeps the field unique per organisation: a create in Propstreet whose value a
   * record read in this run holds is held back before any write (email-guard.ts).
   */
  readonly uniqueInPropstreet: boolean;
}

export interface KindRules<R extends PropstreetRecord> {
  readonly noun: Noun;
  /** A display name for a Propstreet record, when it has one (else its id is shown). */
  labelOfRecord(record: R): string | undefined;
  /** A display name from canonical values (a CRM record's), when they hold one. */
  labelOfValues(values: CanonicalValues): string | undefined;
  /** Why a record with these values cannot be created in Propstreet, or undefined when it can. */
  createProblem(values: CanonicalValues): string | undefined;
  /** The field records may be paired by, when the kind has one. */
  readonly matchField?: MatchField<R> | undefined;
}
