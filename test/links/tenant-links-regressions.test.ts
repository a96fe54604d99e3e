/**
 * Regressions the #14 acceptance run found, in a tenant run with links on the fakes (HubSpot
 * only, the shipped mappings):
 * - the shipped mapping sends `company.jobTitle` to the CRM only, and the links phase took that
 *   for "titles off": a link's title edited in Propstreet, or the contact's title in HubSpot,
 *   went nowhere;
 * - the run after a sync re-read in Propstreet, one GET per contact, every contact it had just
 *   associated (its own writes in the CRM delta) and every link of the last overlap before its
 *   checkpoint, run after run; a CRM edit of another field cost a Propstreet read too;
 * - a first sync read every employed contact with one GET each (2,000 contacts: 2,005 reads
 *   where the contact list takes 4 pages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E, writes } from '../e2e/support.js';

/** Propstreet reads of one contact by id, so far. */
const contactReads = (e: E2E) =>
  e.sb.propstreet.apiRequests().filter((r) => r.method === 'GET' && /\/contacts\/[^/?]+$/.test(r.path))
    .length;

describe('links in a tenant run: titles and quiet reruns', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E(
      { salesforce: false },
      { tenant: 'acme', connection: { objects: ['companies', 'contacts', 'links'] } },
    );
    e.sb.propstreet.generate(30, { companies: 6 });
  });
  afterAll(async () => e?.close());

  const hubspotContact = (propstreetId: string) => {
    const r = e.sb.hubspot?.control.dump().find((x) => x.properties.propstreet_id === propstreetId);
    if (!r) throw new Error(`no HubSpot contact for ${propstreetId}`);
    return r;
  };
  const primaryLink = (contactId: string) => {
    const contact = e.sb.propstreet.contact(contactId);
    const link = e.sb.propstreet
      .allLinks()
      .find((l) => l.contactId === contactId && l.companyId === contact?.primaryCompanyId && !l.deletedUtc);
    if (!link) throw new Error(`no primary link of ${contactId}`);
    return link;
  };
  /**
   * Contacts whose links carry the newest link stamp: the link delta reads its checkpoint's stamp
   * again (inclusive `updated_since`, as every delta does), so these are read in every run.
   */
  const atCheckpoint = () => {
    const stamp = (l: { updatedUtc: string; deletedUtc: string | null }) =>
      l.deletedUtc && l.deletedUtc > l.updatedUtc ? l.deletedUtc : l.updatedUtc;
    const links = e.sb.propstreet.allLinks();
    const high = links.map(stamp).sort().at(-1);
    return new Set(links.filter((l) => stamp(l) === high).map((l) => l.contactId));
  };
  const employed = () => e.sb.propstreet.allContacts().filter((c) => c.primaryCompanyId !== null);

  it('a quiet rerun reads in Propstreet only the contacts at the link checkpoint (neither its own association writes nor the last overlap of links again)', async () => {
    await e.run();
    // The first run touched every employed contact: it read them from the contact list (one
    // page), not one GET each.
    expect(contactReads(e)).toBe(0);
    const reads = contactReads(e);
    const before = writes(e.sb);
    await e.run();
    expect(atCheckpoint().size).toBeLessThan(employed().length);
    expect(contactReads(e) - reads).toBe(atCheckpoint().size);
    expect(writes(e.sb)).toEqual(before);
  });

  it('a HubSpot edit of another field of the contact costs no Propstreet read in the links phase', async () => {
    const [contact] = employed().filter((c) => !atCheckpoint().has(c.id));
    e.sb.hubspot?.control.editAsUser(hubspotContact(contact?.id ?? '').id, { firstname: 'Renamed' });
    const reads = contactReads(e);
    const run = await e.run();
    expect(run.links?.[0]?.result.contactsRead).toBe(atCheckpoint().size);
    expect(contactReads(e) - reads).toBe(atCheckpoint().size);
  });

  it("a link's title edited in Propstreet reaches the HubSpot contact's jobtitle", async () => {
    const [, contact] = employed();
    const id = contact?.id ?? '';
    e.sb.propstreet.editLinkAsUser(primaryLink(id).id, { jobTitle: 'Chair (Propstreet)' });
    await e.run();
    expect(hubspotContact(id).properties.jobtitle).toBe('Chair (Propstreet)');
  });

  it("the contact's jobtitle edited in HubSpot reaches the Propstreet link of its primary company", async () => {
    const [, , contact] = employed();
    const id = contact?.id ?? '';
    e.sb.hubspot?.control.editAsUser(hubspotContact(id).id, { jobtitle: 'Chair (HubSpot)' });
    await e.run();
    expect(primaryLink(id).jobTitle).toBe('Chair (HubSpot)');
    // And it stays: the next runs agree on both sides and write nothing.
    await e.run();
    const before = writes(e.sb);
    await e.run();
    expect(writes(e.sb)).toEqual(before);
    expect(hubspotContact(id).properties.jobtitle).toBe('Chair (HubSpot)');
  });
});
