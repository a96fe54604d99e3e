/**
 * HubSpot end to end, the HubSpot ⇄ Propstreet ⇄ Salesforce bridge, and tenant isolation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { type E2E, seedHubSpot, seedPropstreet, startE2E, writes } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('HubSpot and the bridge', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('syncs Propstreet ⇄ HubSpot both ways, then a quiet run writes nothing', async () => {
    e = await startE2E({ salesforce: false }, { connection: { match: ['externalRef', 'key', 'email'] } });
    seedPropstreet(e.sb, 0, 12);
    seedHubSpot(e.sb, 10, 6); // persons 10, 11 on both sides
    const r = (await e.run()).connections[0]!.result;
    expect(r).toMatchObject({ status: 'ok', planned: { link: 2, create: { crm: 10, propstreet: 4 } } });
    const hs = e.sb.hubspot!.control.dump();
    expect(hs).toHaveLength(16);
    expect(new Set(hs.map((x) => x.properties.propstreet_id)).size).toBe(16);
    await e.run();
    const before = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(before);
  });

  it('an edit in HubSpot reaches Salesforce through Propstreet within two runs, and nothing echoes back', async () => {
    e = await startE2E({}, {});
    const [psId] = seedPropstreet(e.sb, 0, 3);
    await e.run(); // creates in both CRMs
    const hsRecord = e.sb.hubspot!.control.dump().find((x) => x.properties.propstreet_id === psId)!;
    e.sb.hubspot!.control.editAsUser(hsRecord.id, { firstname: 'Bridged' });
    // A dry run writes nothing to Propstreet, so Salesforce's plan cannot show the edit: it says so.
    const dry = await e.run({ dryRun: true });
    expect(dry.connections.map((c) => c.result.notices.map((n) => n.kind))).toEqual([
      ['bridge-dry-run'],
      ['bridge-dry-run'],
    ]);
    await e.run(); // hubspot → Propstreet, then Propstreet → salesforce in the same tenant run
    await e.run();
    expect(e.sb.propstreet.contact(psId!)!.firstName).toBe('Bridged');
    expect(e.sb.salesforce!.control.getByKey(psId!)!.FirstName).toBe('Bridged');
    const before = writes(e.sb);
    await e.run();
    await e.run();
    expect(writes(e.sb)).toEqual(before);
  });

  it('HubSpot merges follow the survivor and are not deletes', async () => {
    e = await startE2E(
      { salesforce: false },
      { connection: { deletes: { fromPropstreet: 'archive', fromCrm: 'delete', maxShare: 1 } } },
    );
    const [a, b] = seedPropstreet(e.sb, 0, 2);
    await e.run();
    const hs = e.sb.hubspot!.control.dump();
    const ra = hs.find((x) => x.properties.propstreet_id === a)!;
    const rb = hs.find((x) => x.properties.propstreet_id === b)!;
    e.sb.hubspot!.control.mergeAsUser(ra.id, rb.id);
    await e.run();
    // Neither Propstreet contact was deleted by the merge.
    expect(e.sb.propstreet.contact(a!)!.deletedUtc).toBeNull();
    expect(e.sb.propstreet.contact(b!)!.deletedUtc).toBeNull();
  });
});

describe('tenant isolation', () => {
  it("two tenants on one state file and the same fakes never see each other's links", async () => {
    const e = await startE2E({ hubspot: false }, { tenant: 'alpha' });
    const dir = mkdtempSync(join(tmpdir(), 'propsync-iso-'));
    try {
      seedPropstreet(e.sb, 0, 5);
      const shared = e.config.state.kind === 'sqlite' ? e.config.state.path : '';
      const betaFile = e.sb.writeTenant(dir, {
        tenant: 'beta',
        sqlite: shared,
        connection: { namespace: 'sf-beta' },
      });
      const beta = await loadTenantConfig(betaFile, { redactor, env: e.sb.env, cwd: dir });
      await e.run();
      const betaRun = await syncTenant(beta, { redactor, dryRun: false, logger: silentLogger });
      // beta knows none of alpha's links, so it links by the CRM key instead of creating twice.
      expect(betaRun.connections[0]!.result.planned.create.crm).toBe(0);
      const store = await openTenantStore(beta);
      try {
        expect(await store.countLinks({ tenant: 'alpha', connection: 'salesforce', kind: 'contacts' })).toBe(
          5,
        );
        expect(await store.countLinks({ tenant: 'beta', connection: 'salesforce', kind: 'contacts' })).toBe(
          5,
        );
        const alphaLinks = await store.listLinks(
          { tenant: 'alpha', connection: 'salesforce', kind: 'contacts' },
          { limit: 10 },
        );
        const betaRuns = await store.listRuns(
          { tenant: 'beta', connection: 'salesforce', kind: 'contacts' },
          10,
        );
        const alphaRuns = await store.listRuns(
          { tenant: 'alpha', connection: 'salesforce', kind: 'contacts' },
          10,
        );
        expect(betaRuns).toHaveLength(1);
        expect(alphaRuns).toHaveLength(1);
        expect(alphaLinks.every((l) => l.propstreetId)).toBe(true);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await e.close();
    }
  });
});
