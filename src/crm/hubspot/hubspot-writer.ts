/**
 * Writes: upsert by the key property (a retried create can never duplicate), update by id,
 * archive by id; 100 inputs per call, results per input in input order. HubSpot returns
 * results in no particular order and echoes `objectWriteTraceId` only on errors (its
 * error-handling guide), so a success is matched by what it carries: the record id for an
 * update, the key property for an upsert (sent among the properties, so it comes back).
 * Each input still carries `objectWriteTraceId` = its index, which 207 errors name.
 */

import type { UpdateInput, UpsertInput, WriteResult } from '../port.js';
import { BatchBlame, type Item } from './batch-blame.js';
import { sendIsolating } from './batch-isolation.js';
import { chunkUnique, pool } from './batch-planning.js';
import { type HubSpotObject, objectPath } from './hubspot-object.js';
import { checkObjects } from './hubspot-payload.js';
import type { HubSpotTransport } from './hubspot-transport.js';
import { toWriteError, writeErrorOf } from './hubspot-write-errors.js';

interface BatchData {
  results: {
    id: string;
    properties: Record<string, string | null>;
    _new?: boolean;
    updatedAt?: Date;
  }[];
  errors?: { category: string; message: string; context?: Record<string, string[]> }[];
}

type Op = 'upsert' | 'update';

export interface WriterOptions {
  readonly transport: HubSpotTransport;
  readonly object: HubSpotObject;
  readonly keyProperty: string;
  readonly batchSize: number;
  readonly maxConcurrency: number;
}

function wire(properties: Readonly<Record<string, string | null>>): Record<string, string> {
  // HubSpot clears a value written as the empty string.
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) out[k] = v ?? '';
  return out;
}

export class HubSpotWriter {
  private readonly blame: BatchBlame;
  private readonly path: string;

  constructor(private readonly options: WriterOptions) {
    this.blame = new BatchBlame(options.transport, options.object, options.keyProperty);
    this.path = objectPath(options.object, '/batch');
  }

  upsertByKey(inputs: readonly UpsertInput[]): Promise<WriteResult[]> {
    return this.write(
      'upsert',
      inputs.map((input, index) => ({ index, id: input.key, properties: wire(input.properties) })),
    );
  }

  update(inputs: readonly UpdateInput[]): Promise<WriteResult[]> {
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
            path: `${this.path}/archive`,
            idempotent: true,
            send: (o) =>
              this.options.object
                .apis(this.options.transport.client)
                .batchApi.archiveWithHttpInfo({ inputs: batch.map((i) => ({ id: i.id })) }, o),
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
          blame: (error, batch) => this.blame.blame(error, batch),
          fail: (item, error) => {
            results[item.index] = { ok: false, error: this.blame.pinned(error, item) };
          },
        }),
    );
    // Repeated ids must be written in input order, so they go one batch at a time.
    await pool(tasks, repeats ? 1 : this.options.maxConcurrency);
    // Array.from, not map: map skips the holes of inputs that got no answer at all.
    return Array.from(
      results,
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
    const { transport, keyProperty, object } = this.options;
    const api = object.apis(transport.client).batchApi;
    const inputs = batch.map((i) => ({
      id: i.id,
      // The key among the properties too: HubSpot returns the properties an input wrote, which
      // is how an upsert result is matched to its input.
      properties: op === 'upsert' ? { ...i.properties, [keyProperty]: i.id } : i.properties,
      objectWriteTraceId: String(i.index),
      ...(op === 'upsert' ? { idProperty: keyProperty } : {}),
    }));
    const { data } = await transport.call<BatchData>({
      kind: 'write',
      method: 'POST',
      path: `${this.path}/${op}`,
      idempotent: true,
      send: (o) =>
        op === 'upsert' ? api.upsertWithHttpInfo({ inputs }, o) : api.updateWithHttpInfo({ inputs }, o),
    });
    const byTrace = new Map(batch.map((i) => [String(i.index), i]));
    const byId = new Map(batch.map((i) => [i.id, i]));
    const done = new Set<Item>();
    for (const r of checkObjects<BatchData['results'][number]>(data.results, 'POST', `${this.path}/${op}`)) {
      const item = byId.get(op === 'upsert' ? (r.properties?.[keyProperty] ?? '') : r.id);
      if (!item || done.has(item)) continue;
      done.add(item);
      results[item.index] = {
        ok: true,
        id: r.id,
        created: op === 'upsert' && r._new === true,
        modifiedAt:
          r.properties[object.lastModified] ?? r.updatedAt?.toISOString() ?? new Date().toISOString(),
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
}
