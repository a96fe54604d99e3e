/** Which companies the CRM holds now, and what that makes of a contact's shadow (in memory). */
import { describe, expect, it } from 'vitest';
import { CompanyLinks } from '../../src/links/company-links.js';
import type { Employments } from '../../src/links/employments.js';

const emp = (
  primary: string | null,
  companies: Record<string, string | null>,
  crm?: Record<string, string>,
): Employments => ({
  primary,
  companies: new Map(Object.entries(companies)),
  ...(crm ? { crmCompanies: new Map(Object.entries(crm)) } : {}),
});

function links(linked: Record<string, string>, ended: string[] = []) {
  const asked: string[][] = [];
  const lookup = new CompanyLinks({
    companies: {
      async crmIds(ids) {
        asked.push([...ids]);
        return new Map(ids.flatMap((id) => (linked[id] ? [[id, linked[id]] as const] : [])));
      },
      async propstreetIds() {
        return new Map();
      },
    },
    endedCompanies: async (ids) => new Set(ids.filter((id) => ended.includes(id))),
  });
  return { lookup, asked };
}

describe('CompanyLinks', () => {
  it('looks each company up once', async () => {
    const { lookup, asked } = links({ a: '1' });
    await lookup.learn(['a', 'b']);
    await lookup.learn(['a', 'b', 'c']);
    expect(asked).toEqual([['a', 'b'], ['c']]);
  });

  it('a company the CRM cannot hold: unlinked, and in the shadow or ended; one not synced yet is not', async () => {
    const { lookup } = links({ a: '1' }, ['e']);
    await lookup.learn(['a', 'b', 'e', 'n']);
    const shadow = emp('a', { a: null, b: null });
    expect([...lookup.unknownFor(shadow, emp('a', { a: null, b: null, e: null, n: null }))].sort()).toEqual([
      'b',
      'e',
    ]);
  });

  it('compares a shadow without the companies it recorded with another CRM company than they have now', async () => {
    const { lookup } = links({ a: '1', b: '7', c: '3' });
    await lookup.learn(['a', 'b', 'c']);
    // b was held by no CRM company ('') and is linked to 7 now; c was 2 and is 3 now (recreated).
    const shadow = emp('c', { a: 'CEO', b: null, c: 'CFO' }, { a: '1', b: '', c: '2' });
    expect(lookup.comparable(shadow)).toEqual(emp(null, { a: 'CEO' }, { a: '1', b: '', c: '2' }));
    // A shadow from before companies were recorded is compared as it is.
    const legacy = emp('c', { a: 'CEO', c: 'CFO' });
    expect(lookup.comparable(legacy)).toBe(legacy);
    // Recorded: what each company is linked to now.
    expect(lookup.recorded(emp('a', { a: null, z: null })).crmCompanies).toEqual(
      new Map([
        ['a', '1'],
        ['z', ''],
      ]),
    );
  });
});
