/**
 * The batch upsert of contacts by external ref, opt-in through `propstreet.batchUpsertPath`.
 * Its models are documented (docs.propstreet.com/api-reference/model/BatchUpsertContactsRequest,
 * …/BatchUpsertResult, …/BatchUpsertItemResult); its operation is not: the path comes from the
 * tenant's config and the method (POST) is a GUESS, to be replaced when Propstreet publishes it.
 *
 * One request per ≤ 100 items (and ≤ 10 MB of body), paced and retried like every other call:
 * it is keyed by external ref, so a repeat updates what the first attempt created (idempotent).
 * Each item's result stands alone — a failed item is an error value, the others succeed. A
 * 404 or 405 from the path means the server has no such operation: the client says so once and
 * answers null from then on, so its caller upserts one by one.
 */
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { PayloadError, PropsyncError, type RequestInfo } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { Transport } from './http.js';
import { firstIssue, parseJson } from './payload.js';
import type { BatchItemOutcome, BatchUpsertItem } from './port.js';
import { errorFromResponse } from './problem.js';
import { onlyMembers } from './resource.js';
import { UPSERT_MEMBERS } from './write-models.js';

/** BatchUpsertContactsRequest: "Maximum 100 items per batch". */
const BATCH_UPSERT_MAX_ITEMS = 100;
/** The limits page: request bodies ≤ 10 MB (a little kept back for the envelope). */
const MAX_BODY_BYTES = 10 * 1024 * 1024 - 4096;

const int32 = z.union([
  z.int(),
  z
    .string()
    .regex(/^-?(?:0|[1-9]\d*)$/)
    .transform(Number),
]);
const itemResultSchema = z.object({
  status: int32,
  id: z.string().min(1).nullish(),
  etag: z.string().nullish(),
  action: z.enum(['created', 'updated', 'revived']).nullish(),
  errors: z.array(z.object({ message: z.string(), field: z.string().nullish() })).nullish(),
  clientRef: z.string().nullish(),
});
const batchResultSchema = z.object({
  results: z.array(itemResultSchema),
  summary: z.object({ total: int32, created: int32, updated: int32, revived: int32, failed: int32 }),
});
type ItemResult = z.infer<typeof itemResultSchema>;

export interface BatchUpsertDeps {
  readonly transport: Transport;
  /** The operation's path below the base URL (config; a guess until Propstreet documents it). */
  readonly path: string;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly redactor: Redactor;
}

export class BatchUpserter {
  private missing: string | null = null;
  /** The first call, which the others wait for: a missing path costs one call, not one per caller. */
  private first: Promise<unknown> | undefined;

  constructor(private readonly d: BatchUpsertDeps) {}

  /** Why this client upserts one by one although a path is configured; null while the path works. */
  fallback(): string | null {
    return this.missing;
  }

  /** Results in the order of `items`; null when the path is known missing (upsert one by one). */
  async upsert(namespace: string, items: readonly BatchUpsertItem[]): Promise<BatchItemOutcome[] | null> {
    for (const item of items)
      onlyMembers(item.body, UPSERT_MEMBERS, 'batch upsert item data (UpsertContactRequest)');
    const out: BatchItemOutcome[] = [];
    for (const group of groups(namespace, items)) {
      const results = await this.probed(namespace, group);
      if (results === null) return null;
      out.push(...results);
    }
    return out;
  }

  private async probed(
    namespace: string,
    group: readonly BatchUpsertItem[],
  ): Promise<BatchItemOutcome[] | null> {
    if (this.first === undefined) {
      const call = this.send(namespace, group);
      this.first = call.catch(() => undefined);
      return call;
    }
    await this.first;
    return this.missing !== null ? null : this.send(namespace, group);
  }

  private async send(
    namespace: string,
    items: readonly BatchUpsertItem[],
  ): Promise<BatchItemOutcome[] | null> {
    let answer: Awaited<ReturnType<Transport['send']>>;
    try {
      answer = await this.d.transport.send({
        method: 'POST',
        path: this.d.path,
        body: requestBody(namespace, items),
        idempotent: true,
      });
    } catch (error) {
      const status = error instanceof PropsyncError ? error.request?.status : undefined;
      if (status !== 404 && status !== 405) throw error;
      if (this.missing !== null) return null;
      this.missing = `Propstreet answered ${status} to the batch upsert at ${this.d.path} (propstreet.batchUpsertPath, a guessed path); contacts are upserted one by one for the rest of this run`;
      this.d.logger.warn({ path: this.d.path, status }, this.missing);
      return null;
    }
    const parsed = batchResultSchema.safeParse(parseJson(answer));
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
      throw new PayloadError(
        `Propstreet batch upsert answered an unexpected body at ${issue.path}: ${issue.message}`,
        issue.path,
        undefined,
        answer.request,
      );
    }
    const { results } = parsed.data;
    if (results.length !== items.length)
      throw new PayloadError(
        `Propstreet batch upsert answered ${results.length} results for ${items.length} items`,
        'results',
        undefined,
        answer.request,
      );
    return results.map((r, i) => this.outcome(r, i, items[i] as BatchUpsertItem, answer.request));
  }

  private outcome(
    r: ItemResult,
    index: number,
    item: BatchUpsertItem,
    request: RequestInfo,
  ): BatchItemOutcome {
    // The results come "in the same order as the request"; the echoed clientRef checks that.
    if (r.clientRef != null && r.clientRef !== String(index))
      throw new PayloadError(
        `Propstreet batch upsert answered result ${index} for clientRef ${r.clientRef}: not in request order`,
        `results[${index}].clientRef`,
        undefined,
        request,
      );
    if (r.status >= 200 && r.status < 300 && r.id && r.action)
      return { ok: true, id: r.id, etag: r.etag ?? null, action: r.action };
    const errors = r.errors ?? [];
    const problem = {
      title: `batch item ${item.externalId} failed`,
      status: r.status,
      detail: errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
      errors: Object.fromEntries(errors.map((e) => [e.field ?? '$', [e.message]])),
    };
    // The same typed errors a single request's problem would give (a taken email is a ConflictError).
    const status = r.status >= 200 && r.status < 300 ? 502 : r.status;
    return {
      ok: false,
      error: errorFromResponse(
        status,
        JSON.stringify(problem),
        { ...request, status },
        undefined,
        this.d.clock.now().getTime(),
        this.d.redactor,
      ),
    };
  }
}

function requestBody(namespace: string, items: readonly BatchUpsertItem[]) {
  return {
    namespace,
    // Never `match=email`: pairing records is the engine's job alone (as for the single upsert).
    match: null,
    revive: true,
    items: items.map((item, i) => ({ externalId: item.externalId, data: item.body, clientRef: String(i) })),
  };
}

/** ≤ 100 items per request, halved again while a body would pass 10 MB. */
function* groups(
  namespace: string,
  items: readonly BatchUpsertItem[],
): Generator<readonly BatchUpsertItem[]> {
  for (let k = 0; k < items.length; k += BATCH_UPSERT_MAX_ITEMS)
    yield* fitting(namespace, items.slice(k, k + BATCH_UPSERT_MAX_ITEMS));
}

function* fitting(
  namespace: string,
  group: readonly BatchUpsertItem[],
): Generator<readonly BatchUpsertItem[]> {
  if (
    group.length <= 1 ||
    Buffer.byteLength(JSON.stringify(requestBody(namespace, group))) <= MAX_BODY_BYTES
  ) {
    yield group;
    return;
  }
  const half = Math.ceil(group.length / 2);
  yield* fitting(namespace, group.slice(0, half));
  yield* fitting(namespace, group.slice(half));
}
