/**
 * CrmAssociations for Salesforce: which Accounts a Contact works at. The primary company is
 * `Contact.AccountId` (a checked lookup); the other companies are AccountContactRelation rows,
 * which exist only when the org has "Contacts to Multiple Accounts" on (found once through
 * describeGlobal). Without it only the primary is held: a non-primary link is refused per
 * record (`ACR_DISABLED`), and callers ask `multipleCompanies()` first. Writes go through sObject
 * Collections, 200 a call, `allOrNone: false`, so one refused record fails alone.
 */
import { systemClock } from '../../core/clock.js';
import { PayloadError, PropsyncError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import type {
  AssociationChangePage,
  AssociationResult,
  CrmAssociation,
  CrmAssociations,
  DeletedLinks,
  HeldAssociations,
} from '../associations.js';
import { AssociationWrites, type ContactAccounts } from './associations-writes.js';

export { ACR_DISABLED } from './associations-writes.js';

import { ApiBudget } from './api-budget.js';
import { afterCheckpoint, decodeCheckpoint, encodeCheckpoint } from './change-checkpoint.js';
import { type SalesforceAdapterOptions, signIn } from './salesforce-adapter.js';
import { SalesforceClient } from './salesforce-client.js';
import { toIsoStamp } from './sobject-record.js';
import { chunkForIn, inList, isSalesforceId } from './soql.js';

/** How the associations client signs in and paces itself: as the connection's adapters do. */
export type SalesforceAssociationsOptions = Pick<
  SalesforceAdapterOptions,
  | 'instanceUrl'
  | 'accessToken'
  | 'refreshToken'
  | 'clientId'
  | 'clientSecret'
  | 'loginUrl'
  | 'version'
  | 'dailyBudgetShare'
  | 'clock'
  | 'logger'
  | 'redactor'
  | 'onTokenRefreshed'
  | 'session'
>;

export interface SalesforceAssociations extends CrmAssociations {
  /** Whether the org relates contacts to more than one Account (AccountContactRelation exists). */
  multipleCompanies(): Promise<boolean>;
}

export function createSalesforceAssociations(options: SalesforceAssociationsOptions): SalesforceAssociations {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const budget = new ApiBudget(options.dailyBudgetShare ?? 0.8);
  const conn = signIn(options, logger, clock);
  const client = new SalesforceClient({ conn, budget, clock, logger });
  let acr: Promise<boolean> | undefined;

  const multipleCompanies = (): Promise<boolean> => {
    acr ??= client
      .call('meta', { method: 'GET', path: '/sobjects' }, true, () =>
        conn.request<{ sobjects?: { name?: string }[] }>({ method: 'GET', url: '/sobjects' }),
      )
      .then((g) => (g.sobjects ?? []).some((s) => s.name === 'AccountContactRelation'));
    return acr;
  };

  async function accountsOf(contactIds: readonly string[]): Promise<ContactAccounts> {
    const ids = [...new Set(contactIds.filter(isSalesforceId))];
    const primary = new Map<string, string | null>();
    const others = new Map<string, Map<string, string>>();
    const ended = new Map<string, Map<string, string>>();
    for (const part of chunkForIn(ids))
      for (const row of await client.queryAllRows(
        `SELECT Id, AccountId FROM Contact WHERE ${inList('Id', part)}`,
        'read',
      ))
        primary.set(String(row.Id), typeof row.AccountId === 'string' ? row.AccountId : null);
    if (!(await multipleCompanies())) return { primary, others, ended };
    for (const part of chunkForIn([...primary.keys()]))
      for (const row of await client.queryAllRows(
        `SELECT Id, AccountId, ContactId, IsActive FROM AccountContactRelation WHERE ${inList('ContactId', part)}`,
        'read',
      )) {
        const contactId = String(row.ContactId);
        const accountId = String(row.AccountId);
        // The direct relation mirrors AccountId: it is the primary, not another company.
        if (primary.get(contactId) === accountId) continue;
        // An inactive relation is a job that ended (S38): kept apart, never held (bug 57).
        const into = row.IsActive === false ? ended : others;
        const mine = into.get(contactId) ?? new Map<string, string>();
        mine.set(accountId, String(row.Id));
        into.set(contactId, mine);
      }
    return { primary, others, ended };
  }

  async function readHeld(fromIds: readonly string[]): Promise<HeldAssociations> {
    const { primary, others } = await accountsOf(fromIds);
    const associations: CrmAssociation[] = [];
    for (const [fromId, accountId] of primary) {
      if (accountId) associations.push({ fromId, toId: accountId, primary: true });
      for (const [toId, id] of others.get(fromId) ?? [])
        associations.push({ fromId, toId, primary: false, id });
    }
    // The Contact query lists live contacts only: one it did not list is deleted (or never was).
    return { associations, missing: new Set(fromIds.filter((id) => !primary.has(id))) };
  }

  /**
   * Indirect relations created or edited since the checkpoint, oldest first. Neither stamps its
   * Contact (only an `AccountId` change does, and the direct relation follows that). A deleted
   * relation is gone for good (Salesforce Help: a removed relationship can't be restored), so no
   * query lists it: `deleted` lists its id.
   */
  async function* changes(
    checkpoint: string | null,
    window: { overlapMs?: number; from?: string } = {},
  ): AsyncGenerator<AssociationChangePage> {
    if (!(await multipleCompanies())) return;
    const since = checkpoint
      ? ` AND ${afterCheckpoint(decodeCheckpoint(checkpoint), window.overlapMs ?? 0, window.from)}`
      : '';
    const soql =
      'SELECT Id, ContactId, SystemModstamp FROM AccountContactRelation' +
      ` WHERE IsDirect = false${since} ORDER BY SystemModstamp ASC, Id ASC`;
    for await (const page of client.pages(soql, 'read', false)) {
      const records = page.records.map((row) => {
        const id = String(row.Id);
        return {
          id,
          fromId: String(row.ContactId),
          modifiedAt: toIsoStamp(row.SystemModstamp, id, 'AccountContactRelation'),
        };
      });
      const last = records.at(-1);
      if (last) yield { records, checkpoint: encodeCheckpoint(Date.parse(last.modifiedAt)) };
    }
  }

  /**
   * Indirect relations deleted since `since`, by id (the `deleted` replication resource: a
   * relation is deleted for good, so no query lists it). getDeleted()'s rules: the start must
   * precede the end by more than a minute (seconds aside), so a range shorter than two whole
   * minutes is not asked for and its start kept; results go back 15 days at most, less when the
   * delete log was purged (it is, every two hours, past 15,000 rows a licence), and a start
   * before a purge is refused with INVALID_REPLICATION_DATE. An answer that may miss deletions
   * says so (`complete: false`) and restarts at this call.
   */
  async function deleted(since: string): Promise<DeletedLinks> {
    const until = clock.now();
    const kept = { ids: [], covered: since, complete: true };
    if (!(await multipleCompanies())) return kept;
    const sinceMs = Date.parse(since);
    if (wholeMinute(until.getTime()) - wholeMinute(sinceMs) < 2 * MINUTE) return kept;
    // After a gap, reading restarts at this call's whole minute (Salesforce ignores the seconds):
    // the full scan the gap brings about reads the CRM after it. A purge earlier in that same
    // minute has the next start refused once more (another full scan), never a deletion missed.
    const restart = new Date(wholeMinute(until.getTime())).toISOString();
    if (sinceMs < until.getTime() - LISTED_FOR_MS) return { ids: [], covered: restart, complete: false };
    const path = '/sobjects/AccountContactRelation/deleted';
    let res: { deletedRecords?: unknown; earliestDateAvailable?: unknown; latestDateCovered?: unknown };
    try {
      res = await client.call('read', { method: 'GET', path }, true, () =>
        conn.sobject('AccountContactRelation').deleted(since, until),
      );
    } catch (e) {
      // The range is long enough, so the refusal is a purge after the start. The code is only in
      // the error's text once the client has translated it.
      if (e instanceof PropsyncError && e.message.includes('INVALID_REPLICATION_DATE'))
        return { ids: [], covered: restart, complete: false };
      throw e;
    }
    // No stamp covered: the next read starts where this one did (re-listing is harmless).
    const covered = stampOf(res.latestDateCovered, 'latestDateCovered') ?? since;
    const earliest = stampOf(res.earliestDateAvailable, 'earliestDateAvailable');
    if (!Array.isArray(res.deletedRecords))
      throw new PayloadError(`Salesforce GET ${path}: deletedRecords is not a list`, 'deletedRecords');
    const ids = res.deletedRecords.map((r: { id?: unknown }, i: number) => {
      if (typeof r?.id !== 'string' || r.id === '')
        throw new PayloadError(
          `Salesforce GET ${path}: deletedRecords[${i}].id is not an id`,
          `deletedRecords[${i}].id`,
        );
      return r.id;
    });
    return {
      ids,
      covered: Date.parse(covered) > sinceMs ? covered : since,
      complete: earliest === null || Date.parse(earliest) <= sinceMs,
    };
  }

  const writes = new AssociationWrites(client, accountsOf, multipleCompanies);

  return {
    from: 'Contact',
    to: 'Account',
    read: async (fromIds) => (await readHeld(fromIds)).associations,
    readHeld,
    associate: (links): Promise<AssociationResult[]> => writes.associate(links),
    dissociate: (links): Promise<AssociationResult[]> => writes.dissociate(links),
    multipleCompanies,
    changes,
    deleted,
    usage: () => budget.usage(),
  };
}

/** A replication resource's stamp as ISO text; null when absent, an error when unreadable. */
function stampOf(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms))
    throw new PayloadError(`Salesforce deleted relations: ${field} is not a date: ${String(value)}`, field);
  return new Date(ms).toISOString();
}

const MINUTE = 60_000;
const wholeMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
/** getDeleted() lists 15 days back; a start older than 14 is taken as a gap (a day for skew). */
const LISTED_FOR_MS = 14 * 86_400_000;
