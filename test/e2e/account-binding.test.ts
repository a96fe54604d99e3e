/**
 * Regression (RELIABILITY.md, bugs: "state that belongs to another org"): two tenant files
 * with the same `tenant:` and one state file, but two Propstreet organisations; the second
 * run sent DELETEs for the first organisation's contact ids to the second one. A state now
 * records the Propstreet organisation, HubSpot portal and Salesforce org it was first used
 * with, and every run (dry or real) against other accounts is refused before it reads or
 * writes a contact, until `--rebind` moves the state on purpose.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { seedPropstreet, writes } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('a state belongs to the accounts it was first used with', () => {
  let a: Sandbox;
  let other: Sandbox;
  let dir: string;
  let fileA: string;
  let ids: string[];
  const run = (config: TenantConfig, o: { dryRun?: boolean; rebind?: boolean } = {}) =>
    syncTenant(config, {
      redactor,
      dryRun: o.dryRun ?? false,
      rebind: o.rebind ?? false,
      logger: silentLogger,
    });
  const byName = (r: Awaited<ReturnType<typeof run>>) =>
    Object.fromEntries(r.connections.map((c) => [c.result.connection, c.result]));
  /** The tenant file of `a` with one API pointed at the other sandbox's fake. */
  const variant = async (name: string, from: string, to: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, readFileSync(fileA, 'utf8').replace(from, to));
    return loadTenantConfig(file, { redactor, env: a.env, cwd: dir });
  };

  beforeAll(async () => {
    a = await startSandbox();
    other = await startSandbox();
    dir = mkdtempSync(join(tmpdir(), 'propsync-bind-'));
    fileA = a.writeTenant(dir, { tenant: 'acme', connection: { deletes: { fromCrm: 'delete' } } });
    ids = seedPropstreet(a, 0, 6);
    // The other organisation's contacts have the same ids, other people.
    expect(seedPropstreet(other, 100, 6)).toEqual(ids);
    const first = await run(await loadTenantConfig(fileA, { redactor, env: a.env, cwd: dir }));
    expect(first.connections.map((c) => c.result.status)).toEqual(['ok', 'ok']);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.close(), other?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses, dry or real, another Propstreet organisation on the same state, writing nothing', async () => {
    // A user deletes a HubSpot contact: with the first organisation's links, the run would
    // delete the contact of that id in whatever organisation it reaches.
    const first = ids[0]!;
    const inHubSpot = a.hubspot!.control.dump().find((c) => c.properties.propstreet_id === first)!;
    a.hubspot!.control.deleteAsUser(inHubSpot.id);
    const before = writes(a);
    const config = await variant('acme-other-org', a.propstreet.url, other.propstreet.url);
    for (const dryRun of [true, false]) {
      const results = Object.values(byName(await run(config, { dryRun })));
      for (const r of results) {
        expect(r.status).toBe('aborted');
        expect(r.abort?.code).toBe('ACCOUNT_MISMATCH');
        expect(r.abort?.message).toContain(`propstreet-team:${a.propstreet.organisation.teamId}`);
        expect(r.abort?.message).toContain(`propstreet-team:${other.propstreet.organisation.teamId}`);
        expect(r.pulled).toEqual({ propstreet: 0, crm: 0 });
      }
    }
    expect(other.propstreet.apiWriteCount()).toBe(0);
    // It only asked who it is: once per tenant run, shared by both connections.
    expect(other.propstreet.apiRequests().map((r) => r.path)).toEqual(['/api/v1/auth/me', '/api/v1/auth/me']);
    expect(writes(a)).toEqual(before);
    expect(other.propstreet.contact(first)!.deletedUtc).toBeNull();
  });

  it('refuses another HubSpot portal or Salesforce org on a connection, and only that connection', async () => {
    const hubspot = byName(await run(await variant('acme-other-portal', a.hubspot!.url, other.hubspot!.url)));
    expect(hubspot.hubspot?.abort?.code).toBe('ACCOUNT_MISMATCH');
    expect(hubspot.hubspot?.abort?.message).toContain(`hubspot-portal:${a.hubspot!.portalId}`);
    expect(hubspot.hubspot?.abort?.message).toContain(`hubspot-portal:${other.hubspot!.portalId}`);
    expect(hubspot.salesforce?.abort).toBeUndefined();

    const salesforce = byName(
      await run(await variant('acme-other-org-sf', a.salesforce!.url, other.salesforce!.url)),
    );
    expect(salesforce.salesforce?.abort?.code).toBe('ACCOUNT_MISMATCH');
    expect(salesforce.salesforce?.abort?.message).toContain(`salesforce-org:${a.salesforce!.orgId}`);
    expect(salesforce.salesforce?.abort?.message).toContain(`salesforce-org:${other.salesforce!.orgId}`);
    expect(salesforce.hubspot?.abort).toBeUndefined();
    expect(writes(other)).toEqual({ propstreet: 0, hubspot: 0, salesforce: 0 });
  });

  it('a kind the connection starts to sync on another portal is refused too, not bound there', async () => {
    // The HubSpot connection pointed at another portal while `companies` is added to its objects.
    const config = await variant(
      'acme-other-portal-companies',
      `    baseUrl: ${a.hubspot!.url}\n`,
      `    baseUrl: ${other.hubspot!.url}\n    objects: [companies, contacts]\n`,
    );
    const kinds = (await run(config)).connections.filter((c) => c.result.connection === 'hubspot');
    expect(kinds.map((c) => [c.result.kind, c.result.abort?.code])).toEqual([
      ['companies', 'ACCOUNT_MISMATCH'],
      ['contacts', 'ACCOUNT_MISMATCH'],
    ]); // companies ran against the other portal and bound the state to it
    expect(writes(other).hubspot).toBe(0);
    expect(other.propstreet.apiWriteCount()).toBe(0);
    // No company of the other portal came into Propstreet.
    expect(a.propstreet.allCompanies()).toEqual([]);
  });

  it('asks each API who it is once per tenant run, and counts it in the run’s calls', async () => {
    const config = await loadTenantConfig(fileA, { redactor, env: a.env, cwd: dir });
    const me = () => a.propstreet.apiRequests().filter((r) => r.path === '/api/v1/auth/me').length;
    const portal = () =>
      a.hubspot!.control.apiRequests().filter((r) => r.path === '/account-info/v3/details').length;
    const org = () => a.salesforce!.http.requests.filter((r) => r.query.includes('Organization')).length;
    const before = [me(), portal(), org()];
    const r = byName(await run(config));
    expect([me(), portal(), org()]).toEqual(before.map((n) => n + 1));
    expect(r.hubspot?.calls.crm.account).toBe(1);
    expect(r.salesforce?.calls.crm.meta).toBe(1);
  });

  it('--rebind moves the state to the new organisation; the old one is then refused', async () => {
    const otherOrg = await variant('acme-rebound', a.propstreet.url, other.propstreet.url);
    const rebound = await run(otherOrg, { rebind: true });
    for (const c of rebound.connections) expect(c.result.abort?.code).not.toBe('ACCOUNT_MISMATCH');
    const again = await run(otherOrg);
    for (const c of again.connections) expect(c.result.abort).toBeUndefined();
    const old = await run(await loadTenantConfig(fileA, { redactor, env: a.env, cwd: dir }));
    for (const c of old.connections) expect(c.result.abort?.code).toBe('ACCOUNT_MISMATCH');
  });
});
