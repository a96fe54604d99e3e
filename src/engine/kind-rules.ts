/**
 * What the planner and pairing need to know of an object kind (src/kinds declares each kind):
 * what to call its records, how to label one, what a record needs to be created in Propstreet,
 * which fields may pair records (opt-in, by the match rule named like the field), and what
 * depends on a record so it is not deleted. The engine has no rule of its own per kind.
 */
import type { MatchFieldRule } from '../core/vocabulary.js';
import type { CanonicalValues } from '../state/port.js';
import type { PropstreetRecord } from './records.js';

/** What a record of the kind is called in messages ("contact", "contacts"). */
export interface Noun {
  readonly one: string;
  readonly many: string;
}

export interface MatchField<R extends PropstreetRecord> {
  /** The match rule that pairs by the field, and the canonical field it compares (`email`, `domain`). */
  readonly name: MatchFieldRule;
  /** Its value on a Propstreet record, as read; the mapping's field normalises it before comparing. */
  propstreetValue(record: R): string | null | undefined;
  /**
   * The form two normalised values are compared in: equal keys pair. Lower case when absent
   * (companies' names also collapse inner spaces).
   */
  key?(canonical: string): string;
  /**
   * The spellings a CRM may store for a key (a domain with `www.`, in punycode, as the site's
   * address): what a CRM search asks for, since it compares what it stores; the answers still
   * pair by key. Absent: the key itself.
   */
  spellings?(key: string): readonly string[];
  /**
   * Propstreet keeps the field unique per organisation: a create in Propstreet whose value a
   * record read in this run holds is held back before any write (unique-value-guard.ts).
   */
  readonly uniqueInPropstreet: boolean;
}

/** Records that depend on one of the kind (companies: their linked contacts). */
export interface Dependants<R extends PropstreetRecord> {
  /** What they are called in messages ("linked contacts"). */
  readonly noun: string;
  /** How many a Propstreet record has. */
  count(record: R): number;
}

export interface KindRules<R extends PropstreetRecord> {
  readonly noun: Noun;
  /** A display name for a Propstreet record, when it has one (else its id is shown). */
  labelOfRecord(record: R): string | undefined;
  /** A display name from canonical values (a CRM record's), when they hold one. */
  labelOfValues(values: CanonicalValues): string | undefined;
  /** Why a record with these values cannot be created in Propstreet, or undefined when it can. */
  createProblem(values: CanonicalValues): string | undefined;
  /** The fields records may be paired by, each under its match rule; none for a kind without. */
  readonly matchFields: readonly MatchField<R>[];
  /**
   * A record that still has dependants is never deleted to follow its partner's deletion: the
   * pair is unlinked instead, and the report says why (plan-deleted.ts).
   */
  readonly dependants?: Dependants<R> | undefined;
}
