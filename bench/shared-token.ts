/**
 * `--scenario shared-token`: K workers (one child process each, the real stack) on ONE Propstreet
 * token, each doing a first sync of its own tenant (N Propstreet contacts into an empty HubSpot),
 * all at once. The tenants' Propstreet fakes count in one rate window (600 per 60 s for the token,
 * as Propstreet would), so what matters is whether the processes pace together. Run twice, on
 * fresh fakes: state in PostgreSQL (the shared budget) and state in SQLite files, one a
 * process (each process its own budget, in its own file: the naive baseline). Reported from the
 * fakes' own counts: 429s, the busiest window's count against the limit, accepted requests per
 * minute. PostgreSQL: the tests' database (PROPSYNC_TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateWindows } from '../fakes/propstreet/rate-window.js';
import { type Sandbox, startSandbox } from '../fakes/sandbox/sandbox.js';
import { createPostgresStateStore } from '../src/state/index.js';
import { seedPropstreet } from '../test/e2e/support.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../test/state/pg-test-db.js';
import { setReal } from './sandbox-modes.js';
import { spawnJob } from './spawn-job.js';

export const SHARED_TOKEN = 'shared-token';
const LIMIT = 600;
const WINDOW_MS = 60_000;

export interface SharedTokenOptions {
  /** Worker processes, one tenant each, all on one token. */
  readonly workers: number;
  /** Propstreet contacts per tenant (each first sync writes one externalRef back per contact). */
  readonly contacts: number;
  readonly latency: readonly [number, number];
  readonly log: (line: string) => void;
}

export interface LimiterRun {
  readonly limiter: 'shared (PostgreSQL state)' | 'per process (a SQLite file each)';
  /** Propstreet requests the fakes saw, 429s included. */
  readonly requests: number;
  readonly rateLimited: number;
  /** Accepted requests per minute, first request to last. */
  readonly perMinute: number;
  /** The most requests the token's window accepted in one window (limit 600). */
  readonly busiestWindow: number;
  /** Requests each of the token's windows accepted, in order. */
  readonly windowCounts: readonly number[];
  readonly wallS: number;
  /** Each worker's run status and Propstreet writes. */
  readonly workers: readonly { readonly status: string; readonly writes: number }[];
}

export interface SharedTokenResult {
  readonly startedAt: string;
  readonly options: Omit<SharedTokenOptions, 'log'>;
  readonly runs: readonly LimiterRun[];
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
}

export async function runSharedTokenBench(o: SharedTokenOptions): Promise<SharedTokenResult> {
  const startedAt = new Date().toISOString();
  const start = loadavg();
  const runs: LimiterRun[] = [];
  for (const shared of [true, false]) {
    o.log(
      `  ${shared ? 'shared budget (PostgreSQL)' : 'per-process budgets (SQLite)'}: ${o.workers} × ${o.contacts}`,
    );
    const run = await oneRun(o, shared);
    o.log(
      `    ${run.requests} requests, ${run.rateLimited} × 429, busiest window ${run.busiestWindow}/${LIMIT}, ` +
        `${run.perMinute.toFixed(0)}/min, ${run.wallS.toFixed(1)} s`,
    );
    runs.push(run);
  }
  return {
    startedAt,
    options: { workers: o.workers, contacts: o.contacts, latency: o.latency },
    runs,
    loadAverage: { start, end: loadavg() },
  };
}

/** The token's windows, as the fakes count them, with the busiest window's count kept. */
function countedWindows() {
  const windows = new RateWindows({ limit: LIMIT, windowMs: WINDOW_MS }, Date.now);
  const take = windows.take.bind(windows);
  const seen = { counts: [] as number[], last: LIMIT };
  windows.take = (token) => {
    const d = take(token);
    const used = LIMIT - Number(d.headers['RateLimit-Remaining']);
    if (used < seen.last) seen.counts.push(used);
    else seen.counts[seen.counts.length - 1] = used;
    seen.last = used;
    return d;
  };
  return { windows, seen };
}

async function oneRun(o: SharedTokenOptions, shared: boolean): Promise<LimiterRun> {
  const { windows, seen } = countedWindows();
  const dir = mkdtempSync(join(tmpdir(), 'propsync-bench-shared-'));
  const schema = testSchemaName('bench_shared');
  const sandboxes: Sandbox[] = [];
  try {
    const files: { file: string; env: Record<string, string> }[] = [];
    for (let i = 0; i < o.workers; i++) {
      // Every sandbox's Propstreet fake accepts the same default token: one token, K tenants.
      const sb = await startSandbox({ salesforce: false, seed: 1 + i, propstreetRateWindows: windows });
      sandboxes.push(sb);
      seedPropstreet(sb, i * 100_000, o.contacts);
      const tenant = `shared${i}`;
      const file = sb.writeTenant(dir, {
        tenant,
        connections: ['hubspot'],
        ...(shared
          ? { postgres: { url: TEST_DATABASE_URL, schema } }
          : { sqlite: join(dir, `${tenant}.db`) }),
      });
      files.push({ file, env: sb.env });
    }
    if (shared) {
      // Migrated once up front, as `propsync migrate-state` would be before the workers start.
      const store = createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema });
      await store.migrate();
      await store.close();
    }
    for (const sb of sandboxes) setReal(sb, { quick: false, latency: o.latency });
    const t0 = performance.now();
    const reports = await Promise.all(
      files.map(({ file, env }) => spawnJob({ kind: 'tenant', configPath: file, env, dryRun: false })),
    );
    const wallS = (performance.now() - t0) / 1000;
    const log = sandboxes.flatMap((sb) => sb.propstreet.apiRequests()).sort((a, b) => a.at - b.at);
    const accepted = log.filter((r) => r.status !== 429);
    const spanMin = ((log.at(-1)?.at ?? 0) - (log[0]?.at ?? 0)) / 60_000;
    return {
      limiter: shared ? 'shared (PostgreSQL state)' : 'per process (a SQLite file each)',
      requests: log.length,
      rateLimited: log.length - accepted.length,
      perMinute: spanMin > 0 ? accepted.length / spanMin : 0,
      busiestWindow: Math.max(0, ...seen.counts),
      windowCounts: seen.counts,
      wallS,
      workers: reports.map((r) => ({
        status: r.summary.status,
        writes: r.summary.calls.propstreet?.write ?? 0,
      })),
    };
  } finally {
    await Promise.all(sandboxes.map((sb) => sb.close()));
    if (shared) await dropSchema(schema).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
