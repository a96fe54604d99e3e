/**
 * Bug 59: a CRM that refuses writes with a 5xx for longer than its retries is an outage of the
 * service, not a fault of the records. Counted toward `maxAttempts`, an outage of one CRM for five
 * hourly runs quarantined every record edited meanwhile; once it ended, the edits never reached
 * it until each record changed again or `propsync retry`. Found by a bridge probe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

describe('a CRM refusing writes (503) for eight hourly runs (bug 59)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('in a bridge, a HubSpot edit made meanwhile reaches Salesforce once it recovers; nothing is quarantined', async () => {
    let offset = 0;
    const clock: Clock = {
      now: () => new Date(Date.now() + offset),
      // The clients' backoffs between retries pass at once: the runs are what the test spaces out.
      sleep: async () => undefined,
    };
    e = await startE2E({}, { tenant: 'acme' });
    e.sb.propstreet.setRateLimit(600_000);
    const [id = ''] = seedPropstreet(e.sb, 0, 3);
    await e.run({ clock });
    await e.run({ clock });
    const hs = e.sb.hubspot!.control;
    const hsId = hs.dump().find((x) => x.properties.propstreet_id === id)!.id;
    e.sb.salesforce!.http.faults.add({ kind: 'status', status: 503, method: 'PATCH', path: '/composite' });
    hs.editAsUser(hsId, { firstname: 'DuringOutage' });
    const quarantined: string[] = [];
    for (let hour = 0; hour < 8; hour++) {
      offset += 3_600_000;
      const run = await e.run({ clock });
      for (const c of run.connections)
        for (const f of c.result.failures) if (f.quarantined) quarantined.push(`${hour}: ${f.recordId}`);
    }
    expect(quarantined).toEqual([]);
    expect(e.sb.salesforce!.control.getByKey(id)?.FirstName).not.toBe('DuringOutage');

    e.sb.salesforce!.http.faults.clear();
    for (let hour = 0; hour < 2; hour++) {
      offset += 3_600_000;
      await e.run({ clock });
    }
    expect(e.sb.propstreet.contact(id)?.firstName).toBe('DuringOutage');
    expect(e.sb.salesforce!.control.getByKey(id)?.FirstName).toBe('DuringOutage');
  }, 300_000);
});
