/**
 * Hostile API payloads (test/corpus/payloads.ts) through real syncs of a bridge tenant: each
 * gives a clear error or a quarantined record, never an unexpected crash, and a clean run
 * afterwards converges (state not corrupted). One world for the whole file: each case starts
 * from the converged state the previous one left, which is itself the check.
 *
 * The smallest reproductions of the bugs this file and the chaos suite found are kept in
 * test/chaos/recovery-regressions.test.ts.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantRun } from '../../src/app/sync-tenant.js';
import { PropsyncError } from '../../src/core/errors.js';
import type { ConnectionResult } from '../../src/run/run-result.js';
import { runCli } from '../cli/run-cli.js';
import {
  BROKEN_ITEMS,
  CONTACTS_PATH,
  HOSTILE_NAMES,
  HUBSPOT_UNASKED_READ,
  ONE_MEGABYTE_NAME,
  page,
  staleTwin,
} from '../corpus/payloads.js';
import { checkWorld, problemsExcept } from './support/check-world.js';
import { sideValues } from './support/edit-outcomes.js';
import { childEnv, startWorld, type World } from './support/world.js';

let world: World;

/** A run that must not crash: it resolves, or fails with a typed error, never INTERNAL. */
async function survivingRun(): Promise<TenantRun> {
  let run: TenantRun;
  try {
    run = await world.run();
  } catch (e) {
    expect(e, 'a run may only fail with a typed PropsyncError').toBeInstanceOf(PropsyncError);
    throw e;
  }
  for (const c of run.connections) expect(c.result.abort?.code).not.toBe('INTERNAL');
  return run;
}

const result = (run: TenantRun, connection: string): ConnectionResult =>
  run.connections.find((c) => c.result.connection === connection)!.result;

/** Clean runs until nothing is written (at most 3); then the world must match the model. */
async function convergesAfterwards(): Promise<void> {
  Reflect.deleteProperty(world.sb.propstreet.http.faults, 'pick');
  world.sb.propstreet.http.faults.clear();
  world.sb.hubspot!.http.faults.clear();
  world.sb.salesforce!.http.faults.clear();
  for (let i = 0; i < 3; i++) {
    const before = world.writeCalls();
    await survivingRun();
    if (world.writeCalls() === before) break;
  }
  expect(problemsExcept((await checkWorld(world)).problems, ['mirror'])).toEqual([]);
}

/**
 * Serves `bodies`, one per request, instead of the next contact-list pages. Fault rules are
 * static (every matching rule fires at once), so a sequence needs its own hook.
 */
function servePages(...bodies: unknown[]): void {
  const faults = world.sb.propstreet.http.faults;
  const original = faults.pick.bind(faults);
  let next = 0;
  faults.pick = (method, path) =>
    method === 'GET' && path === CONTACTS_PATH && next < bodies.length
      ? [{ kind: 'status', status: 200, body: bodies[next++] }]
      : original(method, path);
}

beforeAll(async () => {
  // HubSpot's 5 searches/s would pace these back-to-back runs; limits are not the subject here.
  world = await startWorld({
    seed: 77,
    fastHubSpot: true,
    connection: { overlapSeconds: 2, maxAttempts: 3 },
  });
  world.createPeople('propstreet', 12);
  world.createPeople('hubspot', 6);
  world.createPeople('salesforce', 6);
  await convergesAfterwards();
}, 180_000);
afterAll(async () => world?.close());

