// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
/**
 * A connection's `links` block: how often the links phase re-reads every contact
 * (`fullScanEvery`) and its mass-removal guard (`deletes`, defaulting to the connection's).
 * Mistakes are refused at file:line:col like every other config problem.
 */
import { describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { ValidationError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

const redactor = new Redactor();

const ENV = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-0123456789',
  PROPSYNC_ACME_HUBSPOT_TOKEN: 'pat-na1-0123456789',
};
const HEAD = [
  'tenant: acme',
  'propstreet:',
  '  token: "${PROPSYNC_ACME_PROPSTREET_TOKEN}"',
  'connections:',
  '  - name: hubspot',
  '    type: hubspot',
  '    accessToken: "${PROPSYNC_ACME_HUBSPOT_TOKEN}"',
];
const LINKED = '    objects: [companies, contacts, links]';

async function load(text: string) {
  const dir = await testdir({ 'tenant.yaml': text });
  return loadTenantConfig('tenant.yaml', { env: ENV, cwd: dir, redactor });
}

async function problems(text: string): Promise<string> {
  const error = await load(text).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
}

describe('links: the links phase settings', () => {
  it('no links in objects: no links settings', async () => {
    const config = await load(yamlLines(...HEAD));
    expect(config.connections[0]?.links).toBeUndefined();
  });

  it('with links and no block: no periodic full scan, the connection’s guard limits and window', async () => {
    const config = await load(
      yamlLines(...HEAD, LINKED, '    deletes: { maxShare: 0.2, maxCount: 50, window: 30m }'),
    );
    expect(config.connections[0]?.links).toEqual({
      fullScanEveryMs: undefined,
      maxShare: 0.2,
      maxCount: 50,
      windowMs: 1_800_000,
    });
  });

  it('fullScanEvery as a duration; its own guard limits (the window the connection’s default, 24h, or its own)', async () => {
    const config = await load(
      yamlLines(...HEAD, LINKED, '    links:', '      fullScanEvery: 24h', '      deletes: { maxCount: 20 }'),
    );
    expect(config.connections[0]?.links).toEqual({
      fullScanEveryMs: 86_400_000,
      maxShare: 0.1,
      maxCount: 20,
      windowMs: 86_400_000,
    });
    const off = await load(yamlLines(...HEAD, LINKED, '    links:', '      deletes: { window: 0h }'));
    expect(off.connections[0]?.links?.windowMs).toBe(0);
  });

  it('0h turns the periodic full scan off', async () => {
    const config = await load(yamlLines(...HEAD, LINKED, '    links: { fullScanEvery: 0h }'));
    expect(config.connections[0]?.links?.fullScanEveryMs).toBeUndefined();
  });
});

describe('links: mistakes, at their line', () => {
  it('a duration without a unit', async () => {
    expect(await problems(yamlLines(...HEAD, LINKED, '    links:', '      fullScanEvery: 24'))).toBe(
      'tenant.yaml:10:22 connections[0].links.fullScanEvery: expected a duration like "24h" (s, m, h or d), got 24 (quote it)',
    );
  });

  it('a share out of range, and an unknown key', async () => {
    const text = yamlLines(
      ...HEAD,
      LINKED,
      '    links:',
      '      deletes: { maxShare: 2 }',
      '      fullscan: true',
    );
    expect(await problems(text)).toBe(
      [
        'tenant.yaml:10:28 connections[0].links.deletes.maxShare: expected a share in (0, 1], got 2',
        'tenant.yaml:11:7 connections[0].links.fullscan: expected one of fullScanEvery, deletes, got unknown key "fullscan"',
      ].join('\n'),
    );
  });

  it('a links block on a connection that does not sync links', async () => {
    expect(await problems(yamlLines(...HEAD, '    links: { fullScanEvery: 24h }'))).toBe(
      'tenant.yaml:8:5 connections[0].links: expected links in objects to configure it, got a links block while the connection does not sync links',
    );
  });
});
