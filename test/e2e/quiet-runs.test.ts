/**
 * Quiet runs (src/run/quiet-window.ts), end to end on the fakes with the tenant's default
 * 300 s overlap: right after a sync, a run with nothing new reads one Propstreet page, one
 * HubSpot search and the archived list; a person's edit made among our own writes, inside the
 * overlap window, still arrives, also when HubSpot's search shows it only later; and a change
 * that shows up late with a stamp before the checkpoint is read by the first run one overlap
 * after the last full-window read.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import type { RecordPlan } from '../../src/engine/types.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

/** Polls a condition (the fakes change under a run in progress); fails after `ms`. */
async function until(
  what: string,
  cond: () => boolean | Promise<boolean>,
  ms = 30_000,
  everyMs = 25,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The delta calls of what runs while `fn` does: Propstreet pages, HubSpot searches and list pages. */
async function deltaCalls(e: E2E, fn: () => Promise<unknown>) {
  const hs = e.sb.hubspot!.control;
  const [ps0, hs0] = [e.sb.propstreet.apiRequests().length, hs.apiRequests().length];
  await fn();
  const psLog = e.sb.propstreet.apiRequests().slice(ps0);
  const hsLog = hs.apiRequests().slice(hs0);
  return {
    propstreetPages: psLog.filter((r) => r.method === 'GET' && r.path === '/api/v1/network/contacts').length,
    // A search answered 429 (5 a second per portal: runs back to back share the second) is
    // repeated, not a second read: only answered searches count.
    hubspotSearches: hsLog.filter((r) => r.path.endsWith('/search') && r.status !== 429).length,
    hubspotLists: hsLog.filter((r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts').length,
    writes: psLog.filter((r) => r.method !== 'GET').length + hsLog.filter((r) => r.write).length,
  };
}

const hubspotRecordOf = (e: E2E, propstreetId: string) =>
  e.sb.hubspot!.control.dump().find((r) => r.properties.propstreet_id === propstreetId);

/** What HubSpot's search shows of a record now (the indexing delay included). */
async function searchShows(e: E2E, id: string): Promise<Record<string, string>> {
  const res = await fetch(`${e.sb.hubspot!.url}/crm/v3/objects/contacts/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.sb.tokens.hubspot}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'EQ', value: id }] }],
      properties: ['lastname'],
    }),
  });
  // Search allows 5 requests a second: a 429 shows nothing this time.
  const body = (await res.json()) as { results?: { properties: Record<string, string> }[] };
  return body.results?.[0]?.properties ?? {};
}

/**
 * A first sync of 250 contacts in chunks of 100; while the third chunk is planned, a person edits
 * a contact of the first chunk in each system (its CRM record created, its ref written back):
 * both edits are stamped before our last writes, inside the next run's overlap window.
 */
async function firstSyncWithEdits(e: E2E) {
  const ids = seedPropstreet(e.sb, 0, 250);
  const chunks: string[][] = [];
  const edited: { inPropstreet?: string; inHubSpot?: string; hubspotId?: string } = {};
  await e.run({
    onPlanChunk: async (_connection, chunk: readonly RecordPlan[]) => {
      chunks.push(chunk.flatMap((r) => (r.propstreetId ? [r.propstreetId] : [])));
      if (chunks.length !== 3) return;
      const [a, b] = chunks[0] ?? [];
      if (!a || !b) throw new Error('the first chunk has fewer than two contacts');
      await until('the first chunk is written back', () =>
        [a, b].every((id) =>
          e.sb.propstreet.contact(id)?.externalRefs.some((r) => r.namespace === 'hubspot'),
        ),
      );
      e.sb.propstreet.editAsUser(a, { firstName: 'Edited-in-Propstreet' });
      const record = hubspotRecordOf(e, b);
      if (!record) throw new Error(`no HubSpot record for ${b}`);
      e.sb.hubspot!.control.editAsUser(record.id, { lastname: 'Edited-in-HubSpot' });
      Object.assign(edited, { inPropstreet: a, inHubSpot: b, hubspotId: record.id });
    },
  });
  expect(ids).toHaveLength(250);
  expect(chunks.length).toBeGreaterThanOrEqual(3);
  const { inPropstreet, inHubSpot, hubspotId } = edited;
  if (!inPropstreet || !inHubSpot || !hubspotId) throw new Error('the edits were not made');
  return { inPropstreet, inHubSpot, hubspotId };
}

describe('quiet runs', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('reads one page a side right after a sync, and the edits made among our writes arrive', async () => {
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 100_000 },
      { connections: ['hubspot'], connection: { chunkSize: 100 } },
    );
    const { inPropstreet, inHubSpot } = await firstSyncWithEdits(e);

    // The settle run reads our writes back (echoes) and the two edits among them.
    const settle = await deltaCalls(e, () => e.run());
    expect(settle.propstreetPages).toBe(1);
    expect(hubspotRecordOf(e, inPropstreet)?.properties.firstname).toBe('Edited-in-Propstreet');
    expect(e.sb.propstreet.contact(inHubSpot)?.lastName).toBe('Edited-in-HubSpot');

    // Before: every later run re-read all 250 of our writes inside the 300 s window.
    for (let i = 0; i < 2; i++) {
      const quiet = await deltaCalls(e, () => e.run());
      expect(quiet).toEqual({ propstreetPages: 1, hubspotSearches: 1, hubspotLists: 1, writes: 0 });
    }

    // A person's edit after all that is read as ever.
    const later = hubspotRecordOf(e, inPropstreet);
    e.sb.hubspot!.control.editAsUser(later?.id ?? '', { lastname: 'Later' });
    await e.run();
    expect(e.sb.propstreet.contact(inPropstreet)?.lastName).toBe('Later');
  }, 120_000);

  it('reads an edit among our writes once HubSpot search shows it, however late', async () => {
    const delayMs = 8_000;
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 100_000, hubspotSearchIndexDelayMs: delayMs },
      { connections: ['hubspot'], connection: { chunkSize: 100 } },
    );
    const { inHubSpot, hubspotId } = await firstSyncWithEdits(e);

    // Right after the sync search shows neither the edit nor our last batch: this run cannot
    // see the edit, and must not take our writes as proof that it saw everything before them.
    expect((await searchShows(e, hubspotId)).lastname).not.toBe('Edited-in-HubSpot');
    await e.run();
    expect(e.sb.propstreet.contact(inHubSpot)?.lastName).not.toBe('Edited-in-HubSpot');

    await until(
      'search shows the edit',
      async () => (await searchShows(e, hubspotId)).lastname === 'Edited-in-HubSpot',
      delayMs * 4,
      500,
    );
    await e.run();
    expect(e.sb.propstreet.contact(inHubSpot)?.lastName).toBe('Edited-in-HubSpot');
  }, 120_000);

  it('reads a change that shows up late, stamped before the checkpoint, one overlap after the last full read', async () => {
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 100_000 },
      { connections: ['hubspot'], connection: { chunkSize: 100 } },
    );
    const ids = seedPropstreet(e.sb, 0, 150);
    await e.run();
    await e.run();
    const [late] = ids;
    if (!late) throw new Error('no contacts');
    // A transaction stamped a minute before our last write commits only now (a late commit, a
    // skewed server clock): its stamp is behind the checkpoint, inside the overlap window.
    const checkpoint =
      e.sb.propstreet
        .allContacts()
        .map((c) => c.updatedUtc)
        .sort()
        .at(-1) ?? '';
    e.sb.propstreet.setClock(new Date(Date.parse(checkpoint) - 60_000).toISOString());
    e.sb.propstreet.editAsUser(late, { firstName: 'Late' });
    e.sb.propstreet.setClock(null);

    // Runs within one overlap of the last full read read from their checkpoints: not yet.
    const quiet = await deltaCalls(e, () => e.run());
    expect(quiet).toEqual({ propstreetPages: 1, hubspotSearches: 1, hubspotLists: 1, writes: 0 });
    expect(hubspotRecordOf(e, late)?.properties.firstname).not.toBe('Late');

    // One overlap later (the engine's clock), the run re-reads the whole window once: there it is.
    const later: Clock = {
      now: () => new Date(Date.now() + 301_000),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
    const full = await e.run({ clock: later });
    expect(hubspotRecordOf(e, late)?.properties.firstname).toBe('Late');
    // The price: our own 150 writes of the first run, re-read once on each side.
    expect(full.connections[0]?.result.pulled).toEqual({ propstreet: 150, crm: 150 });
  }, 120_000);
});
