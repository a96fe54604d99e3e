/**
 * Propstreet pages planned as they arrive (src/run/stream-plan.ts), end to end on the fakes: a
 * first sync writes its first chunks to HubSpot before the last Propstreet page is read; a
 * contact edited during the read (seen on two pages) is created once and its edit arrives with
 * the next run; deletions still wait for the mass-delete guard's count of the whole read.
 *
 * The Propstreet fake holds the list's later pages (the `hold` fault) until HubSpot has
 * received a batch write, or 20 s: a run that read every page before writing would wait out
 * the 20 s and then show no HubSpot write before the last page. The order is read from the
 * fakes' request logs.
 */

import { afterEach, describe, expect, it } from 'vitest';
import type { RecordPlan } from '../../src/engine/types.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

const LIST = '/api/v1/network/contacts';

/** HubSpot batch writes logged so far. */
const hubspotBatchWrites = (e: E2E) =>
  e.sb.hubspot!.control.apiRequests().filter((r) => r.write && r.path.includes('/batch/')).length;

/** Salesforce writes (collection upserts) logged so far. */
const salesforceWrites = (e: E2E) =>
  e.sb.salesforce!.http.requests.filter((r) => r.write && r.path.startsWith('/services/data')).length;

/** Polls a condition on the fakes; false after `ms`. */
async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

/**
 * Holds the contact-list pages from the `from`-th on until the CRM has a write (`crmWrites`);
 * records, per page held, how many CRM writes had been logged when it went on, and runs
 * `atSecondPage` once when the second page is asked for.
 */
function holdLaterPages(
  e: E2E,
  options: { from: number; crmWrites?: (e: E2E) => number; atSecondPage?: () => void },
): number[] {
  const crmWrites = options.crmWrites ?? hubspotBatchWrites;
  const writesAtRelease: number[] = [];
  let page = 0;
  e.sb.propstreet.http.faults.add({
    kind: 'hold',
    method: 'GET',
    path: /^\/api\/v1\/network\/contacts$/,
    hold: async () => {
      page++;
      if (page === 2) options.atSecondPage?.();
      if (page < options.from) return;
      await waitFor(() => crmWrites(e) > 0, 20_000);
      writesAtRelease.push(crmWrites(e));
    },
  });
  return writesAtRelease;
}

/** The contact the list gives fourth (keyset order: updatedUtc, then id): on the first page. */
const onFirstPage = (e: E2E) =>
  e.sb.propstreet
    .allContacts()
    .map((c) => ({ id: c.id, key: `${c.updatedUtc} ${c.id}` }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))[3]!.id;

/** HubSpot's live records. */
const live = (e: E2E) => e.sb.hubspot!.control.dump().filter((r) => !r.archived);

const listPages = (e: E2E) =>
  e.sb.propstreet.apiRequests().filter((r) => r.method === 'GET' && r.path === LIST).length;

