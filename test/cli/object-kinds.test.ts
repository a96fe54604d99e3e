/**
 * The commands that address records know object kinds: `status` shows each kind of each
 * connection, `conflicts`, `resolve`, `relink` and `run` take `--kind`, and a kind the tenant
 * does not sync is a usage error (exit 2), not an empty answer. State is seeded straight into
 * the tenant's store: these commands read state and call no API.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/state/port.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { aConflict, aLink, aTombstone } from '../contract/state-store.contract.js';
import { seedPropstreet } from '../e2e/support.js';
import { byConnection, type CliSandbox, startCliSandbox } from './cli-sandbox.js';
import { describeRun, REPO_ROOT } from './run-cli.js';

const contacts: Scope = { tenant: 'kinds', connection: 'hubspot', kind: 'contacts' };
const companies: Scope = { ...contacts, kind: 'companies' };

describe('commands and object kinds', () => {
  let f: CliSandbox;
  let kinds: string;
  let plain: string;
  beforeAll(async () => {
    f = await startCliSandbox();
    seedPropstreet(f.sb, 0, 5);
    kinds = f.tenant({
      tenant: 'kinds',
      connections: ['hubspot'],
      connection: { objects: ['contacts', 'companies'] },
    });
    plain = f.tenant({ tenant: 'plain', connections: ['hubspot'] });
    const store = createSqliteStateStore({ path: join(f.dir, 'kinds.db') });
    await store.migrate();
    await store.commit(companies, {
      upsertLinks: [aLink(1), aLink(2)],
      upsertTombstones: [aTombstone(7)],
      replaceConflicts: [{ propstreetId: 'ps-1', conflicts: [aConflict(1, 'name')] }],
    });
    await store.commit(contacts, {
      upsertLinks: [aLink(1)],
      upsertTombstones: [aTombstone(8)],
      // The same Propstreet id and field as a company's: only the kind tells them apart.
      replaceConflicts: [{ propstreetId: 'ps-1', conflicts: [aConflict(1, 'name'), aConflict(1, 'email')] }],
    });
    await store.close();
  });
  afterAll(async () => f?.close());

  it('status shows each kind of the connection, companies first', async () => {
    const json = await f.cli(['status', kinds, '--json']);
    expect(json.code, describeRun(json)).toBe(0);
    const s = json.json<{ connections: { connection: string; kind: string; links: number }[] }>();
    expect(s.connections.map((c) => [c.connection, c.kind, c.links])).toEqual([
      ['hubspot', 'companies', 2],
      ['hubspot', 'contacts', 1],
    ]);
    const text = await f.cli(['status', kinds]);
    expect(text.stdout).toContain('hubspot · companies (hubspot): 2 links');
    expect(text.stdout).toContain('tombstones: 1 companies not created in the CRM again');
  });

  it('conflicts lists every kind’s, or one kind’s with --kind', async () => {
    const all = await f.cli(['conflicts', kinds, '--json']);
    expect(all.code, describeRun(all)).toBe(0);
    type Listed = { total: number; conflicts: { id: string; kind: string }[] };
    expect(all.json<Listed>().conflicts.map((c) => [c.kind, c.id])).toEqual([
      ['companies', 'ps-1:name'],
      ['contacts', 'ps-1:email'],
      ['contacts', 'ps-1:name'],
    ]);
    const only = await f.cli(['conflicts', kinds, '--kind', 'companies', '--json']);
    expect(only.json<Listed>()).toMatchObject({
      total: 1,
      conflicts: [{ kind: 'companies', id: 'ps-1:name' }],
    });
    const text = await f.cli(['conflicts', kinds, '-k', 'companies']);
    expect(text.stdout).toContain('ps-1:name (hubspot · companies, CRM record crm-1');
  });

  it('resolve asks for --kind when the id is open in two kinds, and then resolves that kind’s only', async () => {
    const ambiguous = await f.cli(['resolve', kinds, 'ps-1:name', '--take', 'crm']);
    expect(ambiguous.code, describeRun(ambiguous)).toBe(2);
    expect(ambiguous.stderr).toContain(
      'conflict ps-1:name is open in hubspot · companies and hubspot · contacts: choose one with -c and --kind',
    );
    const resolved = await f.cli(['resolve', kinds, 'ps-1:name', '--take', 'crm', '--kind', 'companies']);
    expect(resolved.code, describeRun(resolved)).toBe(0);
    expect(resolved.stdout).toContain('ps-1:name (hubspot · companies): resolved');
    const store = createSqliteStateStore({ path: join(f.dir, 'kinds.db') });
    try {
      expect(
        (await store.listConflicts(companies, { limit: 5, resolved: true })).map((c) => c.field),
      ).toEqual(['name']);
      expect(await store.listConflicts(contacts, { limit: 5, resolved: true })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('relink lifts the tombstone of the kind that has it', async () => {
    const r = await f.cli(['relink', kinds, 'ps-7', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    expect(r.json<{ relinked: { connection: string; kind: string }[] }>().relinked).toEqual([
      expect.objectContaining({ connection: 'hubspot', kind: 'companies', crmId: 'crm-7' }),
    ]);
    const wrongKind = await f.cli(['relink', kinds, 'ps-8', '--kind', 'companies']);
    expect(wrongKind.code, describeRun(wrongKind)).toBe(2);
    expect(wrongKind.stderr).toContain('ps-8 has no tombstone in hubspot · companies');
  });

  it('a kind the tenant does not sync is a usage error for every command that takes --kind', async () => {
    const runs = await Promise.all([
      f.cli(['run', plain, '--kind', 'companies']),
      f.cli(['plan', plain, '--kind', 'compnies']),
      f.cli(['conflicts', plain, '--kind', 'companies']),
      f.cli(['relink', plain, 'ps-1', '--kind', 'companies']),
      f.cli(['resolve', plain, 'ps-1:name', '--take', 'crm', '--kind', 'companies']),
    ]);
    for (const r of runs) {
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toMatch(
        /--kind (companies|compnies): expected one of contacts \(the object kinds the connection syncs\)/,
      );
    }
  });

  it('validate checks every kind’s mapping offline; --check --setup creates the key on each kind’s object', async () => {
    const fresh = f.tenant({
      tenant: 'fresh',
      connections: ['hubspot'],
      connection: {
        objects: ['contacts', 'companies'],
        keyProperty: 'fresh_contact_key',
        companies: { keyProperty: 'fresh_company_key' },
      },
    });
    const offline = await f.cli(['validate', fresh, '--json']);
    expect(offline.code, describeRun(offline)).toBe(0);
    expect(offline.json<{ checks: { name: string }[] }>().checks.map((c) => c.name)).toEqual([
      'config',
      'hubspot · companies: mapping',
      'hubspot · contacts: mapping',
    ]);
    type Checks = { checks: { name: string; ok: boolean }[] };
    const keyChecks = (r: { json<T>(): T }) =>
      r
        .json<Checks>()
        .checks.filter((c) => c.name.endsWith('key-property'))
        .map((c) => [c.name, c.ok]);
    const missing = await f.cli(['validate', fresh, '--check', '--json']);
    expect(missing.code, describeRun(missing)).toBe(3);
    expect(keyChecks(missing)).toEqual([
      ['hubspot · companies: key-property', false],
      ['hubspot · contacts: key-property', false],
    ]);

    await f.cli(['validate', fresh, '--check', '--setup']);
    const ready = await f.cli(['validate', fresh, '--check', '--json']);
    expect(keyChecks(ready)).toEqual([
      ['hubspot · companies: key-property', true],
      ['hubspot · contacts: key-property', true],
    ]);
    // Every check passes, the companies' mapped properties too (num_associated_contacts included).
    expect(ready.code, describeRun(ready)).toBe(0);
    const failed = ready.json<Checks>().checks.filter((c) => !c.ok);
    expect(failed).toEqual([]);
    expect(ready.json<Checks>().checks.map((c) => c.name)).toContain(
      'hubspot · companies: mapped-properties',
    );
    expect(f.sb.hubspot!.control.companies.hasProperty('fresh_company_key')).toBe(true);
    expect(f.sb.hubspot!.control.hasProperty('fresh_contact_key')).toBe(true);
    expect(f.sb.hubspot!.control.companies.hasProperty('fresh_contact_key')).toBe(false);
  });

  it('a kind’s mapping that maps another kind is refused before anything runs, at its line', async () => {
    const wrong = f.tenant({
      tenant: 'wrong',
      connections: ['hubspot'],
      connection: {
        objects: ['companies', 'contacts'],
        companies: { mapping: join(REPO_ROOT, 'mappings/hubspot.contacts.yaml') },
      },
    });
    const r = await f.cli(['validate', wrong]);
    expect(r.code, describeRun(r)).toBe(2);
    expect(r.stderr).toMatch(
      /wrong\.yaml:\d+:\d+ connections\[0\]\.companies\.mapping: expected a mapping of companies \(object: companies\), got .*hubspot\.contacts\.yaml, which maps contacts/,
    );
  });

  it('run --kind runs only that kind', async () => {
    const r = await f.cli(['run', plain, '--kind', 'contacts', '--json']);
    expect(r.code, describeRun(r)).toBe(0);
    const hubspot = byConnection(r).hubspot;
    expect(hubspot).toMatchObject({ kind: 'contacts', status: 'ok' });
    expect(hubspot?.done.create.crm).toBe(5);
  });
});
