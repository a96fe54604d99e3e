/**
 * The writes behind Salesforce associations: a primary company is `Contact.AccountId` (update),
 * another one an indirect AccountContactRelation (create / delete). Current state is read first,
 * so a repeat sends nothing. 200 records a collections call, `allOrNone: false`; a call that
 * fails as a whole fails only the records it carried.
 *
 * Salesforce's own rules shape the order: a relation needs the contact to have a primary Account
 * (so AccountId updates go first), a changed AccountId keeps the old Account as an indirect
 * relation, and the direct relation cannot be deleted (so removing the primary clears AccountId,
 * then deletes the relation it left behind).
 */
import { PropsyncError } from '../../core/errors.js';
import type { AssociationResult, CrmAssociation } from '../associations.js';
import type { WriteError } from '../port.js';
import type { SalesforceClient } from './salesforce-client.js';
import { callFailureToWriteError, type SalesforceSaveError, toWriteError } from './salesforce-errors.js';
import { COLLECTION_SIZE } from './sobject-writes.js';
import { isSalesforceId } from './soql.js';

/** What Salesforce holds of a set of contacts: primary Account and the other related ones. */
export interface ContactAccounts {
  readonly primary: ReadonlyMap<string, string | null>;
  /** Active indirect relations by contact: Account id → relation id. */
  readonly others: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /**
   * Ended indirect relations (`IsActive = false`: how Salesforce keeps a former job, with its
   * `EndDate`) by contact: Account id → relation id. Not held; a job there again reactivates it.
   */
  readonly ended: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

export const ACR_DISABLED: WriteError = {
  code: 'invalid',
  crmCode: 'ACR_DISABLED',
  message:
    'this org does not relate contacts to multiple accounts (AccountContactRelation): only the primary company (Contact.AccountId) is synced',
  retryable: false,
};

type Pair = Pick<CrmAssociation, 'fromId' | 'toId'>;
interface SaveResultLike {
  readonly success: boolean;
  readonly errors?: readonly SalesforceSaveError[] | undefined;
}
interface Job<R> {
  readonly indexes: readonly number[];
  readonly record: R;
}
type Results = (AssociationResult | undefined)[];

const OK: AssociationResult = { ok: true };
const notAnId = (id: string): AssociationResult => ({
  ok: false,
  error: {
    code: 'not-found',
    crmCode: 'MALFORMED_ID',
    message: `not a Salesforce id: ${id}`,
    retryable: false,
  },
});

export class AssociationWrites {
  constructor(
    private readonly client: SalesforceClient,
    private readonly accountsOf: (contactIds: readonly string[]) => Promise<ContactAccounts>,
    private readonly multipleCompanies: () => Promise<boolean>,
  ) {}

  async associate(links: readonly CrmAssociation[]): Promise<AssociationResult[]> {
    const results: Results = new Array(links.length);
    const valid = this.screen(links, results);
    const current = await this.accountsOf(valid.map((i) => (links[i] as CrmAssociation).fromId));
    // The last primary asked for a contact wins; earlier ones are answered with its result.
    const primaries = new Map<string, { toId: string; indexes: number[] }>();
    const others: number[] = [];
    for (const i of valid) {
      const link = links[i] as CrmAssociation;
      if (!current.primary.has(link.fromId)) results[i] = notFound(link.fromId);
      else if (link.primary) {
        const prev = primaries.get(link.fromId);
        if (prev && prev.toId !== link.toId) for (const j of prev.indexes) results[j] = OK;
        primaries.set(link.fromId, {
          toId: link.toId,
          indexes: prev?.toId === link.toId ? [...prev.indexes, i] : [i],
        });
      } else others.push(i);
    }
    const updates: Job<{ Id: string; AccountId: string | null }>[] = [];
    for (const [contactId, { toId, indexes }] of primaries) {
      if (current.primary.get(contactId) === toId) for (const j of indexes) results[j] = OK;
      else updates.push({ indexes, record: { Id: contactId, AccountId: toId } });
    }
    await this.save('Contact', 'update', updates, results);

    if (others.length > 0) {
      if (!(await this.multipleCompanies())) {
        for (const i of others) results[i] = { ok: false, error: ACR_DISABLED };
      } else {
        const after = await this.accountsOf(others.map((i) => (links[i] as CrmAssociation).fromId));
        const creates: Job<{ AccountId: string; ContactId: string }>[] = [];
        const seen = new Map<string, Job<{ AccountId: string; ContactId: string }>>();
        // A relation ended there is made active again: a second one for the pair is refused.
        const reactivations: Job<{ Id: string; IsActive: true; EndDate: null }>[] = [];
        const revived = new Map<string, Job<{ Id: string; IsActive: true; EndDate: null }>>();
        for (const i of others) {
          const { fromId, toId } = links[i] as CrmAssociation;
          const ended = after.ended.get(fromId)?.get(toId);
          if (after.primary.get(fromId) === toId || after.others.get(fromId)?.has(toId)) results[i] = OK;
          else if (ended !== undefined) {
            const twin = revived.get(ended);
            if (twin) (twin.indexes as number[]).push(i);
            else {
              const job = { indexes: [i], record: { Id: ended, IsActive: true as const, EndDate: null } };
              revived.set(ended, job);
              reactivations.push(job);
            }
          } else {
            const key = `${fromId}→${toId}`;
            const twin = seen.get(key);
            if (twin) (twin.indexes as number[]).push(i);
            else {
              const job = { indexes: [i], record: { AccountId: toId, ContactId: fromId } };
              seen.set(key, job);
              creates.push(job);
            }
          }
        }
        // DUPLICATE_VALUE: the relation appeared since the read; it is there, which is the point.
        await this.save('AccountContactRelation', 'create', creates, results, ['DUPLICATE_VALUE']);
        await this.save('AccountContactRelation', 'update', reactivations, results);
      }
    }
    return done(results);
  }

