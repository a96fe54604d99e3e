/**
 * `serve` read the tenant files at start, while each run it makes reads its file as it is now
 * (runSyncJob). Before 12-04 it marked a HubSpot associationChange for the links phase only for
 * connections syncing `links` at start: a tenant that turned `links` on while `serve` ran got
 * links phases from serve's runs, but its association edits were acknowledged, recorded as seen
 * and never marked, so the run they triggered did not carry them (only a full association scan
 * would). Now every HubSpot connection's are marked (src/serve/association-marker.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/index.js';
import { Redactor } from '../../src/core/redact.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { type E2E, startE2E } from '../e2e/support.js';
import { associateWithAnotherCompany, settledDispatches, startTestServe } from './support.js';

const redactor = new Redactor();
const HOUR = 3_600_000;

describe('links turned on in the tenant file while serve runs', () => {
  let e: E2E;
  let serve: RunningServe;
  const { settled, observe, ended } = settledDispatches();
  const hsSecret = 'hubspot-app-client-secret';
  const hs = () => {
    const h = e.sb.hubspot;
    if (!h) throw new Error('no HubSpot fake');
    return h;
  };

  /** serve on the tenant file as it is now; its runs read it again each time. */
  const startHere = async () => {
    const env = { ...e.sb.env, PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: hsSecret };
    const loadConfig = (f: string) => loadTenantConfig(f, { redactor, env, cwd: e.dir });
    return startTestServe({
      redactor,
      configs: [await loadConfig(e.configFile)],
      env,
      loadConfig,
      observe,
    });
  };

  beforeAll(async () => {
    e = await startE2E(
      { salesforce: false },
      { tenant: 'acme', connections: ['hubspot'], connection: { objects: ['companies', 'contacts'] } },
    );
    e.sb.propstreet.setRateLimit(600_000);
    e.sb.propstreet.generate(6, { companies: 3 });
    hs().control.setClock(Date.now() - HOUR);
    await e.run();
    await e.run();
    hs().control.setClock(null);
    serve = await startHere();
    // The operator turns links on (a tenant file edit takes effect at the next run) and runs
    // the first sync of links by hand; serve keeps running.
    await e.reconfigure({
      tenant: 'acme',
      connections: ['hubspot'],
      connection: { objects: ['companies', 'contacts', 'links'] },
    });
    hs().control.setClock(Date.now() - HOUR);
    await e.run();
    await e.run();
    hs().control.setClock(null);
  }, 120_000);
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    await e?.close();
  });

  it('an association edited in HubSpot reaches Propstreet through the run its webhook triggers', async () => {
    hs().webhooks.subscribe({
      url: `${serve.url}/webhooks/acme/hubspot/hubspot`,
      secrets: [hsSecret],
      events: ['contact.associationChange', 'company.associationChange'],
    });
    const { contact: x, company } = associateWithAnotherCompany(hs(), 1);
    await hs().webhooks.idle();
    await ended(1);
    await serve.trigger.idle();
    // serve's run ran the links phase (the file as it is now) ...
    expect(settled.map((s) => s.type === 'settled' && s.outcome)).toEqual(['ran']);
    // ... and carried the association it was told about to Propstreet.
    const ps = e.sb.propstreet.contact(x.properties.propstreet_id ?? '');
    expect(
      ps?.companies.map((k) => k.id),
      'the contact’s new company in Propstreet',
    ).toContain(company.propstreetId);
  }, 120_000);

  it('control: the same edit with a serve restarted after the file edit reaches Propstreet', async () => {
    await serve.stop({ timeoutMs: 60_000 });
    hs().webhooks.unsubscribe();
    const before = settled.length;
    serve = await startHere();
    hs().webhooks.subscribe({
      url: `${serve.url}/webhooks/acme/hubspot/hubspot`,
      secrets: [hsSecret],
      events: ['contact.associationChange', 'company.associationChange'],
    });
    const { contact: y, company } = associateWithAnotherCompany(hs(), 3);
    await hs().webhooks.idle();
    await ended(before + 1);
    await serve.trigger.idle();
    const ps = e.sb.propstreet.contact(y.properties.propstreet_id ?? '');
    expect(ps?.companies.map((k) => k.id)).toContain(company.propstreetId);
  }, 120_000);
});
