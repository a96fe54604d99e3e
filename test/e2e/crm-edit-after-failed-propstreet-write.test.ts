/**
 * A CRM edit whose Propstreet write fails (a passing 503) is recorded as the pair's failure,
 * under its Propstreet id, and the CRM checkpoint moves on past it with another edit of the same
 * run. The retry read only the Propstreet contact again: the CRM record, older than checkpoint −
 * overlap, was in no delta, so its side counted as unchanged since the shadow, the pair planned
 * nothing and the failure was cleared; the person's edit never reached Propstreet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

describe('a CRM edit whose Propstreet write failed', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  /** The engine's clock, moved on by the test: runs an hour apart, without waiting an hour. */
  function laterClock() {
    let offset = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offset), sleep: async () => undefined };
    return { clock, hoursOn: (h: number) => (offset = h * 3_600_000) };
  }

  /** Propstreet answers every PATCH of `id` with 503 until cleared. */
  function refuseWrites(started: E2E, id: string) {
    started.sb.propstreet.http.faults.add({
      kind: 'status',
      status: 503,
      method: 'PATCH',
      path: `/api/v1/network/contacts/${id}`,
      body: { type: 'about:blank', title: 'Service Unavailable', status: 503 },
      headers: { 'content-type': 'application/problem+json' },
    });
  }

  it('HubSpot: reaches Propstreet on the retry, though another edit moved the checkpoint past it', async () => {
    const { clock, hoursOn } = laterClock();
    const started = await startE2E({ salesforce: false }, { connections: ['hubspot'] });
    e = started;
    started.sb.propstreet.setRateLimit(600_000);
    const hs = started.sb.hubspot?.control;
    if (!hs) throw new Error('no HubSpot fake');
    const t0 = Date.now();
    hs.setClock(t0 - 2 * 3_600_000);
    const [a = '', b = ''] = seedPropstreet(started.sb, 0, 3);
    await started.run({ clock });
    await started.run({ clock });
    const hsId = (psId: string) => hs.dump().find((r) => r.properties.propstreet_id === psId)?.id ?? '';
    // Edits at 10:30 and 10:59; the hourly run at 11:00.
    hs.setClock(t0 - 30 * 60_000);
    hs.editAsUser(hsId(a), { lastname: 'EditedInHubSpot' });
    hs.setClock(t0 - 60_000);
    hs.editAsUser(hsId(b), { lastname: 'AlsoEdited' });
    hs.setClock(null);
    refuseWrites(started, a);
    const failed = (await started.run({ clock })).connections[0]?.result;
    expect(started.sb.propstreet.contact(b)?.lastName).toBe('AlsoEdited');
    expect(failed?.failures.map((f) => f.recordId)).toContain(a);
    started.sb.propstreet.http.faults.clear();
    hoursOn(1);
    const retry = (await started.run({ clock })).connections[0]?.result;
    expect(retry?.failures).toEqual([]);
    expect(started.sb.propstreet.contact(a)?.lastName).toBe('EditedInHubSpot');
  });

  it('Salesforce: the same', async () => {
    const { clock, hoursOn } = laterClock();
    const started = await startE2E({ hubspot: false }, { connections: ['salesforce'] });
    e = started;
    started.sb.propstreet.setRateLimit(600_000);
    const sf = started.sb.salesforce?.control;
    if (!sf) throw new Error('no Salesforce fake');
    const t0 = Date.now();
    sf.setClock(t0 - 2 * 3_600_000);
    const [a = '', b = ''] = seedPropstreet(started.sb, 0, 3);
    await started.run({ clock });
    await started.run({ clock });
    const sfId = (psId: string) => String(sf.getByKey(psId)?.Id ?? '');
    sf.setClock(t0 - 30 * 60_000);
    sf.edit(sfId(a), { LastName: 'EditedInSalesforce' });
    sf.setClock(t0 - 60_000);
    sf.edit(sfId(b), { LastName: 'AlsoEdited' });
    sf.useRealClock();
    refuseWrites(started, a);
    const failed = (await started.run({ clock })).connections[0]?.result;
    expect(failed?.failures.map((f) => f.recordId)).toContain(a);
    started.sb.propstreet.http.faults.clear();
    hoursOn(1);
    const retry = (await started.run({ clock })).connections[0]?.result;
    expect(retry?.failures).toEqual([]);
    expect(started.sb.propstreet.contact(a)?.lastName).toBe('EditedInSalesforce');
  });
});
