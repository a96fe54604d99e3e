/**
 * Bug 60: a bridge's CRM deletion waits for the other connection so that "an edit made there must
 * not be lost to this delete" (bug 37); the delete-vs-edit check then compared the Propstreet
 * record with the deleting connection's own shadow, so an edit in the other CRM of a field this
 * connection does not map (HubSpot's tags: the Salesforce mapping leaves them out) was not seen:
 * the contact was deleted in Propstreet, then the HubSpot record just edited. Found by a bridge
 * probe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

const DELETES = {
  deletes: { fromPropstreet: 'delete', fromCrm: 'delete', maxShare: 1 },
  overlapSeconds: 0,
} as const;

describe('a bridge: deleted in Salesforce while edited in HubSpot (bug 60)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it.each([
    [
      'tags, which only the HubSpot connection maps',
      { propstreet_tags: 'vip;investor' },
      { tags: ['investor', 'vip'] },
    ],
    ['the first name, which both map', { firstname: 'EditedInHubSpot' }, { firstName: 'EditedInHubSpot' }],
  ])('an edit of %s keeps the contact and the HubSpot record', async (_what, edit, inPropstreet) => {
    e = await startE2E({}, { tenant: 'acme', connection: DELETES });
    const [id = ''] = seedPropstreet(e.sb, 0, 3);
    await e.run();
    await e.run();
    const hs = e.sb.hubspot!.control;
    const sf = e.sb.salesforce!.control;
    const hsId = hs.dump().find((x) => x.properties.propstreet_id === id)!.id;
    // Past the whole second Salesforce stamps the last sync with.
    sf.advanceClock(1_100);
    sf.remove(String(sf.getByKey(id)?.Id));
    hs.editAsUser(hsId, edit);
    for (let i = 0; i < 3; i++) await e.run();
    expect(e.sb.propstreet.contact(id)).toMatchObject({ ...inPropstreet, deletedUtc: null });
    expect(hs.get(hsId)?.archived).toBe(false);
  });
});
