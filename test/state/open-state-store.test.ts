import { describe, expect, it } from 'vitest';
import { openStateStore, parseStateUrl } from '../../src/state/index.js';
import { aLink, newScope } from '../contract/state-store.contract.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from './pg-test-db.js';

describe('parseStateUrl', () => {
  it.each([
    ['sqlite:./state/propsync.db', { sqlite: './state/propsync.db' }],
    ['sqlite:///var/lib/propsync.db', { sqlite: '/var/lib/propsync.db' }],
    ['sqlite::memory:', { sqlite: ':memory:' }],
    ['postgres://u:p@db:5432/app', { postgres: 'postgres://u:p@db:5432/app' }],
    [
      'postgresql://db/app?schema=tenant_a&sslmode=require',
      { postgres: 'postgresql://db/app?sslmode=require', schema: 'tenant_a' },
    ],
  ])('%s', (url, spec) => {
    expect(parseStateUrl(url)).toEqual(spec);
  });

  it('rejects other schemes without echoing secrets', () => {
    expect(() => parseStateUrl('mysql://root:hunter2@db/x')).toThrow(/mysql:…/);
    expect(() => parseStateUrl('mysql://root:hunter2@db/x')).not.toThrow(/hunter2/);
    expect(() => parseStateUrl('sqlite:')).toThrow(/no path/);
  });
});

describe('openStateStore', () => {
  it('needs exactly one backend', () => {
    expect(() => openStateStore({})).toThrow(/exactly one/);
    expect(() => openStateStore({ sqlite: ':memory:', postgres: TEST_DATABASE_URL })).toThrow(/exactly one/);
  });

  it('opens SQLite and PostgreSQL from a URL', async () => {
    const schema = testSchemaName('open');
    try {
      for (const url of ['sqlite::memory:', `${TEST_DATABASE_URL}?schema=${schema}`]) {
        const store = openStateStore(parseStateUrl(url));
        try {
          await store.migrate();
          const scope = newScope();
          await store.commit(scope, { upsertLinks: [aLink(1)] });
          expect(await store.countLinks(scope)).toBe(1);
        } finally {
          await store.close();
        }
      }
    } finally {
      await dropSchema(schema);
    }
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() =>
      openStateStore({ postgres: TEST_DATABASE_URL, schema: 'x"; DROP SCHEMA public; --' }),
    ).toThrow(/invalid PostgreSQL schema name/);
  });
});
