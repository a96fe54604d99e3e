import { afterEach, describe, expect, it } from 'vitest';
import { type Clock, systemClock } from '../../src/core/clock.js';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

const DAY = 24 * 3600_000;
/** The engine's clock, `days` ahead of the wall clock (the fakes keep theirs). */
const ahead = (days: number): Clock => ({
  now: () => new Date(Date.now() + days * DAY),
  sleep: systemClock.sleep,
});

const salesforceRef = (e: E2E, psId: string) =>
  e.sb.propstreet
    .allContacts()
    .find((c) => c.id === psId)
    ?.externalRefs.find((r) => r.namespace === 'salesforce');

describe('deletions older than the CRM keeps them visible', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('HubSpot: a GDPR delete shows in no delta; the weekly check of every link by id finds it (bug 61)', async () => {
    e = await startE2E(
      { salesforce: false },
      { connections: ['hubspot'], connection: { deletes: { fromCrm: 'delete', maxShare: 1 } } },
    );
    const psIds = seedPropstreet(e.sb, 0, 6);
    await e.run();
    const hs = e.sb.hubspot!.control;
    const hubspotId = (psId: string) => hs.dump().find((r) => r.properties.propstreet_id === psId)?.id ?? '';
    const [archived = '', erased = ''] = psIds;
    hs.deleteAsUser(hubspotId(archived));
    hs.gdprDeleteAsUser(hubspotId(erased));
    const live = (id: string) => e.sb.propstreet.contact(id)?.deletedUtc === null;

    // The archived contact is in the delta; the erased one is in none: its data stays in Propstreet.
    const next = (await e.run()).connections[0]!.result;
    expect(next.notices).toEqual([]);
    expect([live(archived), live(erased)]).toEqual([false, true]);

    // A week later (reconcileEvery, default 7d), every link is checked by id: the erased one is gone.
    const week = (await e.run({ clock: ahead(8) })).connections[0]!.result;
    expect(week.notices).toEqual([
      expect.objectContaining({
        kind: 'full-reconcile',
        text: expect.stringMatching(
          /last checked by id 8 days ago \(reconcileEvery 7 days\).*checked 5 links by id; 1 no longer in hubspot/,
        ),
      }),
    ]);
    expect(live(erased)).toBe(false);
    // Checked: not again before another week has passed.
    expect((await e.run({ clock: ahead(9) })).connections[0]!.result.notices).toEqual([]);
  });

  it('Salesforce: a checkpoint older than the 15-day recycle bin reconciles every link by id', async () => {
    e = await startE2E({ hubspot: false }, { connection: { deletes: { fromCrm: 'delete' } } });
    const psIds = seedPropstreet(e.sb, 0, 12);
    expect((await e.run()).connections[0]?.result.status).toBe('ok');
    const sf = e.sb.salesforce!.control;
    const gone = psIds.slice(0, 2);
    for (const id of gone) {
      const row = sf.getByKey(id);
      sf.remove(String(row?.Id));
      sf.emptyRecycleBin([String(row?.Id)]);
    }

    // Within the window the delta is trusted; the purged rows are not in it.
    const missed = (await e.run()).connections[0]!.result;
    expect(missed.notices).toEqual([]);
    for (const id of gone) expect(salesforceRef(e, id)).toBeDefined();

    // 16 days later the checkpoint has outlived the recycle bin: every link is checked by id.
    const late = (await e.run({ clock: ahead(16) })).connections[0]!.result;
    expect(late.status).toBe('ok');
    expect(late.notices).toEqual([
      {
        kind: 'full-reconcile',
        text: expect.stringMatching(/16 days old.*checked 12 links by id; 2 no longer in salesforce/),
        propstreetIds: [],
        crmId: null,
      },
    ]);
    expect(late.done.delete.propstreet).toBe(2);
    const live = new Set(
      e.sb.propstreet
        .allContacts()
        .filter((c) => !c.deletedUtc)
        .map((c) => c.id),
    );
    for (const id of gone) expect(live.has(id)).toBe(false);
    for (const id of psIds.slice(2)) expect(salesforceRef(e, id)).toBeDefined();

    // The checkpoint is fresh again: no reconcile, no writes.
    const before = writes(e.sb);
    const quiet = (await e.run({ clock: ahead(16) })).connections[0]!.result;
    expect(quiet.notices).toEqual([]);
    expect(writes(e.sb)).toEqual(before);
  });

  it('--reconcile checks every link now, and a dry run reports the same without writing', async () => {
    e = await startE2E({ hubspot: false });
    const psIds = seedPropstreet(e.sb, 0, 5);
    await e.run();
    const sf = e.sb.salesforce!.control;
    const row = sf.getByKey(psIds[4]!);
    sf.remove(String(row?.Id));
    sf.emptyRecycleBin([String(row?.Id)]);

    const before = writes(e.sb);
    const plan = (await e.run({ dryRun: true, reconcile: true })).connections[0]!.result;
    expect(plan.notices[0]?.text).toMatch(/requested.*checked 5 links by id; 1 no longer in salesforce/);
    expect(plan.planned.unlink).toBe(1);
    expect(writes(e.sb)).toEqual(before);

    const run = (await e.run({ reconcile: true })).connections[0]!.result;
    expect(run.done.unlink).toBe(1);
    expect(salesforceRef(e, psIds[4]!)).toBeUndefined();
  });

  it('HubSpot: an archive older than 90 days is gone from the archived list; a stale checkpoint still finds it', async () => {
    e = await startE2E({ salesforce: false });
    const psIds = seedPropstreet(e.sb, 0, 6);
    await e.run();
    const hs = e.sb.hubspot!.control;
    const target = hs.dump().find((c) => c.properties.propstreet_id === psIds[0]);
    expect(target).toBeDefined();
    hs.deleteAsUser(target!.id);
    hs.advanceClock(91 * DAY);

    const late = (await e.run({ clock: ahead(91) })).connections[0]!.result;
    expect(late.notices[0]?.text).toMatch(/91 days old.*checked 6 links by id; 1 no longer in hubspot/);
    expect(late.planned.unlink).toBe(1);
    const ref = e.sb.propstreet
      .allContacts()
      .find((c) => c.id === psIds[0])
      ?.externalRefs.find((r) => r.namespace === 'hubspot');
    expect(ref).toBeUndefined();
  });
});
