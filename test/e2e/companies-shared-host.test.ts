/**
 * Companies whose website is a page on a host many share (a Facebook page): a domain match paired
 * two unrelated companies and overwrote one with the other's name and description (RELIABILITY.md
 * bug 32, found by a review probe). Such a host pairs nothing by domain; a real domain still does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

describe('companies on a shared host', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('Salesforce: two Facebook pages are two companies; an Account on a real domain still pairs', async () => {
    e = await startE2E(
      { hubspot: false },
      { tenant: 'acme', connection: { objects: ['companies'], match: ['externalRef', 'key', 'domain'] } },
    );
    e.sb.propstreet.setRateLimit(600_000);
    const sf = e.sb.salesforce?.control.accounts;
    if (!sf) throw new Error('no Salesforce fake');
    const otter = sf.create({
      Name: 'Otter Bygg AB',
      Website: 'https://www.facebook.com/otterbygg',
      Description: 'Roofing, Umeå',
    });
    const real = sf.create({ Name: 'Real AB', Website: 'https://www.real.se/om' });
    const [acme, realInPropstreet] = e.sb.propstreet.seedCompanies([
      { name: 'Acme Bygg AB', homepageUrl: 'https://facebook.com/acmebygg', strategy: 'Residential, Malmö' },
      { name: 'Real AB', domain: 'real.se' },
    ]);
    if (!acme || !realInPropstreet) throw new Error('seed');
    await e.run();
    expect(sf.get(otter)).toMatchObject({
      Name: 'Otter Bygg AB',
      Description: 'Roofing, Umeå',
      Propstreet_Id__c: expect.not.stringMatching(acme.id),
    });
    expect(sf.get(real)?.Propstreet_Id__c).toBe(realInPropstreet.id);
    const names = e.sb.propstreet
      .allCompanies()
      .filter((c) => !c.deletedUtc)
      .map((c) => c.name)
      .sort();
    expect(names).toEqual(['Acme Bygg AB', 'Otter Bygg AB', 'Real AB']);
  });

  it('HubSpot: a company whose domain is facebook.com pairs with no other such company', async () => {
    e = await startE2E(
      { salesforce: false },
      { tenant: 'acme', connection: { objects: ['companies'], match: ['externalRef', 'key', 'domain'] } },
    );
    e.sb.propstreet.setRateLimit(600_000);
    const hs = e.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const otter = hs.createAsUser({ name: 'Otter Bygg AB', domain: 'facebook.com', description: 'Roofing' });
    const [acme] = e.sb.propstreet.seedCompanies([
      { name: 'Acme Bygg AB', homepageUrl: 'https://www.facebook.com/acmebygg' },
    ]);
    if (!acme) throw new Error('seed');
    await e.run();
    expect(hs.get(otter)?.properties).toMatchObject({ name: 'Otter Bygg AB', description: 'Roofing' });
    expect(hs.get(otter)?.properties.propstreet_id).not.toBe(acme.id);
    expect(hs.dump().filter((c) => !c.archived)).toHaveLength(2);
  });

  for (const when of ['first', 'later'] as const)
    it(`${when} sync: a company whose domain the CRMs hold in another spelling pairs, never a second company (bug 33)`, async () => {
      e = await startE2E(
        {},
        {
          tenant: 'acme',
          connection: {
            objects: ['companies'],
            direction: 'to-crm',
            match: ['externalRef', 'key', 'domain'],
          },
        },
      );
      e.sb.propstreet.setRateLimit(600_000);
      const hs = e.sb.hubspot?.control.companies;
      const sf = e.sb.salesforce?.control.accounts;
      if (!hs || !sf) throw new Error('a bridge has both CRMs');
      const held = [
        hs.createAsUser({ name: 'Acme HS', domain: 'www.acme.se' }),
        hs.createAsUser({ name: 'Bücher HS', domain: 'xn--bcher-kva.de' }),
      ];
      const accounts = [
        sf.create({ Name: 'Bücher SF', Website: 'https://www.xn--bcher-kva.de/' }),
        sf.create({ Name: 'Acme SF', Website: 'http://WWW.Acme.se./om' }),
      ];
      // A later run reads only what changed, and searches each CRM for the new companies' domains.
      if (when === 'later') {
        e.sb.propstreet.seedCompanies([{ name: 'Filler AB', domain: 'filler.se' }]);
        await e.run();
      }
      e.sb.propstreet.seedCompanies([
        { name: 'Acme AB', domain: 'acme.se' },
        { name: 'Bücher GmbH', domain: 'bücher.de' },
      ]);
      await e.run();
      for (const id of held) expect(hs.get(id)?.properties.propstreet_id ?? '').not.toBe('');
      for (const id of accounts) expect(sf.get(id)?.Propstreet_Id__c ?? '').not.toBe('');
      const named = (name: unknown) => /acme|b[uü]cher/i.test(String(name));
      expect(hs.dump().filter((c) => !c.archived && named(c.properties.name))).toHaveLength(2);
      expect(sf.dump().filter((a) => named(a.Name))).toHaveLength(2);
    });
});
