/**
 * Company tags mapped to a HubSpot "multiple checkboxes" property: a list of two or more tags was
 * fitted whole against the single options, never sent, and a later HubSpot edit then read as
 * removing the tags HubSpot had never been given (a Propstreet tag lost; RELIABILITY.md bug 34,
 * found by a review probe). Each tag is fitted on its own now.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

describe('company tags in a HubSpot checkbox property', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('sends every tag that is an option, and a HubSpot untick removes only that tag', async () => {
    e = await startE2E(
      { salesforce: false },
      {
        tenant: 'acme',
        connection: {
          objects: ['companies'],
          companies: { mappingOverrides: { fields: { tags: { crm: 'propstreet_taglist' } } } },
        },
      },
    );
    e.sb.propstreet.setRateLimit(600_000);
    const defined = await fetch(`${e.sb.hubspot?.url}/crm/v3/properties/companies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.sb.tokens.hubspot}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'propstreet_taglist',
        label: 'Tags',
        type: 'enumeration',
        fieldType: 'checkbox',
        groupName: 'companyinformation',
        options: ['Investor', 'Lender', 'Developer'].map((v, i) => ({
          value: v,
          label: v,
          displayOrder: i,
          hidden: false,
        })),
      }),
    });
    expect(defined.status).toBe(201);
    const hs = e.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const [one, two] = e.sb.propstreet.seedCompanies([
      { name: 'One Tag AB', domain: 'one.se', tags: ['Investor'] },
      { name: 'Two Tags AB', domain: 'two.se', tags: ['Investor', 'lender'] },
    ]);
    if (!one || !two) throw new Error('seed');
    const first = (await e.run()).connections[0];
    expect(first?.records.flatMap((r) => r.notSent ?? [])).toEqual([]);
    const inHubSpot = (id: string) => hs.dump().find((c) => c.properties.propstreet_id === id);
    // Each tag as the portal spells its option.
    expect(inHubSpot(two.id)?.properties.propstreet_taglist).toBe('Investor;Lender');
    e.sb.propstreet.editCompanyAsUser(one.id, { tags: ['Investor', 'Developer', 'Lender'] });
    await e.run();
    const oneInHubSpot = inHubSpot(one.id);
    if (!oneInHubSpot) throw new Error('not in HubSpot');
    expect(oneInHubSpot.properties.propstreet_taglist?.split(';').sort()).toEqual([
      'Developer',
      'Investor',
      'Lender',
    ]);
    hs.editAsUser(oneInHubSpot.id, { propstreet_taglist: 'Investor;Lender' });
    await e.run();
    const tags = e.sb.propstreet.allCompanies().find((c) => c.id === one.id)?.tags;
    expect([...(tags ?? [])].sort()).toEqual(['Investor', 'Lender']);
  });
});
