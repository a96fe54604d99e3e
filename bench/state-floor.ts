/**
 * The state store's floor for a created record: the durable writes the engine-real run cannot
 * skip, through the same store port and in the same batch sizes, with nothing else around them
 * (no reading, pairing, mapping, staging or API calls). A first sync's created record costs the
 * store: its link (with the shadow) and its ref outbox row in the chunk's commit; then the
 * drainer's fetch of the row with its link (one joined read), and the commit that removes the row, moves
 * the link's Propstreet etag to the write-back's and keeps that etag as our own (echo detection).
 * The outbox row must be durable before the write-back and the etag exists only after it, so
 * these are two commits a record's batch, never one (src/run/ref-drain.ts). Whatever records
 * per CPU-second the engine reaches, it is below this job's: the summary reports the share of
 * the real run's CPU this floor takes, so the gap to the target is split into what the store
 * costs and what the rest of the engine does.
 */
import { systemClock } from '../src/core/clock.js';
import { emptyCounts } from '../src/engine/counts.js';
import { createSqliteStateStore } from '../src/state/index.js';
import type { Scope, StateStore } from '../src/state/port.js';
import { psId } from '../test/support/in-memory/world.js';
import type { RunSummary, StateFloorJob } from './jobs.js';

/** The engine's sizes: a HubSpot chunk (chunkSizeFor: 500 → 5 batches of 100), the drainer's fetch and its largest commit. */
const CHUNK = 500;
const FETCH = 200;
const FLUSH_MOST = 1_000;

const SCOPE: Scope = { tenant: 'bench', connection: 'hubspot', kind: 'contacts' };

/** A shadow shaped like the engine bench's (its four contact fields). */
const shadowOf = (i: number) => ({
  firstName: 'Anna',
  lastName: 'Berg',
  email: `contact${i}@example.com`,
  phone: `+4670${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`,
});

async function commitChunks(store: StateStore, n: number, now: string): Promise<void> {
  for (let start = 0; start < n; start += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, n - start) }, (_, k) => start + k);
    await store.commit(SCOPE, {
      upsertLinks: ids.map((i) => ({
        propstreetId: psId(i),
        crmId: `crm-${i}`,
        shadow: shadowOf(i),
        propstreetEtag: `W/"${i}-1"`,
        crmModifiedAt: now,
        updatedAt: now,
      })),
      enqueueRefs: ids.map((i) => ({
        propstreetId: psId(i),
        crmId: `crm-${i}`,
        namespace: 'hubspot',
        etag: `W/"${i}-1"`,
        refs: [],
        enqueuedAt: now,
        attempts: 0,
        lastError: null,
      })),
    });
  }
}

async function drain(store: StateStore): Promise<number> {
  let after: string | undefined;
  let drained = 0;
  let done: { propstreetId: string; crmId: string; etag: string; linkEtag: string | null }[] = [];
  const flush = async () => {
    await store.commit(SCOPE, {
      refsDone: done,
      ownEtags: done.map((d) => ({ propstreetId: d.propstreetId, etag: d.etag })),
    });
    drained += done.length;
    done = [];
  };
  for (;;) {
    const rows = await store.queuedRefs(
      { tenant: SCOPE.tenant, kind: SCOPE.kind },
      { dueBy: systemClock.now().toISOString(), limit: FETCH, ...(after ? { after } : {}) },
    );
    if (rows.length === 0) break;
    after = rows.at(-1)?.propstreetId;
    for (const r of rows)
      done.push({
        propstreetId: r.propstreetId,
        crmId: r.crmId,
        etag: `W/"${r.propstreetId}-2"`,
        linkEtag: r.link?.propstreetEtag ?? null,
      });
    if (done.length >= FLUSH_MOST) await flush();
  }
  if (done.length > 0) await flush();
  return drained;
}

export async function runStateFloorJob(job: StateFloorJob): Promise<RunSummary> {
  const store = createSqliteStateStore({ path: job.statePath });
  await store.migrate();
  try {
    await commitChunks(store, job.n, systemClock.now().toISOString());
    const drained = await drain(store);
    if (drained !== job.n) throw new Error(`state floor: drained ${drained} of ${job.n} queued refs`);
    const counts = emptyCounts();
    counts.create.crm = job.n;
    return {
      status: 'ok',
      pulled: { propstreet: job.n, crm: 0 },
      planned: counts,
      done: counts,
      calls: { propstreet: {}, crm: {} },
      conflicts: 0,
      failures: 0,
      invalid: 0,
      problems: [],
    };
  } finally {
    await store.close();
  }
}
