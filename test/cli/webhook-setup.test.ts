/**
 * `propsync validate --check [--setup]` and the tenant's Propstreet webhook subscription, in
 * process against the Propstreet fake's `/api/v1/webhooks`: reported when missing, wrong or
 * disabled; created or repaired with --setup; the secret sealed into the state store (never
 * printed) and used by `serve`, or printed once when no PROPSYNC_STATE_KEY can seal it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { type RunningServe, startServe } from '../../src/serve/start-serve.js';
import { type CliSandbox, startCliSandbox } from './cli-sandbox.js';
import { describeRun } from './run-cli.js';

const redactor = new Redactor();

const PUBLIC = 'https://sync.example.com';
const STATE_KEY = randomBytes(32).toString('hex');

interface ApiWebhook {
  id: string;
  url: string;
  events: string[];
  is_active: boolean;
  secret?: string;
}

describe('validate --check --setup: the Propstreet webhook subscription', () => {
  let f: CliSandbox;
  let acme: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${f.sb.propstreet.url}/api/v1/webhooks${path}`, {
      method,
      headers: { authorization: `Bearer ${f.sb.propstreet.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const list = async () => ((await api('GET', '')).body as { data: ApiWebhook[] }).data;
  const acmeHooks = async () => (await list()).filter((w) => w.url === `${PUBLIC}/webhooks/acme/propstreet`);

  beforeAll(async () => {
    f = await startCliSandbox({ salesforce: false });
    f.addSecret(STATE_KEY);
    acme = f.tenant({ tenant: 'acme', connection: { objects: ['companies', 'contacts'] } });
  });
  afterAll(async () => f?.close());

  it('without a public URL the subscription is not checked; with one, a missing one fails --check and nothing is created', async () => {
    const unknown = await f.cli(['validate', acme, '--check']);
    expect(unknown.code, describeRun(unknown)).toBe(0);
    expect(unknown.stdout).toMatch(/^ok {3}propstreet: webhook: not checked: no PROPSYNC_PUBLIC_URL/m);

    const missing = await f.cli(['validate', acme, '--check', '--json'], {
      env: { PROPSYNC_PUBLIC_URL: PUBLIC },
    });
    expect(missing.code, describeRun(missing)).toBe(3);
    const json = missing.json<{ checks: { name: string; ok: boolean; message: string }[] }>();
    const hook = json.checks.find((c) => c.name === 'propstreet: webhook');
    expect(hook?.ok).toBe(false);
    expect(hook?.message).toContain('no subscription for https://sync.example.com/webhooks/acme/propstreet');
    expect(await list()).toEqual([]);
  });

  it('--setup creates it with the events the tenant syncs and seals the secret; serve verifies deliveries with it', async () => {
    const env = { PROPSYNC_PUBLIC_URL: PUBLIC, PROPSYNC_STATE_KEY: STATE_KEY };
    const setup = await f.cli(['validate', acme, '--check', '--setup'], { env });
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stdout).toMatch(
      /^ok {3}propstreet: webhook: created subscription \d+ .*sealed in the state store/m,
    );
    expect(setup.stdout + setup.stderr).not.toContain('whsec_');
    const [hook] = await acmeHooks();
    expect(hook?.events.sort()).toEqual([
      'company.created',
      'company.deleted',
      'company.updated',
      'contact.created',
      'contact.deleted',
      'contact.updated',
    ]);
    expect(hook?.is_active).toBe(true);

    const again = await f.cli(['validate', acme, '--check'], { env });
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toMatch(
      /^ok {3}propstreet: webhook: subscription \d+ .*active; secret sealed in the state store/m,
    );
    expect(await acmeHooks()).toHaveLength(1);

    // serve finds the sealed secret (no variable set); the fake's test delivery is signed with the real one.
    const config = await loadTenantConfig(acme, { env: f.sb.env, redactor });
    let serve: RunningServe | undefined;
    try {
      serve = await startServe({
        redactor,
        configs: [config],
        port: 0,
        host: '127.0.0.1',
        env: { ...f.sb.env, PROPSYNC_STATE_KEY: STATE_KEY },
        logger: silentLogger,
        run: async () => ({ kind: 'done', results: [] }),
      });
      expect(serve.endpoints.map((e) => e.path)).toEqual(['/webhooks/acme/propstreet']);
      // The subscription points at the public URL; point it at this serve for the test delivery.
      const local = `${serve.url}/webhooks/acme/propstreet`;
      expect((await api('PATCH', `/${hook?.id}`, { url: local })).status).toBe(200);
      const test = await api('POST', `/${hook?.id}/test`, { event_type: 'contact.updated' });
      expect(test.body).toMatchObject({ success: true, status_code: 200, error: null });
      expect((await api('PATCH', `/${hook?.id}`, { url: `${PUBLIC}/webhooks/acme/propstreet` })).status).toBe(
        200,
      );
    } finally {
      await serve?.stop({ timeoutMs: 10_000 });
    }
  });

  it('missing events or a disabled subscription fail --check; --setup updates and re-enables it', async () => {
    const env = { PROPSYNC_PUBLIC_URL: PUBLIC, PROPSYNC_STATE_KEY: STATE_KEY };
    const [hook] = await acmeHooks();
    await api('PATCH', `/${hook?.id}`, { events: ['contact.created', 'contact.updated'], is_active: false });

    const check = await f.cli(['validate', acme, '--check'], { env });
    expect(check.code, describeRun(check)).toBe(3);
    expect(check.stdout).toMatch(
      /^FAIL propstreet: webhook: .*missing events contact\.deleted, company\.created/m,
    );
    expect(check.stdout).toContain('disabled');
    expect((await acmeHooks())[0]?.is_active).toBe(false);

    const setup = await f.cli(['validate', acme, '--check', '--setup'], { env });
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stdout).toMatch(
      /^ok {3}propstreet: webhook: subscription \d+ .* updated \(was: missing events/m,
    );
    const [fixed] = await acmeHooks();
    expect(fixed?.is_active).toBe(true);
    expect(fixed?.events).toEqual(expect.arrayContaining(['contact.deleted', 'company.updated']));
  });

  it('without PROPSYNC_STATE_KEY the new secret is printed once on stdout with its variable, and nowhere else', async () => {
    const beta = f.tenant({ tenant: 'beta' });
    const setup = await f.cli(['validate', beta, '--check', '--setup'], {
      env: { PROPSYNC_PUBLIC_URL: PUBLIC },
    });
    expect(setup.code, describeRun(setup)).toBe(0);
    const lines = setup.stdout.split('\n').filter((l) => l.includes('whsec_'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^PROPSYNC_BETA_PROPSTREET_WEBHOOK_SECRET=whsec_[A-Za-z0-9+/=]+$/);
    expect(setup.stderr).not.toContain('whsec_');
    expect(setup.stdout).toContain('PROPSYNC_STATE_KEY is not set');
    // The next check finds the subscription but no secret serve could use, until the variable is set.
    const check = await f.cli(['validate', beta, '--check'], { env: { PROPSYNC_PUBLIC_URL: PUBLIC } });
    expect(check.code).toBe(3);
    expect(check.stdout).toMatch(
      /FAIL propstreet: webhook: .*no secret for it: set PROPSYNC_BETA_PROPSTREET_WEBHOOK_SECRET/,
    );
    const secret = lines[0]?.split('=').slice(1).join('=') ?? '';
    const withVar = await f.cli(['validate', beta, '--check'], {
      env: { PROPSYNC_PUBLIC_URL: PUBLIC, PROPSYNC_BETA_PROPSTREET_WEBHOOK_SECRET: secret },
    });
    expect(withVar.code, describeRun(withVar)).toBe(0);
    expect(withVar.stdout).toContain('secret from PROPSYNC_BETA_PROPSTREET_WEBHOOK_SECRET');
    expect(withVar.stdout).not.toContain(secret);
  });
});
