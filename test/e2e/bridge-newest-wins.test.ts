/**
 * A bridge under `newest-wins` (the default): the same field edited in HubSpot and then in
 * Salesforce between two runs. The HubSpot connection runs first and writes its value to
 * Propstreet, whose `updatedUtc` is then the time of our write; compared with that, Salesforce's
 * newer edit lost (RELIABILITY.md bug 31, found by a review probe). The sibling's write counts as
 * old as its CRM's edit. Fake clocks, not sleeps, put the edits and our write in that order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

describe('a bridge under newest-wins', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const sides = (id: string) => {
    const hs = e.sb.hubspot?.control;
    const sf = e.sb.salesforce?.control;
    if (!hs || !sf) throw new Error('a bridge has both CRMs');
    return {
      hs,
      sf,
      hubspotId: hs.dump().find((x) => x.properties.propstreet_id === id)?.id ?? '',
      values: () => ({
        propstreet: e.sb.propstreet.contact(id)?.firstName,
        hubspot: hs.dump().find((x) => x.properties.propstreet_id === id)?.properties.firstname,
        salesforce: sf.getByKey(id)?.FirstName,
      }),
    };
  };

  /** A bridge with one contact synced to both CRMs. */
  const synced = async () => {
    e = await startE2E({}, {});
    const [id] = seedPropstreet(e.sb, 0, 1);
    if (!id) throw new Error('seed');
    await e.run();
    await e.run();
    return { id, ...sides(id) };
  };

  it('the newer edit wins whichever connection runs first', async () => {
    const { id, hs, sf, hubspotId, values } = await synced();
    const now = Date.now();
    // HubSpot's edit first, Salesforce's 2 s later; our writes to Propstreet stamped 30 s on.
    hs.editAsUser(hubspotId, { firstname: 'OlderFromHubSpot' });
    sf.setClock(now + 2_000);
    sf.edit(sf.getByKey(id)?.Id as string, { FirstName: 'NewerFromSalesforce' });
    e.sb.propstreet.setClock(new Date(now + 30_000).toISOString());
    const first = await e.run();
    const conflict = first.connections
      .filter((c) => c.result.connection === 'salesforce')
      .flatMap((c) => c.records)
      .find((r) => r.propstreetId === id);
    expect(conflict?.reason).toMatch(/newest-wins: the CRM's value is kept/);
    await e.run();
    expect(values()).toEqual({
      propstreet: 'NewerFromSalesforce',
      hubspot: 'NewerFromSalesforce',
      salesforce: 'NewerFromSalesforce',
    });
  });

  it('the other way round too: Salesforce edited first, HubSpot later, HubSpot still runs first', async () => {
    const { id, hs, sf, hubspotId, values } = await synced();
    const now = Date.now();
    sf.edit(sf.getByKey(id)?.Id as string, { FirstName: 'OlderFromSalesforce' });
    hs.setClock(now + 2_000);
    hs.editAsUser(hubspotId, { firstname: 'NewerFromHubSpot' });
    e.sb.propstreet.setClock(new Date(now + 30_000).toISOString());
    await e.run();
    await e.run();
    expect(values()).toEqual({
      propstreet: 'NewerFromHubSpot',
      hubspot: 'NewerFromHubSpot',
      salesforce: 'NewerFromHubSpot',
    });
  });
});
