/**
 * The engine's progress events on a real run against the fakes, as the CLI's progress line
 * and log read them: records read while pulling (not 0 until the pull ends), links checked
 * of the links there are while reconciling, ref write-backs queued and done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import type { RunProgress } from '../../src/run/run-connection.js';
import { seedPropstreet } from '../e2e/support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const CONTACTS = 40;
const dir = mkdtempSync(join(tmpdir(), 'propsync-progress-'));
let sb: Sandbox;
let config: TenantConfig;

beforeAll(async () => {
  sb = await startSandbox({ salesforce: false });
  seedPropstreet(sb, 0, CONTACTS);
  config = await loadTenantConfig(sb.writeTenant(dir, { tenant: 'acme', connection: { chunkSize: 10 } }), {
    redactor,
    env: sb.env,
    cwd: dir,
  });
}, 60_000);
afterAll(async () => {
  await sb?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function events(options: { reconcile?: boolean } = {}): Promise<RunProgress[]> {
  const seen: RunProgress[] = [];
  await syncTenant(config, {
    redactor,
    dryRun: false,
    ...(options.reconcile ? { reconcile: true } : {}),
    logger: silentLogger,
    onProgress: (_, p) => seen.push(p),
  });
  return seen;
}

describe('progress events of a run', () => {
  it('a first sync: records read while pulling, then plan and write per chunk, the ref write-backs counted', async () => {
    const seen = await events();
    const pulls = seen.filter((p) => p.phase === 'pull');
    expect(pulls.length).toBeGreaterThan(0);
    expect(pulls.at(-1)?.pulled).toBe(CONTACTS);
    // A chunk of 10 at a time (ref write-backs ending in between repeat the current count).
    expect([...new Set(seen.filter((p) => p.phase === 'plan').map((p) => p.planned))]).toEqual([
      10, 20, 30, 40,
    ]);
    expect(seen.some((p) => p.phase === 'write')).toBe(true);
    // Every contact created in HubSpot gets its ref written back to Propstreet.
    const last = seen.at(-1);
    expect(last?.phase).toBe('done');
    expect(last?.refs).toEqual({ queued: CONTACTS, done: CONTACTS });
    for (const p of seen) if (p.refs) expect(p.refs.done).toBeLessThanOrEqual(p.refs.queued);
  });

  it('--reconcile: links checked by id of the links there are', async () => {
    const seen = await events({ reconcile: true });
    const checks = seen.filter((p) => p.phase === 'reconcile');
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.at(-1)?.reconcile).toEqual({ checked: CONTACTS, total: CONTACTS });
    // Done reconciling, the count is no longer reported.
    expect(seen.at(-1)?.reconcile).toBeUndefined();
  });
});
