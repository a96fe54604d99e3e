/**
 * Whole runs of the companies kind, property-based: random scripts of people creating, editing
 * and deleting companies on both sides (values typed the way people type them: a country's
 * name for its code, a URL for a domain), with syncs in between, against HubSpot and
 * Salesforce. After the script and one more run:
 * - every run ends `ok` (no record fails);
 * - both sides of every link agree on every field that flows both ways, and the homepage
 *   reached the CRM;
 * - a further run writes nothing (no echo, no loop).
 * PROPSYNC_PROPERTY_SEED reruns a reported counterexample; PROPSYNC_PROPERTY_RUNS sets how many.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrmType } from '../../src/kinds/kind-spec.js';
import type { Company } from '../../src/propstreet/company-schema.js';
import { CompanyHarness } from '../support/in-memory/company-harness.js';

const SEED = Number(process.env.PROPSYNC_PROPERTY_SEED ?? 14_014);
const RUNS = Number(process.env.PROPSYNC_PROPERTY_RUNS ?? 25);

/** What people type, per canonical field; the CRM side names its own properties. */
const TYPED = {
  name: ['Acme AB', ' Acme AB ', 'Beta Invest', 'Gamma'],
  domain: ['acme.se', 'WWW.acme.se', 'https://beta.no/about', 'gamma.dk', null],
  country: ['SE', 'Sweden', 'se', 'Norge', 'DK', null],
  strategy: ['Core', 'Value-add', null],
  tags: ['a;b', 'b', null],
} as const;
type Field = keyof typeof TYPED;
const FIELDS = Object.keys(TYPED) as Field[];
const PROPERTY: Record<CrmType, Record<Field, string>> = {
  hubspot: {
    name: 'name',
    domain: 'domain',
    country: 'country',
    strategy: 'description',
    tags: 'propstreet_tags',
  },
  salesforce: {
    name: 'Name',
    domain: 'Website',
    country: 'BillingCountry',
    strategy: 'Description',
    tags: '',
  },
};
const HOMEPAGES = ['https://www.acme.se/om', 'delta.se', 'http://Beta.no'];

type Side = 'propstreet' | 'crm';
type Step =
  | { readonly kind: 'create'; readonly side: Side; readonly name: number }
  | {
      readonly kind: 'edit';
      readonly side: Side;
      readonly pick: number;
      readonly field: Field;
      readonly value: number;
    }
  | { readonly kind: 'homepage'; readonly pick: number; readonly value: number }
  | { readonly kind: 'contacts'; readonly pick: number; readonly count: number }
  | { readonly kind: 'delete'; readonly side: Side; readonly pick: number }
  | { readonly kind: 'sync' };

const side = fc.constantFrom<Side>('propstreet', 'crm');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), side, name: fc.nat(3) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      side,
      pick: fc.nat(),
      field: fc.constantFrom(...FIELDS),
      value: fc.nat(5),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('homepage' as const), pick: fc.nat(), value: fc.nat(2) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('contacts' as const), pick: fc.nat(), count: fc.nat(2) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), side, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sync' as const }) },
);

const pick = <T>(xs: readonly T[], n: number): T | undefined => xs[n % Math.max(1, xs.length)];

/** Applies one person's step to the world. */
function act(h: CompanyHarness, s: Step, created: { n: number }): void {
  const w = h.world;
  const livePs = [...w.propstreet.values()].filter((c) => !c.deletedUtc).map((c) => c.id);
  const liveCrm = [...w.crm.entries()].filter(([, r]) => !r.deleted).map(([id]) => id);
  const prop = PROPERTY[h.crm];
  switch (s.kind) {
    case 'create': {
      // A unique name, so no two companies pair by accident (pairing is by id and key here).
      const name = `${TYPED.name[s.name]} ${++created.n}`;
      if (s.side === 'propstreet') w.createInPropstreet({ name });
      else w.createInCrm({ [prop.name]: name });
      return;
    }
    case 'edit': {
      const raw = pick(TYPED[s.field], s.value) ?? null;
      const id = pick(s.side === 'propstreet' ? livePs : liveCrm, s.pick);
      if (id === undefined || (s.field === 'name' && raw === null)) return;
      if (s.side === 'crm') {
        if (prop[s.field]) w.editCrm(id, { [prop[s.field]]: raw });
        return;
      }
      w.editPropstreet(id, propstreetEdit(s.field, raw));
      return;
    }
    case 'homepage': {
      const id = pick(livePs, s.pick);
      if (id !== undefined) w.editPropstreet(id, { homepageUrl: pick(HOMEPAGES, s.value) ?? null });
      return;
    }
    case 'contacts': {
      const id = pick(livePs, s.pick);
      if (id !== undefined) w.setContacts(id, s.count);
      return;
    }
    case 'delete': {
      const id = pick(s.side === 'propstreet' ? livePs : liveCrm, s.pick);
      if (id === undefined) return;
      if (s.side === 'propstreet') w.deleteInPropstreet(id);
      else w.deleteInCrm(id);
      return;
    }
    case 'sync':
      return;
  }
}

/** A Propstreet edit as the API would store it (domain lower-case without www, tags a list). */
function propstreetEdit(field: Field, raw: string | null): Partial<Company> {
  switch (field) {
    case 'name':
      return { name: raw ?? '' };
    case 'domain':
      return { domain: raw === null ? null : raw.toLowerCase().replace(/^www\./, '') };
    case 'country':
      return { countryCode: raw === null ? null : raw.slice(0, 2).toUpperCase() };
    case 'strategy':
      return { strategy: raw };
    case 'tags':
      return { tags: raw === null ? [] : raw.split(';') };
  }
}

async function settlesAndAgrees(crm: CrmType, steps: readonly Step[]): Promise<void> {
  const h = new CompanyHarness(crm, { deletes: { fromPropstreet: 'archive', fromCrm: 'delete' } });
  try {
    const created = { n: 0 };
    for (const s of steps) {
      if (s.kind === 'sync') expect((await h.run()).result.status).toBe('ok');
      else act(h, s, created);
    }
    expect((await h.run()).result.status).toBe('ok');
    for (const link of await h.links()) {
      const ps = h.propstreetValues(link.propstreetId);
      const crmValues = h.crmValues(link.crmId);
      for (const f of h.mapper.fields)
        if (f.direction === 'both') expect([f.name, crmValues[f.name]]).toEqual([f.name, ps[f.name]]);
      if (crm === 'hubspot')
        expect(h.mapper.canonical('website', h.world.crmRow(link.crmId).properties.website)).toBe(
          ps.website ?? null,
        );
    }
    const before = h.world.writes.length;
    await h.run();
    expect(h.writesSince(before)).toEqual([]);
  } finally {
    await h.close();
  }
}

describe('companies: random edit scripts on both sides settle, agree and rerun quietly', () => {
  for (const crm of ['hubspot', 'salesforce'] as const)
    it(`against ${crm}`, { timeout: 120_000 }, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), (steps) =>
          settlesAndAgrees(crm, steps),
        ),
        { seed: SEED, numRuns: RUNS },
      );
    });
});
