/**
 * A SQLite state file from before the outbox was keyed by record (schema 6: keyed by scope,
 * with an index on the Propstreet id) upgrades in place: every queued write-back keeps its
 * fields, the drainer still walks a tenant's rows in Propstreet-id order across connections,
 * and enqueueing, finishing and ending links work on the rebuilt table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/state/port.js';
import { SQLITE_MIGRATIONS } from '../../src/state/sqlite-migrations.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { sqliteAtVersion } from './sqlite-at-version.js';

const BEFORE_KEYED = 6;
const hub: Scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
const sf: Scope = { ...hub, connection: 'salesforce' };
const other: Scope = { ...hub, tenant: 'other' };
const DUE = '2030-01-01T00:00:00.000Z';

/** Rows as schema 6 held them: two connections of one tenant, another tenant, one row failing. */
const OLD_ROWS = `
  INSERT INTO scopes (tenant, connection, kind) VALUES
    ('acme', 'hubspot', 'contacts'), ('acme', 'salesforce', 'contacts'), ('other', 'hubspot', 'contacts');
  INSERT INTO links (scope_id, propstreet_id, crm_id, shadow, propstreet_etag, crm_modified_at, updated_at) VALUES
    (1, 'ps-2', 'h2', NULL, 'e2', NULL, '2026-01-01T00:00:00.000Z'),
    (2, 'ps-2', 's2', NULL, 'e2', NULL, '2026-01-01T00:00:00.000Z');
  INSERT INTO ref_outbox (scope_id, propstreet_id, crm_id, namespace, etag, refs, enqueued_at, attempts, next_try_ms, last_error) VALUES
    (1, 'ps-3', 'h3', 'hubspot', 'e3', '[]', '2026-01-01T00:00:00.000Z', 0, 0, NULL),
    (2, 'ps-2', 's2', 'salesforce', 'e2', '[{"namespace":"x","id":"1"}]', '2026-01-01T00:00:01.000Z', 2, 5, 'HTTP 503'),
    (1, 'ps-2', 'h2', 'hubspot', 'e2', '[]', '2026-01-01T00:00:02.000Z', 0, 0, NULL),
    (3, 'ps-1', 'o1', 'hubspot', NULL, '[]', '2026-01-01T00:00:03.000Z', 0, 0, NULL);
`;

describe('SQLite ref outbox from before it was keyed by record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-outbox-key-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const oldFile = (name: string) => sqliteAtVersion(dir, name, BEFORE_KEYED, [OLD_ROWS]);

  it('keeps every row and walks the tenant’s rows in Propstreet-id order across connections', async () => {
    const path = oldFile('old.db');
    const store = createSqliteStateStore({ path });
    await store.migrate();
    const rows = await store.queuedRefs({ tenant: 'acme', kind: 'contacts' }, { dueBy: DUE, limit: 10 });
    expect(rows.map((r) => [r.propstreetId, r.connection])).toEqual([
      ['ps-2', 'hubspot'],
      ['ps-2', 'salesforce'],
      ['ps-3', 'hubspot'],
    ]);
    expect(rows[1]).toEqual({
      connection: 'salesforce',
      propstreetId: 'ps-2',
      crmId: 's2',
      namespace: 'salesforce',
      etag: 'e2',
      refs: [{ namespace: 'x', id: '1' }],
      enqueuedAt: '2026-01-01T00:00:01.000Z',
      attempts: 2,
      lastError: 'HTTP 503',
      link: { crmId: 's2', propstreetEtag: 'e2' },
    });
    expect(rows[2]?.link).toBeNull();
    const after = await store.queuedRefs(
      { tenant: 'acme', kind: 'contacts' },
      { dueBy: DUE, after: 'ps-2', limit: 10 },
    );
    expect(after.map((r) => r.propstreetId)).toEqual(['ps-3']);
    expect(await store.refBacklog(hub)).toEqual({ pending: 2, failing: 0 });
    expect(await store.refBacklog(sf)).toEqual({ pending: 1, failing: 1 });
    expect(await store.refBacklog(other)).toEqual({ pending: 1, failing: 0 });
    await store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.at(-1)?.version);
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    // The old index went with its table: the key (no index of its own, WITHOUT ROWID) serves the walk.
    expect(
      raw.prepare("SELECT name FROM sqlite_master WHERE tbl_name = 'ref_outbox' AND type = 'index'").all(),
    ).toEqual([]);
    raw.close();
  });

  it('enqueues over a kept row, finishes one and drops an ended link’s row after the upgrade', async () => {
    const store = createSqliteStateStore({ path: oldFile('again.db') });
    await store.migrate();
    await store.commit(hub, {
      enqueueRefs: [
        {
          propstreetId: 'ps-3',
          crmId: 'h3b',
          namespace: 'hubspot',
          etag: 'e3b',
          refs: [],
          enqueuedAt: '2026-02-01T00:00:00.000Z',
          attempts: 0,
          lastError: null,
        },
      ],
      refsDone: [{ propstreetId: 'ps-2', crmId: 'h2', etag: 'e2b', linkEtag: 'e2' }],
    });
    await store.commit(sf, { deleteLinks: ['ps-2'] });
    await store.migrate();
    const rows = await store.queuedRefs({ tenant: 'acme', kind: 'contacts' }, { dueBy: DUE, limit: 10 });
    expect(rows.map((r) => [r.propstreetId, r.connection, r.crmId, r.enqueuedAt])).toEqual([
      ['ps-3', 'hubspot', 'h3b', '2026-02-01T00:00:00.000Z'],
    ]);
    expect((await store.linksByPropstreetIds(hub, ['ps-2']))[0]?.propstreetEtag).toBe('e2b');
    await store.close();
  });
});
