/**
 * The app-wide HubSpot endpoint (`POST /webhooks/hubspot`) routes by portalId through the
 * portal directory. Before 12-04 a portal's answer, once known (bound to one connection), was
 * kept for good: a second tenant bound to the same portal later (its first run after `serve`
 * started; "several tenants may share one portal") never got that portal's events, so its
 * association changes were never marked and its links phase never carried them (only a full
 * association scan would). Now the directory reads the bindings again after its interval (10 s;
 * here `serve`'s clock is moved on instead of waiting).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { type Clock, systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import type { ConnectionScope } from '../../src/state/port.js';
import { associateWithAnotherCompany, startTestServe } from './support.js';

const redactor = new Redactor();
const APP_SECRET = 'public-app-client-secret';
const HOUR = 3_600_000;

describe('a tenant bound to a HubSpot portal whose events serve already routes', () => {
  let sb: Sandbox;
  let dir: string;
  let serve: RunningServe;
  let acme: TenantConfig;
  let beta: TenantConfig;
  /** serve's clock, moved on past the directory's refresh interval instead of waiting it out. */
  let ahead = 0;
  const clock: Clock = { now: () => new Date(Date.now() + ahead), sleep: systemClock.sleep };
  const ran: ConnectionScope[] = [];
  const hs = () => {
    if (!sb.hubspot) throw new Error('no HubSpot fake');
    return sb.hubspot;
  };
  const run = (config: TenantConfig) => syncTenant(config, { redactor, dryRun: false, logger: silentLogger });

  /** serve for both tenants, subscribed as the public app's target URL. */
  const startHere = async () => {
    const started = await startTestServe({
      clock,
      redactor,
      configs: [acme, beta],
      env: { ...sb.env, PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET: APP_SECRET },
      // Runs recorded, not made: what matters is who is asked to run and what serve marks.
      run: async (scope) => {
        ran.push(scope);
        return { kind: 'done', results: [] };
      },
    });
    hs().webhooks.subscribe({ url: `${started.url}/webhooks/hubspot`, secrets: [APP_SECRET] });
    return started;
  };

  beforeAll(async () => {
    sb = await startSandbox({ salesforce: false });
    sb.propstreet.setRateLimit(600_000);
    sb.propstreet.generate(6, { companies: 3 });
    dir = mkdtempSync(join(tmpdir(), 'propsync-shared-portal-'));
    const objects = { objects: ['companies', 'contacts', 'links'] };
    const acmeFile = sb.writeTenant(dir, { tenant: 'acme', connections: ['hubspot'], connection: objects });
    const betaFile = sb.writeTenant(dir, { tenant: 'beta', connections: ['hubspot'], connection: objects });
    const env = { ...sb.env, PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET: APP_SECRET };
    acme = await loadTenantConfig(acmeFile, { redactor, env, cwd: dir });
    beta = await loadTenantConfig(betaFile, { redactor, env, cwd: dir });
    // acme's first sync, stamped an hour ago in HubSpot: acme is bound to the portal.
    hs().control.setClock(Date.now() - HOUR);
    await run(acme);
    await run(acme);
    hs().control.setClock(null);
    serve = await startHere();
  }, 120_000);
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 30_000 });
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("beta's association edit reaches beta's Propstreet after beta is bound to the same portal", async () => {
    // A first event of the portal: the directory learns portal → [acme].
    const [first] = hs().control.dump();
    hs().control.editAsUser(first?.id ?? '', { lastname: 'First event' });
    await hs().webhooks.idle();
    await vi.waitFor(() => expect(ran.some((s) => s.tenant === 'acme')).toBe(true), { timeout: 15_000 });
    await serve.trigger.idle();

    // beta's first run (after serve started, as a scheduled one would): beta is bound to the portal.
    hs().control.setClock(Date.now() - HOUR);
    await run(beta);
    await run(beta);
    hs().control.setClock(null);

    // A user associates contact x with a company it is not at: HubSpot fires associationChange.
    const before = ran.length;
    ahead += 11_000;
    const { contact: x, company } = associateWithAnotherCompany(hs(), 2);
    await hs().webhooks.idle();
    // Both asked for (acme's request comes first, beta's store opened on its first use after it):
    // waiting for any one run could let `idle` end before beta's request and mark exist.
    await vi.waitFor(
      () =>
        expect(ran.slice(before).map((s) => `${s.tenant}/${s.connection}`)).toEqual(
          expect.arrayContaining(['acme/hubspot', 'beta/hubspot']),
        ),
      { timeout: 15_000 },
    );
    await serve.trigger.idle();

    // beta's next run (no full scan) should carry the association to Propstreet.
    await run(beta);
    const ps = sb.propstreet.contact(x.properties.propstreet_id ?? '');
    expect(
      ran.slice(before).map((s) => `${s.tenant}/${s.connection}`),
      'both connections bound to the portal are asked to run',
    ).toEqual(expect.arrayContaining(['acme/hubspot', 'beta/hubspot']));
    expect(
      ps?.companies.map((k) => k.id),
      "beta's Propstreet holds the new employment",
    ).toContain(company.propstreetId);
  }, 120_000);

  it('control: a serve started after beta was bound (fresh directory) does carry the same kind of edit', async () => {
    await serve.stop({ timeoutMs: 30_000 });
    hs().webhooks.unsubscribe();
    serve = await startHere();
    const before = ran.length;
    const { contact: y, company } = associateWithAnotherCompany(hs(), 3);
    await hs().webhooks.idle();
    await vi.waitFor(() => expect(ran.length).toBeGreaterThan(before), { timeout: 15_000 });
    await serve.trigger.idle();
    await run(beta);
    expect(ran.slice(before).map((s) => `${s.tenant}/${s.connection}`)).toContain('beta/hubspot');
    expect(sb.propstreet.contact(y.properties.propstreet_id ?? '')?.companies.map((k) => k.id)).toContain(
      company.propstreetId,
    );
  }, 120_000);
});
