/**
 * Quiet links phases (src/links/delta-boundary.ts): both deltas re-read their checkpoint's own
 * stamp, and the links phase used to re-read the employments of every contact there (a
 * Propstreet GET and CRM batch reads) in runs with nothing to do. Once those versions are older
 * than the margin, a phase remembers them and the next one skips them; a new version is read.
 * A tenant run on the sandbox fakes, the engine clock ten minutes on (time has passed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { type E2E, startHubSpotLinksTenant } from '../e2e/support.js';

const later: Clock = { now: () => new Date(Date.now() + 10 * 60_000), sleep: async () => {} };

describe('a quiet links phase reads nothing again', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startHubSpotLinksTenant({ contacts: 30, companies: 6 });
    await e.run();
  }, 120_000);
  afterAll(async () => e?.close());

  /** The links phase's own reads in a run: Propstreet contact GETs and CRM association/contact batch reads. */
  const linkReads = async (run: () => Promise<unknown>) => {
    const ps0 = e.sb.propstreet.http.requests.length;
    const hs0 = e.sb.hubspot?.control.apiRequests().length ?? 0;
    await run();
    const ps = e.sb.propstreet.http.requests.slice(ps0).map((r) => `${r.method} ${r.path}`);
    const hs = (e.sb.hubspot?.control.apiRequests() ?? []).slice(hs0).map((r) => `${r.method} ${r.path}`);
    return {
      propstreetContactGets: ps.filter((p) => /^GET \/api\/v1\/network\/contacts\/\d+$/.test(p)).length,
      linkPages: ps.filter((p) => p === 'GET /api/v1/network/links').length,
      associationReads: hs.filter((p) => p.endsWith('/associations/contacts/companies/batch/read')).length,
      contactBatchReads: hs.filter((p) => p === 'POST /crm/v3/objects/contacts/batch/read').length,
    };
  };

  it('the second quiet run after the margin reads only the link page and the CRM delta; an edit is read', async () => {
    // The first quiet run an overlap on re-reads the newest stamp once more and remembers it.
    const first = await linkReads(() => e.run({ clock: later }));
    expect(first.linkPages).toBe(1);
    const quiet = await linkReads(() => e.run({ clock: later }));
    expect(quiet).toEqual({
      propstreetContactGets: 0,
      linkPages: 1,
      associationReads: 0,
      contactBatchReads: 0,
    });

    // A Propstreet title edit is a new version: read, and carried to HubSpot.
    const contact = e.sb.propstreet.allContacts().find((c) => c.primaryCompanyId !== null);
    const link = e.sb.propstreet
      .allLinks()
      .find((l) => l.contactId === contact?.id && l.companyId === contact?.primaryCompanyId && !l.deletedUtc);
    if (!contact || !link) throw new Error('no employed contact');
    e.sb.propstreet.editLinkAsUser(link.id, { jobTitle: 'Chair (boundary)' });
    const edited = await linkReads(() => e.run({ clock: later }));
    expect(edited.propstreetContactGets).toBe(1);
    const record = e.sb.hubspot?.control.dump().find((r) => r.properties.propstreet_id === contact.id);
    expect(record?.properties.jobtitle).toBe('Chair (boundary)');
  });

  it('titles edited in HubSpot come with the contact delta: no contact batch read, the titles reach Propstreet', async () => {
    await e.run({ clock: later });
    const employed = e.sb.propstreet
      .allContacts()
      .filter((c) => c.primaryCompanyId !== null)
      .slice(0, 3);
    for (const [i, c] of employed.entries()) {
      const r = e.sb.hubspot?.control.dump().find((x) => x.properties.propstreet_id === c.id);
      e.sb.hubspot?.control.editAsUser(r?.id ?? '', { jobtitle: `Director ${i}` });
    }
    const reads = await linkReads(() => e.run({ clock: later }));
    expect(reads.contactBatchReads).toBe(0);
    expect(reads.associationReads).toBeGreaterThan(0);
    for (const [i, c] of employed.entries()) {
      const link = e.sb.propstreet
        .allLinks()
        .find((l) => l.contactId === c.id && l.companyId === c.primaryCompanyId && !l.deletedUtc);
      expect(link?.jobTitle).toBe(`Director ${i}`);
    }
  });
});
