/**
 * Crash sweeps over contact deletions and merges (support/crash-sweep.ts): users delete, merge
 * and edit people on every side, and `propsync run` is SIGKILLed after its 1st write, then in a
 * fresh world after its 2nd, and so on until it finishes; each killed world, rerun until quiet,
 * must end as the unkilled one did, and stay equal to it through later edits. HubSpot alone
 * under five `deletes` policies; a bridge (HubSpot and Salesforce) with its state in SQLite and
 * in PostgreSQL (`PROPSYNC_TEST_DATABASE_URL`, default 127.0.0.1:5432/test); and `propsync
 * relink` of records a CRM deletion and a CRM merge tombstoned. No seed (PROPSYNC_CHAOS_SEED
 * does not apply): every kill point is visited. To debug one kill point:
 * `PROPSYNC_CHAOS_KILL_POINTS=9` (or `=8-10`) runs only those (and the reference world).
 */
import { describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import { relinkRecord } from '../../src/app/relink.js';
import { systemClock } from '../../src/core/clock.js';
import { type E2E, seedPropstreet, startE2E } from '../e2e/support.js';
import {
  crashSweep,
  killPointsFromEnv,
  type StateBackend,
  type SweepScenario,
} from '../reliability/support/crash-sweep.js';

const killPoints = killPointsFromEnv();
const sweep = (label: string, s: SweepScenario, state: StateBackend) =>
  crashSweep(s, {
    state,
    killPoints,
    log: (line) => process.stdout.write(`[chaos/delete-crash] ${label}: ${line}\n`),
  });

function fakes(e: E2E) {
  const hs = e.sb.hubspot?.control;
  const sf = e.sb.salesforce?.control;
  if (!hs || !sf) throw new Error('expected both CRM fakes');
  const ps = e.sb.propstreet;
  /** The seeded Propstreet contacts' ids, in seeding order. */
  const seeded = ps
    .allContacts()
    .map((c) => c.id)
    .sort((a, b) => Number(a) - Number(b));
  const person = (i: number) => {
    const id = seeded[i];
    if (id === undefined) throw new Error(`no seeded person ${i}`);
    return id;
  };
  const hsOf = (i: number) => {
    const id = hs.dump().find((r) => r.properties.propstreet_id === person(i))?.id;
    if (id === undefined) throw new Error(`person ${i} is not in HubSpot`);
    return id;
  };
  const sfOf = (i: number) => {
    const id = sf.getByKey(person(i))?.Id;
    if (typeof id !== 'string') throw new Error(`person ${i} is not in Salesforce`);
    return id;
  };
  return { ps, hs, sf, person, hsOf, sfOf };
}

/** Later edits of every live person on every side: a lost tombstone or link shows up then. */
function laterEdits(e: E2E) {
  const { ps, hs, sf } = fakes(e);
  for (const c of ps.allContacts()) if (!c.deletedUtc) ps.editAsUser(c.id, { firstName: `${c.firstName}X` });
  for (const r of hs.dump()) if (!r.archived) hs.editAsUser(r.id, { phone: '+46701234567' });
  // Salesforce holds nobody in a tenant of HubSpot alone.
  for (const r of sf.dump()) if (typeof r.Id === 'string') sf.edit(r.Id, { Title: 'After' });
}

/** A HubSpot tenant of `people` contacts, first-synced, under these `deletes` settings. */
async function hubspotTenant(
  state: Parameters<SweepScenario['start']>[0],
  deletes: Readonly<Record<string, unknown>>,
  people: number,
): Promise<E2E> {
  const e = await startE2E(
    { salesforce: true, seed: 7 },
    {
      tenant: 'acme',
      connections: ['hubspot'],
      connection: { retryBaseSeconds: 0, deletes: { maxShare: 1, ...deletes } },
      ...state,
    },
  );
  seedPropstreet(e.sb, 0, people);
  await e.run();
  return e;
}

const hubspotDeletes = (deletes: Readonly<Record<string, unknown>>): SweepScenario => ({
  scopes: [{ connection: 'hubspot', kind: 'contacts' }],
  start: (state) => hubspotTenant(state, deletes, 8),
  users(e) {
    const { ps, hs, person, hsOf } = fakes(e);
    ps.deleteAsUser(person(0));
    ps.deleteAsUser(person(1)); // and edited in HubSpot
    hs.editAsUser(hsOf(1), { lastname: 'EditedInHubSpot' });
    hs.deleteAsUser(hsOf(2));
    hs.deleteAsUser(hsOf(3)); // and edited in Propstreet
    ps.editAsUser(person(3), { lastName: 'EditedInPropstreet' });
    hs.mergeAsUser(hsOf(4), hsOf(5));
    ps.editAsUser(person(6), { lastName: 'PlainEdit' });
  },
  after: laterEdits,
});

const bridgeDeletes: SweepScenario = {
  scopes: [
    { connection: 'hubspot', kind: 'contacts' },
    { connection: 'salesforce', kind: 'contacts' },
  ],
  async start(state) {
    const e = await startE2E(
      { seed: 7, propstreetPerMinute: 10_000_000 },
      {
        tenant: 'acme',
        connections: ['hubspot', 'salesforce'],
        connection: {
          retryBaseSeconds: 0,
          overlapSeconds: 0,
          deletes: { maxShare: 1, fromPropstreet: 'archive', fromCrm: 'delete' },
        },
        ...state,
      },
    );
    fakes(e).hs.setRateLimit({ max: 2_000, searchPerSecond: 50 });
    seedPropstreet(e.sb, 0, 10);
    await e.run();
    return e;
  },
  users(e) {
    const { ps, hs, sf, person, hsOf, sfOf } = fakes(e);
    ps.deleteAsUser(person(0));
    ps.deleteAsUser(person(1)); // and edited in HubSpot
    hs.editAsUser(hsOf(1), { lastname: 'EditedInHubSpot' });
    hs.deleteAsUser(hsOf(2));
    sf.remove(sfOf(3));
    hs.deleteAsUser(hsOf(4)); // and edited in Salesforce
    sf.edit(sfOf(4), { LastName: 'EditedInSalesforce' });
    hs.mergeAsUser(hsOf(5), hsOf(6));
    sf.merge(sfOf(7), sfOf(8));
    ps.editAsUser(person(9), { lastName: 'PlainEdit' });
  },
  after: laterEdits,
};

/** Two people tombstoned in HubSpot (one deleted there, one merged away), then relinked. */
const relinkAfterDeletes: SweepScenario = {
  scopes: [{ connection: 'hubspot', kind: 'contacts' }],
  async start(state) {
    const e = await hubspotTenant(state, {}, 6);
    const { hs, hsOf } = fakes(e);
    hs.deleteAsUser(hsOf(0));
    hs.mergeAsUser(hsOf(1), hsOf(2));
    await e.run();
    return e;
  },
  async users(e) {
    const { person } = fakes(e);
    const store = await openTenantStore(e.config);
    try {
      for (const id of [person(0), person(2)])
        await relinkRecord(e.config, store, id, { clock: systemClock });
    } finally {
      await store.close();
    }
  },
  after: laterEdits,
};

describe('crash sweep: HubSpot contacts deleted and merged on both sides, under each deletes policy', () => {
  it.each([
    { fromPropstreet: 'archive', fromCrm: 'delete' },
    { fromPropstreet: 'delete', fromCrm: 'unlink' },
    { fromPropstreet: 'unlink', fromCrm: 'ignore' },
    { fromPropstreet: 'ignore', fromCrm: 'delete', againstEdit: 'delete' },
    { fromPropstreet: 'archive', fromCrm: 'delete', recreate: true },
  ])('deletes %o: every kill point ends as the unkilled run', async (deletes) => {
    const report = await sweep(`hubspot ${JSON.stringify(deletes)}`, hubspotDeletes(deletes), 'sqlite');
    expect(report.problems).toEqual([]);
  });
});

describe('crash sweep: a bridge, contacts deleted and merged in Propstreet, HubSpot and Salesforce', () => {
  it.each(['sqlite', 'postgresql'] as const)(
    'state in %s: every kill point ends as the unkilled run',
    async (state) => {
      const report = await sweep(`bridge ${state}`, bridgeDeletes, state);
      expect(report.problems).toEqual([]);
    },
  );
});

describe('crash sweep: relink of people a HubSpot deletion and a HubSpot merge tombstoned', () => {
  it('every kill point ends as the unkilled run', async () => {
    const report = await sweep('relink', relinkAfterDeletes, 'sqlite');
    expect(report.problems).toEqual([]);
  });
});
