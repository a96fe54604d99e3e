/**
 * Bugs the reliability suite found, each as the smallest test that showed it, kept as
 * regression tests (RELIABILITY.md lists them with the commits that fixed them). They ran
 * red in this suite until the fixes landed. Deterministic: no random kill moments here.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { PropsyncError } from '../../src/core/errors.js';
import { runChild } from '../reliability/support/child-run.js';
import { startWorld, type World } from '../reliability/support/world.js';

const PATCH_BY_ID = /^\/api\/v1\/network\/contacts\/\d+$/;

describe('recovery after a crash or a failed write-back', () => {
  let world: World;
  afterEach(async () => world?.close());

  it('a run right after a SIGKILLed run is not locked out for the lock TTL (1 h)', async () => {
    world = await startWorld({ seed: 1 });
    world.createPeople('propstreet', 60);
    const killed = await runChild(world, ['run', world.configFile, '--json'], { killAt: { afterWrites: 3 } });
    expect(killed.killed).toBe(true);
    const rerun = await runChild(world, ['run', world.configFile, '--json']);
    // Was: exit 5, "another run of bridge/hubspot is in progress", for an hour (fixed in 3229792).
    expect(rerun.stderr).not.toContain('in progress');
    expect(rerun.code).toBe(0);
  });

  it('a failed Propstreet externalRef write-back is written by a later run', async () => {
    world = await startWorld({ seed: 2 });
    world.createPeople('propstreet', 5);
    world.sb.propstreet.http.faults.add({
      kind: 'status',
      status: 503,
      method: 'PATCH',
      path: PATCH_BY_ID,
      body: { type: 'about:blank', title: 'Service Unavailable', status: 503 },
      headers: { 'content-type': 'application/problem+json' },
    });
    await world.run();
    world.sb.propstreet.http.faults.clear();
    for (let i = 0; i < 3; i++) await world.run();
    // Fixed in 48f9c82; before, the ref was never written and the failure row was re-read
    // by id on every run, forever.
    for (const c of world.sb.propstreet.allContacts())
      expect(c.externalRefs.map((r) => r.namespace).sort()).toEqual(['hubspot', 'salesforce']);
  });

  it('a failed CRM key write-back is written by a later run', async () => {
    world = await startWorld({ seed: 3 });
    world.createPeople('salesforce', 5);
    world.sb.salesforce!.http.faults.add({
      kind: 'status',
      status: 503,
      method: 'PATCH',
      path: /\/composite\/sobjects$/,
      body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }],
    });
    await world.run();
    world.sb.salesforce!.http.faults.clear();
    for (let i = 0; i < 3; i++) await world.run();
    const byEmail = new Map(world.sb.propstreet.allContacts().map((c) => [c.email, c.id]));
    for (const r of world.sb.salesforce!.control.dump())
      expect(r.Propstreet_Id__c, `Salesforce ${r.Id}`).toBe(byEmail.get(r.Email as string));
  });

  it('a non-JSON Salesforce query answer is a clear error, not a TypeError that leaves the lock held', async () => {
    world = await startWorld({ seed: 4 });
    world.createPeople('salesforce', 5);
    world.sb.salesforce!.http.faults.add({ kind: 'malformed', path: '/queryAll', times: 3 });
    let thrown: unknown;
    try {
      const run = await world.run();
      expect.soft(run.connections.map((c) => c.result.abort?.code ?? 'none')).not.toContain('INTERNAL');
    } catch (e) {
      thrown = e;
    }
    // Was: TypeError "Cannot read properties of undefined (reading 'map')" from
    // ContactReader.changes (contact-reads.ts), through runConnection without finishRun/releaseLock
    // (fixed in 3229792).
    expect.soft(thrown === undefined || thrown instanceof PropsyncError, String(thrown)).toBe(true);
    world.sb.salesforce!.http.faults.clear();
    const db = new Database(world.stateFile, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM locks').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('a HubSpot search answer with a null result is a typed error naming the endpoint (OPEN)', async () => {
    world = await startWorld({ seed: 5 });
    world.createPeople('hubspot', 5);
    world.sb.hubspot!.http.faults.add({
      kind: 'status',
      status: 200,
      method: 'POST',
      path: '/crm/v3/objects/contacts/search',
      body: { total: 1, results: [null] },
      times: 3,
    });
    const run = await world.run();
    const hs = run.connections.find((c) => c.result.connection === 'hubspot')!.result;
    // Since 3229792 the run no longer crashes (INTERNAL abort, lock released), but the reader
    // still does not check the answer's shape: "TypeError: Cannot read properties of null
    // (reading 'properties')", with no endpoint named (hubspot-delta-reader.ts).
    expect(hs.abort?.code).not.toBe('INTERNAL');
    expect(hs.abort?.message).toMatch(/search/);
  });
});

describe('clock-skewed CRM timestamps', () => {
  let world: World;
  afterEach(async () => world?.close());

  // Propstreet's checkpoint was clamped to "now" (run-connection.ts); the CRM checkpoints are
  // opaque to the engine and the adapters did not clamp them (fixed in 3229792).
  it.each(['hubspot', 'salesforce'] as const)(
    'one %s record stamped in 2999 does not hide every later change',
    async (side) => {
      world = await startWorld({ seed: 6 });
      world.createPeople(side, 6);
      await world.run();
      if (side === 'hubspot')
        world.sb.hubspot!.control.seed([
          {
            properties: { firstname: 'Future', lastname: 'Skew', email: 'future@hostile.test' },
            updatedAt: '2999-01-01T00:00:00Z',
          },
        ]);
      else
        world.sb.salesforce!.control.seed(
          [
            {
              FirstName: 'Future',
              LastName: 'Skew',
              Email: 'future@hostile.test',
              SystemModstamp: '2999-01-01T00:00:00.000Z',
              LastModifiedDate: '2999-01-01T00:00:00.000Z',
            },
          ],
          { as: world.sb.salesforce!.control.uiUserId },
        );
      await world.run();
      const [edit] = world.userEdits(1, [side]);
      await world.run();
      await world.run();
      const contact = world.sb.propstreet.allContacts().find((c) => c.email === edit!.email)!;
      const field = edit!.field;
      const got = contact[field] ?? '';
      expect(field === 'phone' ? got.replace(/\D/g, '') : got).toBe(
        field === 'phone' ? edit!.value.replace(/\D/g, '') : edit!.value,
      );
    },
  );
});