describe('malformed Propstreet contact lists', () => {
  it('items that break the schema (wrong types, no id, not an object, a bad ref) are reported, quarantined when they have an id', async () => {
    world.createPeople('propstreet', 2);
    servePages(page([...world.sb.propstreet.allContacts(), ...BROKEN_ITEMS.map((b) => b.item)]));
    const run = await survivingRun();
    const hs = result(run, 'hubspot');
    expect(hs.status).toBe('partial');
    const db = new Database(world.stateFile, { readonly: true });
    try {
      for (const bad of BROKEN_ITEMS) {
        const id = (bad.item as { id?: string }).id;
        const reported = hs.invalid.filter((i) => i.side === 'propstreet' && i.id === id);
        expect(
          reported.some((r) => bad.path.test(r.message)),
          `${bad.name}: ${JSON.stringify(hs.invalid)}`,
        ).toBe(true);
        if (id)
          expect(
            db.prepare('SELECT quarantined FROM failures WHERE record_id = ?').get(id),
            bad.name,
          ).toEqual({
            quarantined: 1,
          });
      }
    } finally {
      db.close();
    }
    await convergesAfterwards();
  });

  it('the same contact twice in one page (an older copy too) is synced once, newest values', async () => {
    world.createPeople('propstreet', 3);
    const all = world.sb.propstreet.allContacts();
    const newest = all.slice(-3);
    servePages(page([...all, ...newest.map(staleTwin), ...newest]));
    const run = await survivingRun();
    expect(result(run, 'hubspot').status).toBe('ok');
    await convergesAfterwards();
  });

  it.each([
    ['a cursor that returns itself', ['LOOP', 'LOOP']],
    ['two cursors that return each other', ['A', 'B', 'A']],
  ])('%s is detected, not followed forever', async (_name, cursors) => {
    world.createPeople('propstreet', 2);
    const all = world.sb.propstreet.allContacts();
    servePages(...cursors.map((cursor) => page(all.slice(0, 2), { cursor, hasMore: true })));
    const run = await survivingRun();
    const hs = result(run, 'hubspot');
    expect(hs.abort).toMatchObject({ code: 'CURSOR_LOOP' });
    expect(hs.abort?.message).toMatch(/cursor/);
    // The walk stops before anything is planned: the hubspot connection wrote nothing.
    expect(hs.calls.propstreet.write ?? 0).toBe(0);
    expect(hs.calls.crm.write ?? 0).toBe(0);
    await convergesAfterwards();
  });

  it('hasMore without a cursor, a broken envelope and a body that is not JSON abort with PAYLOAD_INVALID', async () => {
    servePages(page([], { cursor: null, hasMore: true }));
    expect(result(await survivingRun(), 'hubspot').abort).toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: expect.stringMatching(/nextCursor/),
    });
    servePages({ data: {}, page: 1 });
    expect(result(await survivingRun(), 'hubspot').abort?.message).toMatch(/envelope at data/);
    world.sb.propstreet.http.faults.add({ kind: 'malformed', method: 'GET', path: CONTACTS_PATH, times: 1 });
    expect(result(await survivingRun(), 'hubspot').abort?.message).toMatch(/not JSON/);
    await convergesAfterwards();
  });
});

describe('hostile values kept in the Propstreet store', () => {
  it('unicode, RTL overrides, emoji, NUL and control characters, quotes and markup sync unchanged', async () => {
    const planted = world.sb.propstreet.seed(
      HOSTILE_NAMES.map((n, i) => ({ ...n, email: `name${i}@hostile.test` })),
    );
    await survivingRun();
    await survivingRun();
    const seen = await sideValues(world);
    for (const c of planted) {
      const sides = seen.get(c.email!)!;
      for (const side of ['hubspot', 'salesforce'] as const) {
        expect(sides[side]?.values.firstName, `${side} ${c.email}`).toBe(sides.propstreet?.values.firstName);
        expect(sides[side]?.values.lastName, `${side} ${c.email}`).toBe(sides.propstreet?.values.lastName);
      }
    }
    await convergesAfterwards();
  });

  it('a 1 MB name is refused by Salesforce with a clear message; the run goes on', async () => {
    const [big] = world.sb.propstreet.seed([
      { firstName: ONE_MEGABYTE_NAME, lastName: 'Big', email: 'big@hostile.test' },
    ]);
    world.createPeople('propstreet', 2);
    const run = await survivingRun();
    const sf = result(run, 'salesforce');
    const failure = sf.failures.find((f) => f.recordId === big!.id);
    expect(failure?.error).toMatch(/FirstName allows 40 characters, the value has 1000000/);
    expect(failure?.error.length).toBeLessThan(500);
    await convergesAfterwards();
  });

  it('a Propstreet timestamp in 2999 does not push the checkpoint past later changes', async () => {
    world.sb.propstreet.seed([
      {
        firstName: 'Future',
        lastName: 'Skew',
        email: 'future@hostile.test',
        createdUtc: '2999-01-01T00:00:00.0000000Z',
        updatedUtc: '2999-01-01T00:00:00.0000000Z',
      },
    ]);
    await survivingRun();
    const db = new Database(world.stateFile, { readonly: true });
    const checkpoints = db.prepare("SELECT value FROM checkpoints WHERE side = 'propstreet'").all() as {
      value: string;
    }[];
    db.close();
    for (const c of checkpoints) expect(Date.parse(c.value)).toBeLessThanOrEqual(Date.now());
    world.userEdits(4, ['propstreet']);
    await convergesAfterwards();
  });
});