  async dissociate(pairs: readonly Pair[]): Promise<AssociationResult[]> {
    const results: Results = new Array(pairs.length);
    const valid = this.screen(pairs, results);
    const current = await this.accountsOf(valid.map((i) => (pairs[i] as Pair).fromId));
    const clears: Job<{ Id: string; AccountId: null }>[] = [];
    const cleared = new Map<string, Job<{ Id: string; AccountId: null }>>();
    const relationPairs: number[] = [];
    for (const i of valid) {
      const { fromId, toId } = pairs[i] as Pair;
      if (current.primary.get(fromId) === toId) {
        const job = cleared.get(fromId) ?? { indexes: [], record: { Id: fromId, AccountId: null } };
        if (!cleared.has(fromId)) {
          cleared.set(fromId, job);
          clears.push(job);
        }
        (job.indexes as number[]).push(i);
        relationPairs.push(i);
      } else if (current.others.get(fromId)?.has(toId)) relationPairs.push(i);
      else results[i] = OK;
    }
    await this.save('Contact', 'update', clears, results);

    if (relationPairs.length > 0 && (await this.multipleCompanies())) {
      // Clearing AccountId left the old primary as an indirect relation: read the relations again.
      const after = await this.accountsOf(relationPairs.map((i) => (pairs[i] as Pair).fromId));
      const deletes: Job<string>[] = [];
      for (const i of relationPairs) {
        if (results[i] && !results[i]?.ok) continue;
        const { fromId, toId } = pairs[i] as Pair;
        const relationId = after.others.get(fromId)?.get(toId);
        if (relationId) deletes.push({ indexes: [i], record: relationId });
        else results[i] = OK;
      }
      await this.destroy(deletes, results);
    }
    for (const i of relationPairs) results[i] ??= OK;
    return done(results);
  }

  private screen(pairs: readonly Pair[], results: Results): number[] {
    const valid: number[] = [];
    pairs.forEach((p, i) => {
      if (!isSalesforceId(p.fromId)) results[i] = notAnId(p.fromId);
      else if (!isSalesforceId(p.toId)) results[i] = notAnId(p.toId);
      else valid.push(i);
    });
    return valid;
  }

  private async save<R extends object>(
    type: 'Contact' | 'AccountContactRelation',
    op: 'update' | 'create',
    jobs: readonly Job<R>[],
    results: Results,
    fineCodes: readonly string[] = [],
  ): Promise<void> {
    const method = op === 'create' ? 'POST' : 'PATCH';
    await inChunks(jobs, results, async (chunk) => {
      const records = chunk.map((j) => j.record as unknown as Record<string, unknown>);
      const res = (await this.client.call('write', { method, path: '/composite/sobjects' }, true, () =>
        op === 'create'
          ? this.client.conn.sobject(type).create(records, { allOrNone: false })
          : this.client.conn.sobject(type).update(records as { Id: string }[], { allOrNone: false }),
      )) as unknown as SaveResultLike[];
      return chunk.map((_, k) => resultOf(res[k], fineCodes));
    });
  }

  private async destroy(jobs: readonly Job<string>[], results: Results): Promise<void> {
    await inChunks(jobs, results, async (chunk) => {
      const ids = chunk.map((j) => j.record);
      const res = (await this.client.call(
        'write',
        { method: 'DELETE', path: '/composite/sobjects' },
        true,
        () => this.client.conn.sobject('AccountContactRelation').destroy(ids, { allOrNone: false }),
      )) as unknown as SaveResultLike[];
      // Already gone (ENTITY_IS_DELETED) is what was asked for.
      return chunk.map((_, k) => resultOf(res[k], ['ENTITY_IS_DELETED']));
    });
  }
}

async function inChunks<R>(
  jobs: readonly Job<R>[],
  results: Results,
  send: (chunk: readonly Job<R>[]) => Promise<AssociationResult[]>,
): Promise<void> {
  for (let start = 0; start < jobs.length; start += COLLECTION_SIZE) {
    const chunk = jobs.slice(start, start + COLLECTION_SIZE);
    let out: AssociationResult[];
    try {
      out = await send(chunk);
    } catch (e) {
      if (!(e instanceof PropsyncError)) throw e;
      const failed: AssociationResult = { ok: false, error: callFailureToWriteError(e) };
      out = chunk.map(() => failed);
    }
    chunk.forEach((job, k) => {
      for (const i of job.indexes) results[i] = out[k] ?? missing;
    });
  }
}

function resultOf(r: SaveResultLike | undefined, fineCodes: readonly string[]): AssociationResult {
  if (!r) return missing;
  if (r.success) return OK;
  const code = r.errors?.[0]?.statusCode ?? r.errors?.[0]?.errorCode ?? '';
  if (fineCodes.includes(code)) return OK;
  return { ok: false, error: toWriteError(r.errors) };
}

const MISSING: WriteError = {
  code: 'unknown',
  message: 'Salesforce returned no result for this record',
  retryable: true,
};
const missing: AssociationResult = { ok: false, error: MISSING };

function notFound(contactId: string): AssociationResult {
  return {
    ok: false,
    error: { code: 'not-found', crmCode: 'NOT_FOUND', message: `no Contact ${contactId}`, retryable: false },
  };
}

function done(results: Results): AssociationResult[] {
  return Array.from(results, (r) => r ?? missing);
}
