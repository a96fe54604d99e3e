/**
 * The links phase's mass-removal guard on the real fakes over HTTP: 12 contacts at Acme in
 * Propstreet and HubSpot; then HubSpot's associations vanish — a person's bulk edit, or a read
 * that comes back empty (a permission, a wrong portal) — and the phase removes nothing in
 * Propstreet (adds held too, nothing of its state moves) until `--force`.
 */
import { describe, expect, it } from 'vitest';
import type { HubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import type { CrmAssociations } from '../../src/crm/associations.js';
import { useHubSpotLinks } from './hubspot-links-world.js';

const N = 12;
const LINKS_SCOPE = { tenant: 't1', connection: 'crm', kind: 'links' };
/** HubSpot writes: reads by POST (batch read, search) are not. */
const writesTo = (fake: HubSpotFake) =>
  fake.control
    .apiRequests()
    .filter((r) => r.method !== 'GET' && !r.path.endsWith('/batch/read') && !r.path.endsWith('/search'))
    .length;

describe('links mass-removal guard ⇄ HubSpot', () => {
  const startHubSpotLinks = useHubSpotLinks();

  async function start() {
    const reads = { empty: false };
    // A portal whose association reads come back empty (what a missing scope or a wrong portal looks like).
    const started = await startHubSpotLinks({
      associations: (real): CrmAssociations => ({
        ...real,
        read: async (ids) => (reads.empty ? [] : real.read(ids)),
        associate: (l) => real.associate(l),
        dissociate: (l) => real.dissociate(l),
        usage: () => real.usage(),
      }),
    });
    const people = started.world.ps.seed(
      Array.from({ length: N }, (_, i) => ({
        firstName: `P${i}`,
        lastName: 'Test',
        email: `p${i}@example.com`,
      })),
    );
    const acme = await started.world.client.createCompany({ name: 'Acme AB' });
    const beta = await started.world.client.createCompany({ name: 'Beta AB' });
    const hPeople = started.hs.control.contacts.seed(
      people.map((_, i) => ({ properties: { email: `p${i}@example.com` } })),
    );
    const [hAcme, hBeta] = started.hs.control.companies.seed([
      { properties: { name: 'Acme AB' } },
      { properties: { name: 'Beta AB' } },
    ]);
    await started.world.linkCompany(acme.id, hAcme ?? '');
    await started.world.linkCompany(beta.id, hBeta ?? '');
    for (const [i, p] of people.entries()) {
      await started.world.linkContact(p.id, hPeople[i] ?? '');
      await started.world.client.createLink({ contactId: p.id, companyId: acme.id, jobTitle: 'Analyst' });
    }
    const first = await started.world.run();
    expect(first.failed).toEqual([]);
    expect(started.hs.control.associatedCompanies(hPeople[0] ?? '')).toEqual([
      { companyId: hAcme, primary: true },
    ]);
    const liveLinks = async () => {
      let n = 0;
      for (const p of people) n += (await started.world.linksOf(p.id)).filter((l) => !l.deletedUtc).length;
      return n;
    };
    return {
      world: started.world,
      hs: started.hs,
      real: started.real,
      reads,
      people,
      hPeople,
      acme,
      beta,
      hAcme: hAcme ?? '',
      liveLinks,
    };
  }

  it('a bulk removal in HubSpot is held: nothing removed in Propstreet, no state moved; the dry run shows it; --force removes', async () => {
    const { world, real, people, hPeople, hAcme, liveLinks } = await start();
    expect(await liveLinks()).toBe(N);
    await real.dissociate(hPeople.map((id) => ({ fromId: id, toId: hAcme })));
    const checkpoints = await world.store.getCheckpoint(LINKS_SCOPE, 'crm');
    const writes = world.propstreetWrites();

    const dry = await world.run({ dryRun: true, fullScan: true });
    expect(dry.abort?.code).toBe('MASS_DELETE_GUARD');
    expect(dry.rows.filter((r) => r.outcome === 'held')).toHaveLength(N);

    const held = await world.run({ fullScan: true });
    expect(held.abort).toEqual({
      code: 'MASS_DELETE_GUARD',
      message: `this run would remove ${N} of ${N} known employments (100.0%), more than deletes.maxShare (10.0%); rerun with --force if intended`,
    });
    expect(held.rows.map((r) => `${r.side} ${r.action} ${r.outcome}`)).toEqual(
      Array.from({ length: N }, () => 'propstreet dissociate held'),
    );
    expect(world.propstreetWrites()).toBe(writes);
    expect(await liveLinks()).toBe(N);
    expect(await world.store.getCheckpoint(LINKS_SCOPE, 'crm')).toBe(checkpoints);
    expect(await world.store.getMeta(LINKS_SCOPE, 'links.fullScanAt')).toBeNull();

    const forced = await world.run({ fullScan: true, force: true });
    expect(forced.abort).toBeUndefined();
    expect(forced.rows.filter((r) => r.outcome === 'done')).toHaveLength(N);
    expect(await liveLinks()).toBe(0);
    expect(await world.employments(people[0]?.id ?? '')).toEqual([]);
  });

  it('associations that read empty hold the whole phase: no removal in Propstreet, no add in HubSpot', async () => {
    const { world, hs, reads, people, hPeople, beta, liveLinks } = await start();
    await world.client.createLink({ contactId: people[0]?.id ?? '', companyId: beta.id });
    reads.empty = true;
    const hubspotWrites = writesTo(hs);

    const held = await world.run({ fullScan: true });
    expect(held.abort?.code).toBe('MASS_DELETE_GUARD');
    expect(held.rows.filter((r) => r.outcome === 'held')).toHaveLength(N);
    // The add (Beta in HubSpot) comes from the same suspect read: it waits too.
    expect(held.rows.filter((r) => r.action !== 'dissociate').every((r) => r.outcome === 'planned')).toBe(
      true,
    );
    expect(await liveLinks()).toBe(N + 1);
    expect(hs.control.associatedCompanies(hPeople[0] ?? '')).toHaveLength(1);
    expect(writesTo(hs)).toBe(hubspotWrites);

    // The portal reads right again: the add goes through and nothing is removed.
    reads.empty = false;
    const after = await world.run({ fullScan: true });
    expect(after.abort).toBeUndefined();
    expect(after.failed).toEqual([]);
    expect(await liveLinks()).toBe(N + 1);
    expect(hs.control.associatedCompanies(hPeople[0] ?? '')).toHaveLength(2);
  });

  it('removals spread over runs (serve runs the phase every few webhooks) are held over the window; --force accepts them and forgets it', async () => {
    const { world, real, people, hPeople, hAcme, liveLinks } = await start();
    const windowed = { limits: { maxShare: 0.1, maxCount: 500, windowMs: 86_400_000 } };
    const removeInHubSpot = (from: number, to: number) =>
      real.dissociate(hPeople.slice(from, to).map((id) => ({ fromId: id, toId: hAcme })));

    // Four, then one: each run under the limits alone (under 5), five together, 5 of 12 (41.7 %).
    await removeInHubSpot(0, 4);
    expect((await world.run({ ...windowed, fullScan: true })).abort).toBeUndefined();
    expect(await liveLinks()).toBe(N - 4);
    await removeInHubSpot(4, 5);
    const held = await world.run({ ...windowed, fullScan: true });
    expect(held.abort).toEqual({
      code: 'MASS_DELETE_GUARD',
      message:
        'this run would remove 1 employments after 4 removed by runs within deletes.window (24h): 5 of 12 known employments (41.7%), more than deletes.maxShare (10.0%); rerun with --force if intended',
    });
    expect(await liveLinks()).toBe(N - 4);
    // Without the window (per run only) the same removal goes through, as it did before 12-04.
    const perRun = await world.run({
      limits: { maxShare: 0.1, maxCount: 500 },
      fullScan: true,
      dryRun: true,
    });
    expect(perRun.abort).toBeUndefined();

    const forced = await world.run({ ...windowed, fullScan: true, force: true });
    expect(forced.abort).toBeUndefined();
    expect(await liveLinks()).toBe(N - 5);
    // Accepted: they no longer count, so the next removal is judged alone.
    await removeInHubSpot(5, 6);
    expect((await world.run({ ...windowed, fullScan: true })).abort).toBeUndefined();
    expect(await world.employments(people[5]?.id ?? '')).toEqual([]);
  });
});
