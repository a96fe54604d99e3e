// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
/**
 * The install's own variables share the `PROPSYNC_` namespace with the tenants', and a tenant
 * reads the variables its id names (`PROPSYNC_<TENANT>_…`). Tenant `state` therefore read
 * `PROPSYNC_STATE_KEY`, tenant `database` the state database URL in any secret field, tenant
 * `hubspot-app` the public app's secret — and a run sent it as a token to whatever host the
 * file named. No tenant file reads an install variable now, whatever its id.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantConfigs } from '../../src/config/load-tenant-configs.js';
import { Redactor } from '../../src/core/redact.js';
import { runCli } from '../cli/run-cli.js';

const INSTALL = {
  PROPSYNC_STATE_KEY: Buffer.alloc(32, 7).toString('base64'),
  PROPSYNC_DATABASE_URL: 'postgres://propsync:install-db-password-0123@db.internal:5432/propsync',
  PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET: 'hubspot-public-app-client-secret-0123456789',
  PROPSYNC_PUBLIC_URL: 'https://sync.example.com',
};

const dir = mkdtempSync(join(tmpdir(), 'propsync-install-vars-'));
let server: Server;
let origin = '';
const sent: string[] = [];

beforeAll(async () => {
  // The tenant file's author's own host: it records what a run sends it.
  server = createServer((req, res) => {
    sent.push(String(req.headers.authorization ?? ''));
    res.writeHead(401, { 'content-type': 'application/problem+json' });
    res.end('{"title":"Unauthorized","status":401}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

function tenantFile(folder: string, tenant: string, tokenVariable: string): string {
  const prefix = `PROPSYNC_${tenant.toUpperCase().replace(/-/g, '_')}_`;
  const file = join(folder, `${tenant}.yaml`);
  writeFileSync(
    file,
    [
      `tenant: ${tenant}`,
      'propstreet:',
      `  baseUrl: ${origin}`,
      `  token: "\${${tokenVariable}}"`,
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      `    baseUrl: ${origin}`,
      `    accessToken: "\${${prefix}HUBSPOT_ACCESS_TOKEN}"`,
      `state: { sqlite: ./${tenant}.db }`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('the install’s own variables', () => {
  it('are no tenant’s, whatever its id: each file reading one is refused at its line', async () => {
    const folder = mkdtempSync(join(dir, 'folder-'));
    const readers = {
      state: 'PROPSYNC_STATE_KEY',
      database: 'PROPSYNC_DATABASE_URL',
      'hubspot-app': 'PROPSYNC_HUBSPOT_APP_WEBHOOK_SECRET',
      public: 'PROPSYNC_PUBLIC_URL',
    };
    const env: Record<string, string> = { ...INSTALL };
    for (const [tenant, variable] of Object.entries(readers)) {
      tenantFile(folder, tenant, variable);
      env[`PROPSYNC_${tenant.toUpperCase().replace(/-/g, '_')}_HUBSPOT_ACCESS_TOKEN`] =
        `pat-${tenant}-0123456789`;
    }
    const loaded = await loadTenantConfigs(folder, { redactor: new Redactor(), env });
    expect(loaded.configs.map((c) => c.tenant)).toEqual([]);
    for (const [tenant, variable] of Object.entries(readers)) {
      const error = loaded.errors.find((e) => e.file.endsWith(`${tenant}.yaml`));
      expect(error?.message).toContain(`${tenant}.yaml:4:`);
      expect(error?.message).toContain(`not the install's own ${variable}`);
    }
  });

  it('a run of tenant state exits 2 and sends the state key nowhere', async () => {
    const file = tenantFile(dir, 'state', 'PROPSYNC_STATE_KEY');
    sent.length = 0;
    const r = await runCli(['run', file, '--json'], {
      env: {
        PROPSYNC_STATE_KEY: INSTALL.PROPSYNC_STATE_KEY,
        PROPSYNC_STATE_HUBSPOT_ACCESS_TOKEN: 'pat-state-0123456789',
      },
    });
    expect({ code: r.code, sent }).toEqual({ code: 2, sent: [] });
    expect(r.stderr).toContain('PROPSYNC_STATE_KEY');
    expect(r.stderr).not.toContain(INSTALL.PROPSYNC_STATE_KEY);
  });
});
