/**
 * Writes: upsert by the key property (a retried create can never duplicate), update by id,
 * archive by id; 100 inputs per call, results per input in input order. Each input carries
 * `objectWriteTraceId` = its index, so results and 207 errors map back to inputs even though
 * HubSpot returns them in no particular order.
 */
import type { PropsyncError } from '../../core/errors.js';
import type { UpdateInput, UpsertInput, WriteError, WriteResult } from '../port.js';
import { sendIsolating } from './batch-isolation.js';
import { existingIdOf, propertyIssues, responseInfo, toWriteError, writeErrorOf } from './hubspot-errors.js';
import type { HubSpotTransport } from './hubspot-transport.js';

interface Item {
  readonly index: number;
  /** The key value (upsert) or record id (update, archive). */
  readonly id: string;
  readonly properties: Record<string, string>;
}

interface BatchData {
  results: {
    id: string;
    properties: Record<string, string | null>;
    objectWriteTraceId?: string;
    _new?: boolean;
    updatedAt?: Date;
  }[];
  errors?: { category: string; message: string; context?: Record<string, string[]> }[];
}

type Op = 'upsert' | 'update';

/** Issue codes that condemn every input that sets the property, whatever its value. */
const PROPERTY_LEVEL = new Set(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE', 'INVALID_ID_PROPERTY']);

export interface WriterOptions {
  readonly transport: HubSpotTransport;
  readonly keyProperty: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
}

const PATH = '/crm/v3/objects/contacts/batch';

function wire(properties: Readonly<Record<string, string | null>>): Record<string, string> {
  // HubSpot clears a value written as the empty string.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) out[k] = v ?? '';
  return out;
}

/** Chunks of at most `size` where no id repeats, so later duplicates are written after earlier ones. */
function chunkUnique(items: readonly Item[], size: number): Item[][] {
  const chunks: { items: Item[]; ids: Set<string> }[] = [];
  const lastChunk = new Map<string, number>();
  let open = 0;
  for (const item of items) {
    let c = Math.max(open, (lastChunk.get(item.id) ?? -1) + 1);
    while ((chunks[c]?.items.length ?? 0) >= size) c++;
    const target = chunks[c] ?? { items: [], ids: new Set<string>() };
    chunks[c] = target;
    target.items.push(item);
    target.ids.add(item.id);
    lastChunk.set(item.id, c);
    while ((chunks[open]?.items.length ?? 0) >= size) open++;
  }
  return chunks.map((c) => c.items);
}

async function pool<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]?.();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}