describe('CRM answers nobody asked for', () => {
  it('a HubSpot batch read returning an unasked record links nothing to it', async () => {
    world.createPeople('propstreet', 3);
    world.sb.hubspot!.http.faults.add({
      kind: 'status',
      status: 200,
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/read',
      body: HUBSPOT_UNASKED_READ,
      times: 2,
    });
    await survivingRun();
    const db = new Database(world.stateFile, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM links WHERE crm_id = ?').get('987654321')).toEqual({ n: 0 });
    db.close();
    await convergesAfterwards();
  });

  it('broken HubSpot and Salesforce write answers fail those records clearly, then heal', async () => {
    world.userEdits(6, ['propstreet']);
    world.createPeople('propstreet', 2);
    // More often than the adapters retry, so the records fail in this run.
    world.sb.hubspot!.http.faults.add({ kind: 'malformed', path: '/batch/update', times: 10 });
    world.sb.salesforce!.http.faults.add({
      kind: 'status',
      status: 200,
      path: /\/composite\/sobjects/,
      body: [1, 'x', null],
      times: 10,
    });
    const run = await survivingRun();
    const errors = run.connections.flatMap((c) => c.result.failures.map((f) => f.error));
    expect(errors.some((e) => /unreadable response/.test(e))).toBe(true);
    expect(errors.some((e) => /fewer results than records sent/.test(e))).toBe(true);
    await convergesAfterwards();
  });

  it('a HubSpot search or Salesforce query answer that is not JSON stops that connection with a typed error, lock released', async () => {
    world.userEdits(2, ['salesforce']);
    world.userEdits(2, ['hubspot']);
    world.sb.salesforce!.http.faults.add({ kind: 'malformed', path: '/queryAll', times: 6 });
    world.sb.hubspot!.http.faults.add({ kind: 'malformed', path: '/search', times: 6 });
    const run = await survivingRun();
    expect(result(run, 'salesforce').abort).toMatchObject({
      code: 'PAYLOAD_INVALID',
      message: expect.stringMatching(/queryAll/),
    });
    expect(result(run, 'hubspot').abort).toMatchObject({
      code: 'SERVER_ERROR',
      message: expect.stringMatching(/search: unreadable response/),
    });
    const db = new Database(world.stateFile, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM locks').get()).toEqual({ n: 0 });
    db.close();
    await convergesAfterwards();
  });
});

describe('the CLI on a hostile payload', () => {
  it('a looping cursor ends `propsync run` with a JSON result and a named error, not a crash', async () => {
    const loop = page(world.sb.propstreet.allContacts().slice(0, 1), { cursor: 'LOOP', hasMore: true });
    servePages(loop, loop, loop, loop);
    const r = await runCli(['run', world.configFile, '--json'], { env: childEnv(world) });
    expect(r.code).toBe(5);
    expect(r.stderr).not.toMatch(/unexpected error|Unhandled|TypeError/);
    const out = JSON.parse(r.stdout) as { tenants: { connections: ConnectionResult[] }[] };
    expect(out.tenants[0]!.connections[0]!.abort?.code).toBe('CURSOR_LOOP');
    world.expireLocks();
    await convergesAfterwards();
  }, 180_000);
});