describe('Propstreet pages planned as they arrive', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('writes the first pages to HubSpot before the last Propstreet page is read', async () => {
    e = await startE2E({ salesforce: false, propstreetPerMinute: 100_000 }, { connections: ['hubspot'] });
    const ids = seedPropstreet(e.sb, 0, 1_500);
    const writesAtRelease = holdLaterPages(e, { from: 2 });
    const run = await e.run();

    expect(run.connections[0]!.result.status).toBe('ok');
    expect(listPages(e)).toBe(3);
    // The last page was answered after HubSpot had batch writes of the first page's chunk.
    expect(writesAtRelease).toHaveLength(2);
    expect(writesAtRelease.at(-1)).toBeGreaterThan(0);
    const keys = live(e).map((r) => r.properties.propstreet_id);
    expect(keys).toHaveLength(1_500);
    expect(new Set(keys)).toEqual(new Set(ids));
  });

  it('writes to Salesforce before the last Propstreet page is read (chunks of 600: after the second page)', async () => {
    e = await startE2E({ hubspot: false, propstreetPerMinute: 100_000 }, { connections: ['salesforce'] });
    seedPropstreet(e.sb, 0, 1_500);
    const writesAtRelease = holdLaterPages(e, { from: 3, crmWrites: salesforceWrites });
    const run = await e.run();

    expect(run.connections[0]!.result.status).toBe('ok');
    expect(listPages(e)).toBe(3);
    expect(writesAtRelease).toHaveLength(1);
    expect(writesAtRelease[0]).toBeGreaterThan(0);
    expect(run.connections[0]!.result.done.create.crm).toBe(1_500);
  });

  it('creates a contact seen on two pages once, and its edit arrives with the next run', async () => {
    e = await startE2E({ salesforce: false, propstreetPerMinute: 100_000 }, { connections: ['hubspot'] });
    seedPropstreet(e.sb, 0, 1_500);
    const moved = onFirstPage(e);
    // Edited while the second page is asked for: it moves behind the cursor, on the last page.
    holdLaterPages(e, {
      from: 2,
      atSecondPage: () => e.sb.propstreet.editAsUser(moved, { firstName: 'Edited-during-read' }),
    });
    const planned: string[] = [];
    const onPlanChunk = (_c: string, chunk: readonly RecordPlan[]) => {
      for (const r of chunk) if (r.propstreetId === moved) planned.push(r.action);
    };
    const first = await e.run({ onPlanChunk });

    expect(first.connections[0]!.result.status).toBe('ok');
    expect(listPages(e)).toBe(4);
    expect(planned).toEqual(['create-in-crm']);
    const holding = () => live(e).filter((r) => r.properties.propstreet_id === moved);
    expect(holding()).toHaveLength(1);
    expect(live(e)).toHaveLength(1_500);

    // The checkpoint stayed before the edit: the next run reads it and updates the one record.
    planned.length = 0;
    const next = await e.run({ onPlanChunk });
    expect(next.connections[0]!.result.status).toBe('ok');
    expect(planned).toEqual(['update']);
    expect(holding()).toHaveLength(1);
    expect(holding()[0]!.properties.firstname).toBe('Edited-during-read');
    expect(live(e)).toHaveLength(1_500);
  });

  it('a dry run plans the contact seen on two pages once, as the real run does', async () => {
    e = await startE2E({ salesforce: false, propstreetPerMinute: 100_000 }, { connections: ['hubspot'] });
    seedPropstreet(e.sb, 0, 1_500);
    const moved = onFirstPage(e);
    let edited = false;
    e.sb.propstreet.http.faults.add({
      kind: 'hold',
      method: 'GET',
      path: /^\/api\/v1\/network\/contacts$/,
      hold: async (query) => {
        if (!query.get('cursor') || edited) return;
        edited = true;
        e.sb.propstreet.editAsUser(moved, { firstName: 'Edited-during-read' });
      },
    });
    const plans: RecordPlan[] = [];
    const dry = await e.run({ dryRun: true, onPlanChunk: (_c, chunk) => void plans.push(...chunk) });
    expect(dry.connections[0]!.result.status).toBe('ok');
    expect(plans.filter((p) => p.propstreetId === moved).map((p) => p.action)).toEqual(['create-in-crm']);
    expect(plans.filter((p) => p.action === 'create-in-crm')).toHaveLength(1_500);
    expect(live(e)).toHaveLength(0);
  });

  it('holds every deletion for the guard, across pages, while the creates before it stream', async () => {
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 100_000 },
      { connections: ['hubspot'], connection: { deletes: { fromPropstreet: 'delete', maxShare: 0.3 } } },
    );
    const old = seedPropstreet(e.sb, 0, 1_000);
    expect((await e.run()).connections[0]!.result.status).toBe('ok');
    // Next delta: 1,000 new contacts (two pages), then 600 of the linked ones deleted (two more).
    const fresh = seedPropstreet(e.sb, 5_000, 1_000);
    for (const id of old.slice(0, 600)) e.sb.propstreet.deleteAsUser(id);
    const hubspotDeletes = () =>
      e.sb
        .hubspot!.control.apiRequests()
        .filter((r) => r.write && (r.method === 'DELETE' || r.path.includes('/batch/archive'))).length;

    const guarded = await e.run();
    const r = guarded.connections[0]!.result;
    expect(r.status).toBe('aborted');
    expect(r.abort?.code).toBe('MASS_DELETE_GUARD');
    expect(hubspotDeletes()).toBe(0);
    expect(live(e).filter((c) => old.includes(c.properties.propstreet_id!))).toHaveLength(1_000);
    // The full chunks of creates streamed before the guard counted (documented); the rest waits.
    const created = () => live(e).filter((c) => fresh.includes(c.properties.propstreet_id!));
    const streamed = created().length;
    expect(streamed).toBeGreaterThan(0);
    expect(streamed).toBeLessThan(1_000);

    // The checkpoint did not move: the forced run reads the deletions again and carries them out.
    const forced = await e.run({ force: true });
    expect(forced.connections[0]!.result.status).toBe('ok');
    expect(forced.connections[0]!.result.done.delete.crm).toBe(600);
    expect(created()).toHaveLength(1_000);
    expect(new Set(created().map((c) => c.properties.propstreet_id))).toEqual(new Set(fresh));
    expect(live(e)).toHaveLength(1_400);
  });
});