/** `text` names `value` as a whole word (so "L7" is not found in "L70"). */
function mentions(text: string, value: string): boolean {
  let from = text.indexOf(value);
  while (from >= 0) {
    const before = text[from - 1] ?? ' ';
    const after = text[from + value.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = text.indexOf(value, from + 1);
  }
  return false;
}

export class HubSpotWriter {
  constructor(private readonly options: WriterOptions) {}

  upsertByKey(inputs: readonly UpsertInput[]): Promise<WriteResult[]> {
    return this.write(
      'upsert',
      inputs.map((input, index) => ({ index, id: input.key, properties: wire(input.properties) })),
    );
  }

  update(inputs: readonly UpdateInput[]): Promise<WriteResult[]> {
    // HubSpot has no precondition on writes: `ifUnmodifiedSince` cannot be honoured here.
    return this.write(
      'update',
      inputs.map((input, index) => ({ index, id: input.id, properties: wire(input.properties) })),
    );
  }

  async delete(ids: readonly string[]): Promise<WriteResult[]> {
    const results: WriteResult[] = ids.map((id) => ({ ok: true, id, created: false }));
    const items = ids.map((id, index) => ({ index, id, properties: {} }));
    for (const part of chunkUnique(items, this.options.batchSize)) {
      await sendIsolating(part, {
        attempt: async (batch) => {
          await this.options.transport.call({
            kind: 'archive',
            method: 'POST',
            path: `${PATH}/archive`,
            idempotent: true,
            send: (o) =>
              this.options.transport.client.crm.contacts.batchApi.archiveWithHttpInfo(
                { inputs: batch.map((i) => ({ id: i.id })) },
                o,
              ),
          });
        },
        blame: async () => [],
        fail: (item, e) => {
          results[item.index] = { ok: false, error: writeErrorOf(e) };
        },
      });
    }
    return results;
  }

  private async write(op: Op, items: Item[]): Promise<WriteResult[]> {
    const results: (WriteResult | undefined)[] = new Array(items.length);
    const valid: Item[] = [];
    for (const item of items) {
      if (item.id.trim() === '')
        results[item.index] = {
          ok: false,
          error: { code: 'invalid', message: `empty ${op === 'upsert' ? 'key' : 'id'}`, retryable: false },
        };
      else valid.push(item);
    }
    const chunks = chunkUnique(valid, this.options.batchSize);
    const repeats = new Set(valid.map((i) => i.id)).size < valid.length;
    const tasks = chunks.map(
      (part) => () =>
        sendIsolating(part, {
          attempt: (batch) => this.send(op, batch, results),
          blame: (error, batch) => this.blame(error, batch),
          fail: (item, error) => {
            results[item.index] = { ok: false, error: this.pinned(error, item) };
          },
        }),
    );
    // Repeated ids must be written in input order, so they go one batch at a time.
    await pool(tasks, repeats ? 1 : this.options.maxConcurrency);
    return results.map(
      (r) =>
        r ?? {
          ok: false,
          error: {
            code: 'unknown',
            message: 'HubSpot returned neither a result nor an error for this input',
            retryable: true,
          },
        },
    );
  }

  private async send(op: Op, batch: Item[], results: (WriteResult | undefined)[]): Promise<void> {
    const { transport, keyProperty } = this.options;
    const api = transport.client.crm.contacts.batchApi;
    const inputs = batch.map((i) => ({
      id: i.id,
      properties: i.properties,
      objectWriteTraceId: String(i.index),
      ...(op === 'upsert' ? { idProperty: keyProperty } : {}),
    }));
    const { data } = await transport.call<BatchData>({
      kind: 'write',
      method: 'POST',
      path: `${PATH}/${op}`,
      idempotent: true,
      send: (o) =>
        op === 'upsert' ? api.upsertWithHttpInfo({ inputs }, o) : api.updateWithHttpInfo({ inputs }, o),
    });
    const byTrace = new Map(batch.map((i) => [String(i.index), i]));
    const byId = new Map(batch.map((i) => [i.id, i]));
    const done = new Set<Item>();
    for (const r of data.results) {
      const item =
        (r.objectWriteTraceId === undefined ? undefined : byTrace.get(r.objectWriteTraceId)) ??
        byId.get(op === 'upsert' ? (r.properties[keyProperty] ?? '') : r.id);
      if (!item || done.has(item)) continue;
      done.add(item);
      results[item.index] = {
        ok: true,
        id: r.id,
        created: op === 'upsert' && r._new === true,
        modifiedAt: r.properties.lastmodifieddate ?? r.updatedAt?.toISOString() ?? new Date().toISOString(),
      };
    }
    for (const err of data.errors ?? []) {
      const error = toWriteError(err.category, err.message, err);
      const named = [
        ...(err.context?.objectWriteTraceId ?? []).map((t) => byTrace.get(t)),
        ...(err.context?.ids ?? []).map((id) => byId.get(id)),
      ];
      for (const item of named) {
        if (!item || done.has(item)) continue;
        done.add(item);
        results[item.index] = { ok: false, error };
      }
    }
  }

  private async blame(error: PropsyncError, batch: Item[]): Promise<Item[]> {
    const info = responseInfo(error);
    if (error.code === 'VALIDATION') {
      const issues = propertyIssues(info?.body);
      const byProperty = issues.filter((i) => PROPERTY_LEVEL.has(i.error));
      if (byProperty.length > 0)
        return batch.filter((item) => byProperty.some((i) => i.name in item.properties));
      // A value error names the value in its message; trust it only when it points at one input.
      const hits = batch.filter((item) =>
        issues.some((i) => {
          const v = item.properties[i.name];
          return v !== undefined && v !== '' && mentions(i.message, v);
        }),
      );
      return hits.length === 1 ? hits : [];
    }
    if (error.code === 'CONFLICT') return this.blameDuplicate(info?.body?.message, batch);
    return [];
  }

  /** "Contact already exists. Existing ID: N": find which input carries N's email. */
  private async blameDuplicate(message: string | undefined, batch: Item[]): Promise<Item[]> {
    const existingId = existingIdOf(message);
    if (!existingId || !batch.some((i) => i.properties.email)) return [];
    const { transport, keyProperty } = this.options;
    const { data } = await transport.call({
      kind: 'read',
      method: 'POST',
      path: `${PATH}/read`,
      idempotent: true,
      send: (o) =>
        transport.client.crm.contacts.batchApi.readWithHttpInfo(
          { inputs: [{ id: existingId }], properties: ['email', keyProperty], propertiesWithHistory: [] },
          undefined,
          o,
        ),
    });
    const owner = data.results[0];
    const email = owner?.properties.email?.toLowerCase();
    if (!owner || !email) return [];
    const ownerKey = owner.properties[keyProperty];
    return batch.filter(
      (i) => i.properties.email?.toLowerCase() === email && i.id !== ownerKey && i.id !== owner.id,
    );
  }

  /** The whole-batch error as it applies to one input. */
  private pinned(error: PropsyncError, item: Item): WriteError {
    const base = writeErrorOf(error);
    if (base.code !== 'invalid') return base;
    const issues = propertyIssues(responseInfo(error)?.body).filter((i) => i.name in item.properties);
    if (issues.length === 0) return base;
    return { ...base, message: issues.map((i) => i.message).join('; '), fields: issues.map((i) => i.name) };
  }
}
