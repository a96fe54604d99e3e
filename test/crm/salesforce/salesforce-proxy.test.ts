import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { proxyFor } from '../../../src/crm/salesforce/index.js';

const CLOSED_PROXY = 'http://127.0.0.1:9';

describe('Salesforce adapter behind proxy variables', () => {
  it('talks to a loopback org directly although http_proxy and HTTPS_PROXY are set', async () => {
    const child = fileURLToPath(new URL('./proxy-child.ts', import.meta.url));
    const env: NodeJS.ProcessEnv = { ...process.env, http_proxy: CLOSED_PROXY, HTTPS_PROXY: CLOSED_PROXY };
    for (const name of ['https_proxy', 'HTTP_PROXY', 'NO_PROXY', 'no_proxy']) delete env[name];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', child], { env, timeout: 120_000 }, (error, out, err) =>
        error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
      ),
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    // The variables really are in effect for plain jsforce…
    expect(result.raw).toBe('ECONNREFUSED');
    // …and the adapter goes around them, without a single retry.
    expect(result).toMatchObject({ check: true, upsert: true, changes: 1, retries: 0 });
  });

  it('chooses the proxy per URL: none for loopback or NO_PROXY hosts', () => {
    const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'internal.example,.corp.test:8443' };
    expect(proxyFor('http://127.0.0.1:4000/services/data', env)).toBeUndefined();
    expect(proxyFor('http://localhost:4000/x', env)).toBeUndefined();
    expect(proxyFor('http://[::1]:4000/x', env)).toBeUndefined();
    expect(proxyFor('https://api.internal.example/x', env)).toBeUndefined();
    expect(proxyFor('https://a.corp.test:8443/x', env)).toBeUndefined();
    expect(proxyFor('https://a.corp.test/x', env)).toBe('http://proxy:3128');
    expect(proxyFor('https://acme.my.salesforce.com/x', env)).toBe('http://proxy:3128');
    expect(
      proxyFor('https://acme.my.salesforce.com/x', { NO_PROXY: '*', http_proxy: 'http://p' }),
    ).toBeUndefined();
    expect(proxyFor('https://acme.my.salesforce.com/x', {})).toBeUndefined();
  });
});
