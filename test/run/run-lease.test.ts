/**
 * A run on its own store (`propsync run`, `propsync schedule`) holds its locks as leases,
 * renewed while it lives. Before 12-04 they were plain one-hour TTLs: a first sync running
 * for hours lost its lock after the first, and the next hourly `propsync run` went in beside
 * it. Here the lease is 1.5 s and the run is held mid-way until the lock has been renewed past
 * it twice (a condition, not a sleep); meanwhile another process cannot take the lock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { openTenantStore } from '../../src/app/open-store.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { tenantLockScope } from '../../src/run/tenant-lock.js';
import type { Scope, StateStore } from '../../src/state/port.js';

const redactor = new Redactor();
// A lease renewed every 1.5 s keeps 3 s in hand after a renewal: a busy machine stalling the test a second is no takeover.
const LEASE_MS = 4_500;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tenant(connections: ('hubspot' | 'salesforce')[]) {
  const sb: Sandbox = await startSandbox({ salesforce: connections.includes('salesforce') });
  sb.propstreet.setRateLimit(600_000);
  sb.propstreet.generate(30);
  const dir = mkdtempSync(join(tmpdir(), 'propsync-run-lease-'));
  cleanups.push(async () => {
    await sb.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = sb.writeTenant(dir, { tenant: 'acme', connections });
  const config = await loadTenantConfig(file, { redactor, env: sb.env, cwd: dir });
  // Another process's view of the same state file.
  const other = await openTenantStore(config);
  cleanups.push(() => other.close());
  return { config, other };
}

/** Resolves once `scope`'s lock has been renewed `times` times past the expiry it had first. */
async function renewed(store: StateStore, scope: Scope, times: number): Promise<string> {
  const first = await store.lockHolder(scope);
  if (!first) throw new Error(`no lock on ${scope.connection}/${scope.kind}`);
  const target = Date.parse(first.expiresAt) + times * (LEASE_MS / 3);
  for (;;) {
    const now = await store.lockHolder(scope);
    if (now && now.owner !== first.owner) throw new Error('the lock changed hands');
    if (now && Date.parse(now.expiresAt) >= target) return now.owner;
    // Generous: a renewal is due every LEASE_MS / 3; none in 20 s is none at all.
    if (Date.now() > target + 20_000) throw new Error(`the lock on ${scope.connection} was not renewed`);
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
  }
}

/** A real run on its own store with a short lease, held at its first planned chunk by `hold`. */
async function runHeld(config: TenantConfig, hold: () => Promise<void>) {
  let held = false;
  const run = await syncTenant(config, {
    redactor,
    dryRun: false,
    logger: silentLogger,
    lockLeaseMs: LEASE_MS,
    onPlanChunk: async () => {
      if (held) return;
      held = true;
      await hold();
    },
  });
  expect(held, 'the run was held').toBe(true);
  return run;
}

describe('a run on its own store leases its locks', () => {
  it('keeps its run lock past the lease while it lives, and frees it when it ends', async () => {
    const { config, other } = await tenant(['hubspot']);
    const scope: Scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
    const run = await runHeld(config, async () => {
      // The first expiry is a lease's, not an hour's.
      const held = await other.lockHolder(scope);
      expect(Date.parse(held?.expiresAt ?? '') - Date.now()).toBeLessThanOrEqual(LEASE_MS);
      // Past the first expiry twice over: only renewals keep it, and nobody else gets it.
      const owner = await renewed(other, scope, 2 * 3 + 1);
      expect(Date.now()).toBeGreaterThan(Date.parse(held?.expiresAt ?? ''));
      expect(await other.acquireLock(scope, 'another-process', 60_000)).toBe(false);
      expect((await other.lockHolder(scope))?.owner).toBe(owner);
    });
    expect(run.connections.map((c) => c.result.status)).toEqual(['ok']);
    expect(await other.lockHolder(scope)).toBeNull();
  }, 120_000);

  it("a bridge's tenant lock is leased too", async () => {
    const { config, other } = await tenant(['hubspot', 'salesforce']);
    const scope = tenantLockScope('acme');
    await runHeld(config, async () => {
      await renewed(other, scope, 2 * 3 + 1);
      expect(await other.acquireLock(scope, 'another-process', 60_000)).toBe(false);
    });
    expect(await other.lockHolder(scope)).toBeNull();
  }, 120_000);
});
