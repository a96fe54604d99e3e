/**
 * A CRM company whose domain was typed as the site's address (`https://www.acme.se/`,
 * `http://acme.se`, `acme.se/`): a first sync pairs it with Propstreet's `acme.se` (staged
 * records compare by canonical domain), and a later run must too. HubSpot's search asked only for
 * `acme.se`, `www.acme.se` and punycode and kept answers equal to one of them as strings, so a
 * later run created a second HubSpot company beside it (RELIABILITY.md bug 64). Salesforce's
 * Website search compares hosts and already paired them: pinned here beside it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TenantRun } from '../../src/app/sync-tenant.js';
import { type E2E, startE2E } from './support.js';

/** Domains as people type them in a CRM, and the Propstreet domain each is. */
const TYPED = [
  ['https://www.acme.se/', 'acme.se'],
  ['http://acme.se', 'acme.se'],
  ['acme.se/', 'acme.se'],
  ['HTTPS://WWW.Acme.SE', 'acme.se'],
  ['https://xn--bcher-kva.de/', 'bücher.de'],
] as const;

const LATER = {
  tenant: 'acme',
  connection: { objects: ['companies'], direction: 'to-crm', match: ['externalRef', 'key', 'domain'] },
} as const;

/** The action a run planned for a Propstreet company, and the CRM record it names. */
function planned(run: TenantRun, propstreetId: string | undefined) {
  const r = run.connections[0]?.records.find((p) => p.propstreetId === propstreetId);
  return { action: r?.action, crmId: r?.crmId };
}

describe('a later run finds a CRM company whose domain is typed as a web address', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  for (const [typed, domain] of TYPED)
    it(`HubSpot domain ${typed} pairs with Propstreet ${domain}, never a second company (bug 64)`, async () => {
      e = await startE2E({ salesforce: false, propstreetPerMinute: 1_000_000 }, LATER);
      const hs = e.sb.hubspot?.control.companies;
      if (!hs) throw new Error('no HubSpot fake');
      const held = hs.createAsUser({ name: 'Held HS', domain: typed });
      // The first sync leaves the held company alone (to-crm, nothing in Propstreet for it yet).
      e.sb.propstreet.seedCompanies([{ name: 'Filler AB', domain: 'filler.se' }]);
      await e.run();
      const [company] = e.sb.propstreet.seedCompanies([{ name: 'New AB', domain }]);
      const later = await e.run();
      expect(planned(later, company?.id)).toEqual({ action: 'link', crmId: held });
      expect(hs.get(held)?.properties.propstreet_id).toBe(company?.id);
      expect(hs.dump().filter((c) => !c.archived)).toHaveLength(2);
    });

  it('Salesforce Website typed any of these ways pairs too', async () => {
    e = await startE2E({ hubspot: false, propstreetPerMinute: 1_000_000 }, LATER);
    const sf = e.sb.salesforce?.control.accounts;
    if (!sf) throw new Error('no Salesforce fake');
    const held = TYPED.map(([typed], i) =>
      sf.create({ Name: `Held SF ${i}`, Website: typed.replace(/acme/i, `acme${i}`) }),
    );
    e.sb.propstreet.seedCompanies([{ name: 'Filler AB', domain: 'filler.se' }]);
    await e.run();
    const companies = e.sb.propstreet.seedCompanies(
      TYPED.map(([, domain], i) => ({ name: `New ${i}`, domain: domain.replace('acme', `acme${i}`) })),
    );
    const later = await e.run();
    expect(companies.map((c) => planned(later, c.id))).toEqual(
      held.map((crmId) => ({ action: 'link', crmId })),
    );
    expect(sf.dump()).toHaveLength(TYPED.length + 1);
  });

  it('many new companies: every spelling is searched within HubSpot’s limits (100 values, 3,000 characters) and each pairs', async () => {
    e = await startE2E({ salesforce: false, propstreetPerMinute: 1_000_000 }, LATER);
    const hs = e.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const n = 40;
    const held = Array.from({ length: n }, (_, i) =>
      hs.createAsUser({ name: `Held ${i}`, domain: `https://www.company-number-${i}.se/` }),
    );
    e.sb.propstreet.seedCompanies([{ name: 'Filler AB', domain: 'filler.se' }]);
    await e.run();
    const companiesBefore = hs.dump().length;
    const companies = e.sb.propstreet.seedCompanies(
      Array.from({ length: n }, (_, i) => ({ name: `New ${i}`, domain: `company-number-${i}.se` })),
    );
    const requests = e.sb.hubspot?.control.apiRequests().length ?? 0;
    const later = await e.run();
    expect(companies.map((c) => planned(later, c.id))).toEqual(
      held.map((crmId) => ({ action: 'link', crmId })),
    );
    expect(hs.dump()).toHaveLength(companiesBefore);
    const searches = (e.sb.hubspot?.control.apiRequests() ?? [])
      .slice(requests)
      .filter((r) => r.path === '/crm/v3/objects/companies/search');
    // 40 domains × 12 spellings: more than one search, none refused.
    expect(searches.length).toBeGreaterThan(1);
    expect(searches.filter((r) => r.status !== 200)).toEqual([]);
  });
});
