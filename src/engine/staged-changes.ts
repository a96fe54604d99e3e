/**
 * What pairing reads of a run's staged changes (src/run/staging.ts keeps them in a throwaway
 * SQLite file): chunks of each side, deduplicated, and lookups by id, key, match value and
 * merge, so a first sync that staged every CRM record pairs without API calls.
 */
import type { CrmRecord } from '../crm/port.js';
import type { PropstreetRecord } from './records.js';

export interface StagedChanges<R extends PropstreetRecord = PropstreetRecord> {
  /** Propstreet records not yet planned in this run, in chunks, in staging order. */
  propstreetChunks(size: number): Iterable<R[]>;
  /** CRM records not already paired with a Propstreet record in this run. */
  crmChunks(size: number): Iterable<CrmRecord[]>;
  /** Staged CRM records by id; marks them as paired so the CRM pass skips them. */
  takeCrm(ids: readonly string[]): Map<string, CrmRecord>;
  /** Marks a CRM record a match rule paired in this run (stored link or not); also as takeCrm. */
  claimCrm(id: string): void;
  /** Which of these CRM records a match rule paired in this run. */
  claimedCrm(ids: readonly string[]): Set<string>;
  /** Which of these Propstreet records this run planned already (its Propstreet pass). */
  plannedPropstreet(ids: readonly string[]): Set<string>;
  /** Staged CRM records by id, left for the CRM pass. */
  peekCrm(ids: readonly string[]): Map<string, CrmRecord>;
  /** Staged Propstreet records by id. */
  peekPropstreet(ids: readonly string[]): Map<string, R>;
  /** Live staged CRM records whose key is one of these. */
  crmByKeys(keys: readonly string[]): CrmRecord[];
  /** Live staged CRM records whose value for match rule `rule` is one of these keys (match-values.ts). */
  crmByMatch(rule: string, values: readonly string[]): CrmRecord[];
  /** Live staged Propstreet records whose value for match rule `rule` is one of these keys. */
  propstreetByMatch(rule: string, values: readonly string[]): R[];
  /** Whether this run staged any record merged away (a CRM merge). */
  readonly anyMerged: boolean;
  /** Staged records merged into each of these ids (a merge's losers), by the id they went into. */
  losersOf(ids: readonly string[]): Map<string, CrmRecord[]>;
}
