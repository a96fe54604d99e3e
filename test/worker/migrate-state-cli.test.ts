/**
 * `propsync migrate-state` round trip: a tenant synced on SQLite is copied to PostgreSQL,
 * and the tenant then runs on PostgreSQL as if nothing happened (no re-creates).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../fakes/sandbox/sandbox.js';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { createPostgresStateStore, createSqliteStateStore } from '../../src/state/index.js';
import { runCli } from '../cli/run-cli.js';
import { seedPropstreet } from '../e2e/support.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('migrate-state CLI', () => {
  const schema = testSchemaName('migrate_cli');
  const target = `${TEST_DATABASE_URL}?schema=${schema}`;
  let sb: Sandbox;
  let dir: string;
  let sqlite: string;

  beforeAll(async () => {
    sb = await startSandbox({ salesforce: false });
    dir = mkdtempSync(join(tmpdir(), 'propsync-migrate-'));
    seedPropstreet(sb, 0, 7);
    sqlite = join(dir, 'acme.db');
    const config = await loadTenantConfig(sb.writeTenant(dir, { tenant: 'acme', sqlite }), {
      redactor,
      env: sb.env,
    });
    const run = await syncTenant(config, { redactor, dryRun: false, logger: silentLogger });
    expect(run.connections[0]?.result.done.create.crm).toBe(7);
  });
  afterAll(async () => {
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(schema);
  });

  it('copies SQLite to PostgreSQL, prints the counts, and the tenant carries on there', async () => {
    const res = await runCli([
      'migrate-state',
      '--from',
      `sqlite:${sqlite}`,
      '--to',
      target,
      '--tenant',
      'acme',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('migrated 1 scope(s): 7 links');
    expect(res.stdout).toContain('acme/hubspot');

    const scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
    const from = createSqliteStateStore({ path: sqlite });
    const to = createPostgresStateStore({ connectionString: TEST_DATABASE_URL, schema });
    try {
      expect(await to.countLinks(scope)).toBe(7);
      expect(await to.listLinks(scope, { limit: 100 })).toEqual(await from.listLinks(scope, { limit: 100 }));
      expect(await to.getCheckpoint(scope, 'crm')).toBe(await from.getCheckpoint(scope, 'crm'));
    } finally {
      await from.close();
      await to.close();
    }

    // Rerunning is harmless; the tenant now syncs from PostgreSQL without creating anything again.
    expect((await runCli(['migrate-state', '--from', `sqlite:${sqlite}`, '--to', target])).code).toBe(0);
    const onPg = await loadTenantConfig(
      sb.writeTenant(dir, { tenant: 'acme', postgres: { url: TEST_DATABASE_URL, schema } }),
      { redactor, env: sb.env },
    );
    const run = await syncTenant(onPg, { redactor, dryRun: false, logger: silentLogger });
    expect(run.connections[0]?.result).toMatchObject({
      status: 'ok',
      done: { create: { crm: 0, propstreet: 0 } },
    });
  });

  it('exits 2 with a reason for a missing source, an unknown tenant or a bad URL', async () => {
    const missing = await runCli([
      'migrate-state',
      '--from',
      `sqlite:${join(dir, 'nope.db')}`,
      '--to',
      target,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no state file at');
    const unknown = await runCli([
      'migrate-state',
      '--from',
      `sqlite:${sqlite}`,
      '--to',
      target,
      '--tenant',
      'other',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no state for tenant "other"');
    const bad = await runCli(['migrate-state', '--from', 'mysql://x', '--to', target]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected sqlite:<path> or postgres://');
  });
});
