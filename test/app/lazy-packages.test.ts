/**
 * Packages only some processes need load when first used: a run or `serve` of tenants on the
 * embedded SQLite store holds neither the PostgreSQL driver, nor pg-boss, nor a CRM's SDK
 * until a connection of that CRM opens (jsforce ≈ 17 MB of resident memory, the HubSpot SDK ≈ 4;
 * README "Performance"). Checked in a fresh process, which lists the packages node loaded.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** The packages loaded after importing `modules` (repo paths) and running `then`. */
async function packagesAfter(modules: readonly string[], then = ''): Promise<string[]> {
  const code = `
    const { createRequire } = await import('node:module');
    const loaded = {};
    for (const m of ${JSON.stringify(modules)}) Object.assign(loaded, await import(${JSON.stringify(REPO)} + m));
    ${then}
    const names = Object.keys(createRequire(${JSON.stringify(REPO)}).cache)
      .map((k) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(k)?.[1])
      .filter((n) => n !== undefined);
    console.log(JSON.stringify([...new Set(names)].sort()));
  `;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', code],
      { cwd: REPO, timeout: 120_000 },
      (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
    ),
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

describe('packages loaded on demand', () => {
  it('a run, a job and serve load no PostgreSQL driver, pg-boss or CRM SDK until they need one', async () => {
    const loaded = await packagesAfter([
      'src/app/sync-tenant.ts',
      'src/worker/sync-job.ts',
      'src/serve/start-serve.ts',
    ]);
    // The listing sees CommonJS packages loaded through ESM imports: the SQLite driver is one.
    expect(loaded).toContain('better-sqlite3');
    expect(loaded).not.toContain('pg');
    expect(loaded).not.toContain('pg-boss');
    expect(loaded).not.toContain('jsforce');
    expect(loaded).not.toContain('@hubspot/api-client');
  }, 120_000);

  it('the first Salesforce transport loads jsforce', async () => {
    const loaded = await packagesAfter(
      ['src/crm/salesforce/salesforce-transport.ts'],
      'loaded.salesforceTransport(1000);',
    );
    expect(loaded).toContain('jsforce');
    expect(loaded).not.toContain('@hubspot/api-client');
  }, 120_000);

  it('the first HubSpot adapter loads the HubSpot SDK', async () => {
    const loaded = await packagesAfter(
      ['src/crm/hubspot/index.ts', 'src/core/redact.ts'],
      "loaded.createHubSpotAdapter({ accessToken: 'pat-na1-test', basePath: 'http://127.0.0.1:9', properties: [], redactor: new loaded.Redactor() });",
    );
    expect(loaded).toContain('@hubspot/api-client');
    expect(loaded).not.toContain('jsforce');
  }, 120_000);
});
