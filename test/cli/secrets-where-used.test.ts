// biome-ignore-all lint/suspicious/noTemplateCurlyInString: tenant files hold ${VAR} references
/**
 * Secrets are resolved only where a command uses them. Regression: `status`, `conflicts`,
 * `resolve`, `relink` and offline `validate` refused to start while `${PROPSYNC_ACME_TOKEN}`
 * was unset, though they call no API; and `validate --check` exited 3 for an unreachable host where `run` exits 5.
 * In process (test/cli/run-cli.ts): about what the CLI prints and returns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCheckpoint } from '../../src/crm/hubspot/hubspot-checkpoint.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import { runCli } from './run-cli.js';
import { writeUnreachableTenant } from './unreachable-tenant.js';

const dir = mkdtempSync(join(tmpdir(), 'propsync-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UNSET = { PROPSYNC_ACME_TOKEN: undefined, PROPSYNC_DATABASE_URL: undefined };
const SET = { PROPSYNC_ACME_TOKEN: 'ps-token-for-secrets-test-0001', PROPSYNC_DATABASE_URL: undefined };

/** A tenant whose APIs are never reached. */
const file = writeUnreachableTenant(dir, 'acme', `{ sqlite: ${join(dir, 'acme.db')} }`);

describe('secrets are needed only where they are used', () => {
  it('validate without --check works with the variables unset, and names them', async () => {
    const r = await runCli(['validate', file, '--json'], { env: UNSET });
    expect(r.code, r.stderr).toBe(0);
    const json = r.json<{ ok: boolean; checks: { name: string; message: string }[] }>();
    expect(json.ok).toBe(true);
    expect(json.checks.find((c) => c.name === 'secrets')?.message).toContain('PROPSYNC_ACME_TOKEN');
  });

  it.each(['example-hubspot', 'example-salesforce', 'example-bridge'])(
    'validate without --check passes the shipped tenants/%s.yaml with nothing set (state URL included)',
    async (name) => {
      const env = {
        PROPSYNC_DATABASE_URL: undefined,
        ...Object.fromEntries(
          Object.keys(process.env)
            .filter((k) => k.startsWith('PROPSYNC_'))
            .map((k) => [k, undefined]),
        ),
      };
      const r = await runCli(['validate', `tenants/${name}.yaml`, '--json'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(r.json<{ ok: boolean }>().ok).toBe(true);
    },
  );

  it('status works with the variables unset', async () => {
    const r = await runCli(['status', file, '--json'], { env: UNSET });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json<{ tenant: string }>().tenant).toBe('acme');
  });

  it('conflicts, resolve and relink work with the variables unset (they touch the state store only)', async () => {
    const scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
    const store = createSqliteStateStore({ path: join(dir, 'acme.db') });
    await store.migrate();
    await store.commit(scope, {
      replaceConflicts: [
        {
          propstreetId: 'ps-7',
          conflicts: [
            {
              propstreetId: 'ps-7',
              crmId: '701',
              field: 'jobTitle',
              propstreet: 'CFO',
              crm: 'CEO',
              shadow: 'CTO',
              since: '2026-12-01T00:00:00.000Z',
            },
          ],
        },
      ],
      upsertTombstones: [
        {
          propstreetId: 'ps-8',
          crmId: '801',
          reason: 'deleted in HubSpot',
          endedAt: '2026-12-01T00:00:00.000Z',
          relinkedAt: null,
        },
      ],
    });
    await store.close();

    const listed = await runCli(['conflicts', file, '--json'], { env: UNSET });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.json<{ conflicts: { id: string }[] }>().conflicts.map((c) => c.id)).toEqual([
      'ps-7:jobTitle',
    ]);

    const resolved = await runCli(['resolve', file, 'ps-7:jobTitle', '--take', 'crm', '--json'], {
      env: UNSET,
    });
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.json<{ conflict: { resolution: { take: string } } }>().conflict.resolution.take).toBe(
      'crm',
    );

    const relinked = await runCli(['relink', file, 'ps-8', '--json'], { env: UNSET });
    expect(relinked.code, relinked.stderr).toBe(0);
    expect(relinked.json<{ relinked: { crmId: string }[] }>().relinked.map((r) => r.crmId)).toEqual(['801']);
  });

  it.each([[['validate', '--check']], [['run']], [['plan']]])(
    '%j still needs them (exit 2, names the variable)',
    async (command) => {
      const [name, ...rest] = command;
      const r = await runCli([name ?? '', file, ...rest], { env: UNSET });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('PROPSYNC_ACME_TOKEN');
    },
  );

  it('validate --check and run exit the same for the same unreachable host (5)', async () => {
    const check = await runCli(['validate', file, '--check', '--json'], { env: SET });
    const run = await runCli(['run', file, '--json'], { env: SET });
    expect(run.code, run.stdout).toBe(5);
    expect(check.code, check.stdout).toBe(run.code);
  });
});

describe('status shows the HubSpot checkpoint in words', () => {
  it('"modified up to …; archived list walked at …", the raw value stays in --json', async () => {
    const raw = encodeCheckpoint(
      { v: 1, p: 'live', t: Date.parse('2026-12-02T04:52:53Z'), a: 0, s: Date.parse('2026-12-02T04:50:00Z') },
      Date.parse('2026-12-03T00:00:00Z'),
    );
    const store = createSqliteStateStore({ path: join(dir, 'acme.db') });
    await store.migrate();
    await store.commit(
      { tenant: 'acme', connection: 'hubspot', kind: 'contacts' },
      { checkpoints: { crm: raw } },
    );
    await store.close();

    const text = await runCli(['status', file], { env: UNSET });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      'crm modified up to 2026-12-02T04:52:53Z; archived list walked at 2026-12-02T04:50:00Z',
    );
    expect(text.stdout).not.toContain('{');

    const json = await runCli(['status', file, '--json'], { env: UNSET });
    const status = json.json<{ connections: { checkpoints: { crm: string } }[] }>();
    expect(status.connections[0]?.checkpoints.crm).toBe(raw);
  });
});
