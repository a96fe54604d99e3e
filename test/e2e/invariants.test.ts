/**
 * DESIGN.md's invariants, each by name, end to end: the real engine, the real Propstreet
 * client and jsforce against the HTTP fakes, SQLite state on disk.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, seedSalesforce, startE2E, writes } from './support.js';

const sfByKey = (e: E2E) => {
  const rows = e.sb.salesforce!.control.dump();
  const keys = rows.map((r) => r.Propstreet_Id__c).filter(Boolean);
  return { rows, keys };
};

describe('invariants (Propstreet ⇄ Salesforce)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('1. nothing is created twice: the state lost after the CRM creates, the rerun relinks by key', async () => {
    e = await startE2E({ hubspot: false });
    seedPropstreet(e.sb, 0, 20);
    // The Propstreet write-back of every externalRef fails: the run "crashes" after the CRM creates.
    e.sb.propstreet.http.faults.add({
      kind: 'status',
      status: 409,
      method: 'PATCH',
      path: '/api/v1/network/contacts/',
      body: { type: 'about:blank', title: 'Conflict', status: 409 },
      headers: { 'content-type': 'application/problem+json' },
    });
    const first = await e.run();
    expect(first.connections[0]!.result.failures.length).toBe(20);
    expect(sfByKey(e).rows).toHaveLength(20);
    // Worse than a crash: the state store is gone entirely.
    rmSync(e.config.state.kind === 'sqlite' ? e.config.state.path : '', { force: true });
    e.sb.propstreet.http.faults.clear();
    const second = await e.run();
    expect(second.connections[0]!.result.planned.create.crm).toBe(0);
    expect(second.connections[0]!.result.planned.link).toBe(20);
    const { rows, keys } = sfByKey(e);
    expect(rows).toHaveLength(20);
    expect(new Set(keys).size).toBe(20);
    for (const c of e.sb.propstreet.allContacts())
      expect(c.externalRefs.filter((r) => r.namespace === 'salesforce')).toHaveLength(1);
  });

  it('1b. a CRM contact created in Propstreet twice is impossible: the upsert by external ref is idempotent', async () => {
    e = await startE2E({ hubspot: false });
    seedSalesforce(e.sb, 0, 10);
    // The CRM key write-back fails, so the CRM records never learn their Propstreet id.
    e.sb.salesforce!.http.faults.add({
      kind: 'status',
      status: 503,
      method: 'PATCH',
      path: '/composite/sobjects',
      body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }],
    });
    await e.run();
    rmSync(e.config.state.kind === 'sqlite' ? e.config.state.path : '', { force: true });
    e.sb.salesforce!.http.faults.clear();
    await e.run();
    expect(e.sb.propstreet.allContacts()).toHaveLength(10);
    expect(new Set(sfByKey(e).keys).size).toBe(10);
  });

  it('2. boundary records sharing one updatedUtc are re-read and never skipped', async () => {
    e = await startE2E({ hubspot: false });
    e.sb.propstreet.setClock('2026-11-20T10:00:00.0000000Z');
    seedPropstreet(e.sb, 0, 15);
    await e.run();
    // More contacts land on the very same timestamp as the checkpoint.
    seedPropstreet(e.sb, 100, 5);
    const r = await e.run();
    expect(r.connections[0]!.result.planned.create.crm).toBe(5);
    expect(sfByKey(e).rows).toHaveLength(20);
  });

  it('3. a sync with no new changes makes zero write calls, twice in a row', async () => {
    e = await startE2E({ hubspot: false });
    seedPropstreet(e.sb, 0, 10);
    seedSalesforce(e.sb, 50, 10);
    await e.run();
    await e.run(); // reads back its own writes (echoes)
    const before = writes(e.sb);
    const r = await e.run();
    expect(writes(e.sb)).toEqual(before);
    expect(r.connections[0]!.result.calls.propstreet.write ?? 0).toBe(0);
  });

  it('4. field-level merge: different fields changed on each side both flow', async () => {
    e = await startE2E({ hubspot: false });
    const [psId] = seedPropstreet(e.sb, 0, 1);
    await e.run();
    const sfId = e.sb.salesforce!.control.getByKey(psId!)!.Id as string;
    e.sb.propstreet.editAsUser(psId!, { firstName: 'Changed-in-Propstreet' });
    e.sb.salesforce!.control.edit(sfId, { Email: 'changed.in.sf@example.com' });
    const r = await e.run();
    expect(r.connections[0]!.result.conflicts).toEqual([]);
    expect(e.sb.salesforce!.control.get(sfId)!.FirstName).toBe('Changed-in-Propstreet');
    expect(e.sb.propstreet.contact(psId!)!.email).toBe('changed.in.sf@example.com');
  });

  it.each([
    ['propstreet-wins', 'P'],
    ['crm-wins', 'C'],
    ['newest-wins', 'C'],
    ['manual', null],
  ] as const)('4b. a true conflict under %s', async (policy, winner) => {
    e = await startE2E({ hubspot: false }, { connection: { conflictPolicy: policy } });
    const [psId] = seedPropstreet(e.sb, 0, 1);
    await e.run();
    const sfId = e.sb.salesforce!.control.getByKey(psId!)!.Id as string;
    const original = e.sb.propstreet.contact(psId!)!.firstName;
    e.sb.propstreet.editAsUser(psId!, { firstName: 'P' });
    e.sb.salesforce!.control.advanceClock(5_000); // the CRM edit is the newer one
    e.sb.salesforce!.control.edit(sfId, { FirstName: 'C' });
    const r = await e.run();
    const conflicts = r.connections[0]!.result.conflicts;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({
      field: 'firstName',
      propstreet: 'P',
      crm: 'C',
      shadow: original,
      policy,
    });
    const ps = e.sb.propstreet.contact(psId!)!.firstName;
    const sf = e.sb.salesforce!.control.get(sfId)!.FirstName;
    if (winner === null) {
      expect([ps, sf]).toEqual(['P', 'C']);
      // Still reported on the next run, never silently resolved, and nothing is written.
      const before = writes(e.sb);
      const again = await e.run();
      expect(again.connections[0]!.result.conflicts).toHaveLength(1);
      expect(writes(e.sb)).toEqual(before);
    } else {
      expect([ps, sf]).toEqual([winner, winner]);
    }
  });

  it('5. a 412 re-reads, re-merges and keeps the concurrent user edit', async () => {
    e = await startE2E({ hubspot: false });
    const [psId] = seedPropstreet(e.sb, 0, 1);
    await e.run();
    const sfId = e.sb.salesforce!.control.getByKey(psId!)!.Id as string;
    e.sb.salesforce!.control.edit(sfId, { Email: 'from.crm@example.com' });
    let edited = false;
    const r = await e.run({
      onPlanChunk: () => {
        // Between the engine's read and its write, a user edits another field in Propstreet.
        if (!edited) e.sb.propstreet.editAsUser(psId!, { lastName: 'Edited-meanwhile' });
        edited = true;
      },
    });
    expect(r.connections[0]!.result.failures).toEqual([]);
    const c = e.sb.propstreet.contact(psId!)!;
    expect(c.email).toBe('from.crm@example.com');
    expect(c.lastName).toBe('Edited-meanwhile');
    await e.run();
    expect(e.sb.salesforce!.control.get(sfId)!.LastName).toBe('Edited-meanwhile');
  });

  it('6. deletes follow the policy and only touch linked records; the guard stops a mass delete', async () => {
    e = await startE2E(
      { hubspot: false },
      { connection: { deletes: { fromPropstreet: 'archive', fromCrm: 'delete', maxShare: 0.3 } } },
    );
    const ids = seedPropstreet(e.sb, 0, 20);
    const unlinkedSf = seedSalesforce(e.sb, 100, 0);
    expect(unlinkedSf).toEqual([]);
    await e.run();
    e.sb.propstreet.deleteAsUser(ids[0]!);
    const sfId = e.sb.salesforce!.control.getByKey(ids[1]!)!.Id as string;
    e.sb.salesforce!.control.remove(sfId);
    const r = await e.run();
    expect(r.connections[0]!.result.done.delete).toEqual({ propstreet: 1, crm: 1 });
    expect(e.sb.salesforce!.control.getByKey(ids[0]!)).toBeUndefined();
    expect(e.sb.propstreet.contact(ids[1]!)!.deletedUtc).toBeTruthy();

    // Now delete 10 of the 18 left: over 30 %, the run stops before writing anything.
    for (const id of ids.slice(2, 12)) e.sb.propstreet.deleteAsUser(id);
    const before = writes(e.sb);
    const guarded = await e.run();
    expect(guarded.connections[0]!.result.status).toBe('aborted');
    expect(guarded.connections[0]!.result.abort?.code).toBe('MASS_DELETE_GUARD');
    expect(writes(e.sb)).toEqual(before);
    const forced = await e.run({ force: true });
    expect(forced.connections[0]!.result.done.delete.crm).toBe(10);
  });

  it('9. one bad record is reported and quarantined after maxAttempts while the rest sync', async () => {
    e = await startE2E({ hubspot: false }, { connection: { maxAttempts: 2, retryBaseSeconds: 0 } });
    const ids = seedPropstreet(e.sb, 0, 5);
    const bad = e.sb.propstreet.contact(ids[2]!)!;
    e.sb.salesforce!.control.reject({
      field: 'Email',
      value: bad.email!,
      statusCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address',
    });
    const first = await e.run();
    const r1 = first.connections[0]!.result;
    expect(r1.status).toBe('partial');
    expect(r1.failures).toHaveLength(1);
    expect(r1.failures[0]).toMatchObject({ recordId: bad.id, quarantined: false });
    expect(r1.failures[0]!.error).toContain('INVALID_EMAIL_ADDRESS');
    expect(sfByKey(e).rows).toHaveLength(4);
    const second = await e.run();
    expect(second.connections[0]!.result.failures[0]).toMatchObject({ recordId: bad.id, quarantined: true });
    const before = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(before); // quarantined: not retried on schedule
  });
});
