/**
 * `propsync serve` as a process: it listens, runs on webhooks, and after a SIGKILL and a
 * restart a retried delivery is still a duplicate while new events run as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { spawnCli } from '../cli/cli-process.js';
import { type Child, startCliProcess, waitFor } from '../worker/support.js';
import { newWhsec, propstreetHeaders } from './support.js';

describe('propsync serve (process)', () => {
  let sb: Sandbox;
  let dir: string;
  let file: string;
  const secret = newWhsec();
  const children: Child[] = [];

  beforeAll(async () => {
    sb = await startSandbox({ salesforce: false });
    sb.propstreet.setRateLimit(6000);
    sb.propstreet.generate(2);
    dir = mkdtempSync(join(tmpdir(), 'propsync-serve-cli-'));
    file = sb.writeTenant(dir, { tenant: 'acme', connections: ['hubspot'] });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await sb?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ ...sb.env, PROPSYNC_ACME_HUBSPOT_PROPSTREET_WEBHOOK_SECRET: secret });

  async function start(): Promise<{ child: Child; url: string }> {
    const child = startCliProcess(
      ['serve', file, '--port', '0', '--host', '127.0.0.1', '--debounce', '0.05', '--lock-ttl', '2'],
      env(),
    );
    children.push(child);
    const url = await waitFor(
      'serve to listen',
      () => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(child.output())?.[1],
    );
    return { child, url };
  }

  const deliver = (url: string, id: string) => {
    const body = JSON.stringify({ type: 'contact.updated', data: { id } });
    return fetch(`${url}/webhooks/acme/hubspot/propstreet`, {
      method: 'POST',
      headers: propstreetHeaders(secret, id, new Date(), body),
      body,
    });
  };
  const metrics = async (url: string) => (await fetch(`${url}/metrics`)).text();

  it('runs on a webhook, survives SIGKILL with its dedup memory, and runs on new events after', async () => {
    const first = await start();
    expect((await deliver(first.url, 'msg_A')).status).toBe(200);
    await waitFor('contacts in HubSpot', () => (sb.hubspot?.control.dump().length ?? 0) === 2);

    first.child.kill('SIGKILL');
    expect((await first.child.exited).signal).toBe('SIGKILL');

    const second = await start();
    // Propstreet retries msg_A (it never saw our answer, say): a duplicate, no run.
    expect((await deliver(second.url, 'msg_A')).status).toBe(200);
    const text = await waitFor('the duplicate to be counted', async () => {
      const t = await metrics(second.url);
      return t.includes('propsync_webhook_deliveries_total{source="propstreet",outcome="duplicate"} 1') && t;
    });
    expect(text).not.toContain('propsync_serve_dispatches_total{');

    const [contact] = sb.propstreet.allContacts();
    if (!contact) throw new Error('no contact');
    sb.propstreet.editAsUser(contact.id, { lastName: 'Afterrestart' });
    expect((await deliver(second.url, 'msg_B')).status).toBe(200);
    await waitFor(
      'the edit in HubSpot',
      () =>
        sb.hubspot?.control.dump().find((c) => c.properties.propstreet_id === contact.id)?.properties
          .lastname === 'Afterrestart',
    );

    second.child.kill('SIGTERM');
    expect((await second.child.exited).code).toBe(0);
    expect(second.child.output()).toContain('serve stopped');
  });

  it('refuses to start without any webhook secret, naming the variables', async () => {
    const res = await spawnCli(['serve', file, '--port', '0', '--stop-after', '1'], { env: sb.env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('no webhook secret is set');
    expect(res.stderr).toContain('PROPSYNC_<TENANT>_<CONNECTION>_PROPSTREET_WEBHOOK_SECRET');
  });
});
