/**
 * A SIGKILL between the CRM creates (committed with their queued ref write-backs) and the
 * drain: the process dies the moment Propstreet has applied the first write-back, before the
 * run could commit it. The rerun writes every missing ref, creates no CRM record twice and
 * writes no ref twice (the write that landed is found there on the 412 re-read).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runChild } from '../reliability/support/child-run.js';
import { startWorld, type World } from '../reliability/support/world.js';

const PATCH_BY_ID = /^\/api\/v1\/network\/contacts\/\d+$/;
const N = 20;

describe('ref outbox across a crash', () => {
  let world: World;
  afterEach(async () => world?.close());

  it('killed after the first ref write landed: the rerun writes the rest once, nothing twice', async () => {
    world = await startWorld({ seed: 16 });
    world.createPeople('propstreet', N);
    const ps = world.sb.propstreet;
    const killed = await runChild(world, ['run', world.configFile, '--json'], { killAt: { afterWrites: 2 } });
    expect(killed.killed).toBe(true);
    // The state before the rerun: every contact in HubSpot, the write-backs in flight (up to
    // propstreetConcurrency) landed, their commit lost.
    expect(world.sb.hubspot!.control.dump()).toHaveLength(N);
    const refsAfterKill = ps.allContacts().filter((c) => c.externalRefs.length > 0);
    expect(refsAfterKill.length).toBeGreaterThan(0);
    expect(refsAfterKill.length).toBeLessThan(N);
    for (const c of refsAfterKill) expect(c.externalRefs.map((r) => r.namespace)).toEqual(['hubspot']);
    const okPatches = () =>
      ps.http.requests.filter((r) => r.method === 'PATCH' && PATCH_BY_ID.test(r.path) && r.status < 300);
    const before = okPatches().length;

    await world.run();
    await world.run();
    const hubspot = world.sb.hubspot!.control.dump();
    expect(hubspot).toHaveLength(N);
    expect(new Set(hubspot.map((c) => c.properties.propstreet_id)).size).toBe(N);
    expect(world.sb.salesforce!.control.dump()).toHaveLength(N);
    for (const c of ps.allContacts())
      expect(c.externalRefs.map((r) => r.namespace).sort()).toEqual(['hubspot', 'salesforce']);
    // Per contact: at most one write per connection (fewer where one PATCH carried both);
    // a contact whose write landed before the kill gets only its Salesforce ref now.
    const byContact = new Map<string, number>();
    for (const r of okPatches().slice(before)) byContact.set(r.path, (byContact.get(r.path) ?? 0) + 1);
    for (const [path, n] of byContact) expect(n, path).toBeLessThanOrEqual(2);
    for (const c of refsAfterKill)
      expect(byContact.get(`/api/v1/network/contacts/${c.id}`) ?? 0, c.id).toBeLessThanOrEqual(1);
  });
});
