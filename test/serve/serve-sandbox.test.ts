/**
 * `serve` end to end on the HTTP fakes, in this process: signed webhooks in, the real run
 * (the worker's job body: tenant file → syncTenant for that one connection) out, the change
 * on the other side. Only the webhooks are sent by the test; everything after is the product.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { Redactor } from '../../src/core/redact.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { hubspotHeaders, newWhsec, propstreetHeaders, settledDispatches, startTestServe } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('serve on the fakes (in process)', () => {
  let sb: Sandbox;
  let dir: string;
  let serve: RunningServe;
  const { settled, observe, ended: dispatchesEnded } = settledDispatches();
  const psSecret = newWhsec();
  const hsSecret = 'hubspot-app-client-secret';

  beforeAll(async () => {
    sb = await startSandbox({ salesforce: false });
    sb.propstreet.setRateLimit(6000);
    sb.propstreet.generate(3);
    dir = mkdtempSync(join(tmpdir(), 'propsync-serve-e2e-'));
    const file = sb.writeTenant(dir, { tenant: 'acme', connections: ['hubspot'] });
    const env = {
      ...sb.env,
      PROPSYNC_ACME_PROPSTREET_WEBHOOK_SECRET: psSecret,
      PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: hsSecret,
    };
    const loadConfig = (f: string) => loadTenantConfig(f, { redactor, env, cwd: dir });
    serve = await startTestServe({
      redactor,
      configs: [await loadConfig(file)],
      env,
      loadConfig,
      observe,
    });
  });
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sendPropstreet = (id: string) => {
    const body = JSON.stringify({ type: 'contact.updated', data: { id } });
    return fetch(`${serve.url}/webhooks/acme/propstreet`, {
      method: 'POST',
      headers: propstreetHeaders(psSecret, `msg_${id}_${settled.length}`, new Date(), body),
      body,
    });
  };

  it('a Propstreet webhook runs the connection: contacts reach HubSpot', async () => {
    expect((await sendPropstreet('first')).status).toBe(200);
    await dispatchesEnded(1);
    expect(settled.map((e) => e.type === 'settled' && e.outcome)).toEqual(['ran']);
    const emails = sb.hubspot?.control.dump().map((c) => c.properties.email) ?? [];
    expect(emails).toHaveLength(3);
  });

  it('a Propstreet edit and its webhook: the edit is in HubSpot after one run', async () => {
    const [contact] = sb.propstreet.allContacts();
    if (!contact) throw new Error('no contact');
    sb.propstreet.editAsUser(contact.id, { firstName: 'Webhooked' });
    expect((await sendPropstreet(contact.id)).status).toBe(200);
    await dispatchesEnded(2);
    const record = sb.hubspot?.control.dump().find((c) => c.properties.propstreet_id === contact.id);
    expect(record?.properties.firstname).toBe('Webhooked');
  });

  it('a HubSpot edit and its signed batch: the edit is in Propstreet after one run', async () => {
    const record = sb.hubspot?.control.dump()[1];
    if (!record) throw new Error('no record');
    sb.hubspot?.control.editAsUser(record.id, { lastname: 'Fromhubspot' });
    const body = JSON.stringify([
      {
        eventId: 1,
        subscriptionId: 5,
        portalId: sb.hubspot?.portalId,
        objectId: Number(record.id),
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        propertyName: 'lastname',
        attemptNumber: 0,
      },
    ]);
    // No --public-url here: the signed URI is what this server sees, http://<Host>/path.
    const path = '/webhooks/acme/hubspot/hubspot';
    const res = await fetch(`${serve.url}${path}`, {
      method: 'POST',
      headers: hubspotHeaders(hsSecret, `${serve.url}${path}`, new Date(), body),
      body,
    });
    expect(res.status).toBe(200);
    await dispatchesEnded(3);
    expect(sb.propstreet.contact(record.properties.propstreet_id ?? '')?.lastName).toBe('Fromhubspot');
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toContain(
      'propsync_serve_dispatches_total{tenant="acme",connection="hubspot",outcome="ran"} 3',
    );
    expect(metrics).toMatch(/propsync_event_to_synced_seconds_count 3/);
  });
});
