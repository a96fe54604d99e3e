/**
 * CRM → Propstreet in batches (#16 target 2): with `propstreet.batchUpsertPath` set, contacts
 * only the CRM has reach Propstreet through the batch upsert by external ref, 100 a call; a
 * path that answers 404 falls back to one upsert each; a failed item fails alone; and a run
 * that lost the answers is repeated without creating anyone twice. Counted on the fakes' logs.
 */
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_UPSERT_PATH } from '../../fakes/propstreet/index.js';
import type { RequestLogEntry } from '../../fakes/shared/http-fake.js';
import { cliCommand, REPO_ROOT } from '../cli/cli-process.js';
import { type E2E, seedHubSpot, startE2E, writes } from './support.js';

const N = 2_000;
/** 2,000 in 100s is 20 calls; the target leaves room for 5 more. */
const TARGET_WRITES = 25;

/** Batch and single upserts the Propstreet fake answered, by path kind. */
function upsertCalls(e: E2E): { batch: number; single: number; other: number } {
  const out = { batch: 0, single: 0, other: 0 };
  for (const r of e.sb.propstreet.apiRequests()) {
    if (r.method === 'GET') continue;
    if (r.path === BATCH_UPSERT_PATH) out.batch++;
    else if (r.method === 'PATCH' && r.path.includes('/contacts/external/')) out.single++;
    else out.other++;
  }
  return out;
}

/** Every HubSpot contact has exactly one Propstreet contact holding its ref, and holds its id. */
function arrivedOnce(e: E2E, crmIds: readonly string[]): void {
  const byRef = new Map<string, string[]>();
  for (const c of e.sb.propstreet.allContacts())
    for (const ref of c.externalRefs)
      if (ref.namespace === 'hubspot') byRef.set(ref.id, [...(byRef.get(ref.id) ?? []), c.id]);
  expect(e.sb.propstreet.allContacts()).toHaveLength(crmIds.length);
  for (const id of crmIds) {
    expect(byRef.get(id)).toHaveLength(1);
    expect(e.sb.hubspot!.control.get(id)?.properties.propstreet_id).toBe(byRef.get(id)?.[0]);
  }
}

describe('CRM-only contacts into Propstreet through the batch upsert', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const start = async (count: number) => {
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 1_000_000 },
      // A failed record is retried on the very next run (no backoff to wait out).
      { propstreet: { batchUpsertPath: BATCH_UPSERT_PATH }, connection: { retryBaseSeconds: 0 } },
    );
    return seedHubSpot(e.sb, 0, count);
  };

  it(`creates ${N} contacts in ≤ ${TARGET_WRITES} Propstreet writes, and the next run writes nothing`, async () => {
    const ids = await start(N);
    const run = await e.run();
    const result = run.connections[0]!.result;
    expect(result.failures).toEqual([]);
    expect(result.done.create.propstreet).toBe(N);
    expect(upsertCalls(e)).toEqual({ batch: N / 100, single: 0, other: 0 });
    expect(writes(e.sb).propstreet).toBeLessThanOrEqual(TARGET_WRITES);
    arrivedOnce(e, ids);
    // The batch's etags are our own writes: their echo in the next delta writes nothing.
    const before = writes(e.sb);
    const quiet = await e.run();
    expect(quiet.connections[0]!.result.failures).toEqual([]);
    expect(writes(e.sb)).toEqual(before);
  }, 300_000);

  it('falls back to one upsert per contact when the path answers 404, and says so', async () => {
    const ids = await start(N);
    e.sb.propstreet.setBatchUpsertMissing(404);
    const run = await e.run();
    const result = run.connections[0]!.result;
    expect(result.failures).toEqual([]);
    expect(result.done.create.propstreet).toBe(N);
    // One batch call learns the path is missing (the others wait for it); everyone goes one by one.
    expect(upsertCalls(e)).toEqual({ batch: 1, single: N, other: 0 });
    expect(result.notices.map((n) => n.kind)).toEqual(['batch-fallback']);
    expect(result.notices[0]?.text).toMatch(/answered 404 .*one by one/);
    arrivedOnce(e, ids);
  }, 300_000);

  it('fails a refused item alone and creates it on a later run', async () => {
    const ids = await start(250);
    const refused = ids[42]!;
    e.sb.propstreet.failBatchItems([refused], 503);
    const first = await e.run();
    const result = first.connections[0]!.result;
    expect(result.done.create.propstreet).toBe(249);
    expect(result.failures.map((f) => f.recordId)).toEqual([refused]);
    expect(result.failures[0]?.error).toMatch(/Injected failure/);
    expect(e.sb.propstreet.allContacts()).toHaveLength(249);
    e.sb.propstreet.failBatchItems([]);
    const second = await e.run();
    expect(second.connections[0]!.result.failures).toEqual([]);
    arrivedOnce(e, ids);
  }, 300_000);

  it('a run whose batch answers were lost after Propstreet applied them is repeated without duplicates', async () => {
    const ids = await start(300);
    // Every attempt of the second batch call is applied, then its connection dropped: the
    // run never learns the outcome and records nothing of those 100 (they fail, retryable).
    e.sb.propstreet.http.faults.add({
      kind: 'drop-after',
      method: 'POST',
      path: BATCH_UPSERT_PATH,
      times: 99,
    });
    const lost = await e.run();
    expect(lost.connections[0]!.result.failures.length).toBeGreaterThan(0);
    // Propstreet holds them all; the state links only what it heard of.
    expect(e.sb.propstreet.allContacts()).toHaveLength(300);
    e.sb.propstreet.http.faults.clear();
    const again = await e.run();
    expect(again.connections[0]!.result.failures).toEqual([]);
    arrivedOnce(e, ids);
  }, 300_000);

  it('a run SIGKILLed right after Propstreet answered a batch is rerun without duplicates', async () => {
    const ids = await start(300);
    const killed = await runKilledAfterFirstBatch(e);
    expect(killed).toBe('SIGKILL');
    // The killed run's batch was applied (the fake answered it); its commit never happened.
    const applied = e.sb.propstreet.allContacts().length;
    expect(applied).toBeGreaterThanOrEqual(100);
    const again = await e.run();
    // What the killed run made comes back in the Propstreet delta and is linked by its ref;
    // the rest is created (were it upserted again, the batch's ref key would update it).
    const { done } = again.connections[0]!.result;
    expect(done.link).toBe(applied);
    expect(done.create.propstreet).toBe(300 - applied);
    expect(again.connections[0]!.result.failures).toEqual([]);
    arrivedOnce(e, ids);
  }, 300_000);
});

/** `propsync run` as a child process, SIGKILLed the moment the fake answers its first batch call. */
function runKilledAfterFirstBatch(e: E2E): Promise<NodeJS.Signals | null> {
  const [command, argv] = cliCommand(['run', e.config.file, '--json']);
  const env: Record<string, string> = { NO_COLOR: '1', ...e.sb.env };
  for (const k of ['PATH', 'HOME']) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  const child = spawn(command, argv, { cwd: REPO_ROOT, env, stdio: 'ignore' });
  const log = e.sb.propstreet.http.requests;
  const push = log.push;
  // The fake logs an answer just before it sends it: the kill lands around the answer.
  log.push = (...entries: RequestLogEntry[]) => {
    const n = push.apply(log, entries);
    if (entries.some((r) => r.path === BATCH_UPSERT_PATH)) child.kill('SIGKILL');
    return n;
  };
  const deadline = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      clearTimeout(deadline);
      log.push = push;
      resolve(signal);
    });
  });
}
