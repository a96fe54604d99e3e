/**
 * Mapping files of the companies kind: the shipped ones load, a file is checked against the
 * accessors of the kind its `object` names (with file, line, "did you mean"), and values
 * round-trip through both sides, so a sync of companies cannot loop.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPropsyncError } from '../../src/core/errors.js';
import { COMPANY_ACCESSORS } from '../../src/kinds/companies/accessors.js';
import {
  canonicalToCrm,
  canonicalToPropstreet,
  crmToCanonical,
  type FieldMapping,
  loadMapping,
  loadMappingFromString,
  type Mapping,
  normalise,
  propstreetToCanonical,
} from '../../src/mapping/index.js';
import { normaliseDomain } from '../../src/mapping/transforms.js';
import { type Company, type CompanyWrite, companySchema } from '../../src/propstreet/company-schema.js';
import { nullable, rawCountry, rawName, rawTagText, rawWeb } from './arbitraries.js';

const hubspot = loadMapping('mappings/hubspot.companies.yaml');
const salesforce = loadMapping('mappings/salesforce.accounts.yaml');

function errorOf(text: string): string {
  try {
    loadMappingFromString(text, 'FILE');
  } catch (e) {
    if (isPropsyncError(e)) return e.message;
    throw e;
  }
  throw new Error('expected the mapping to be refused');
}

describe('companies mapping files', () => {
  it('ship for both CRMs, with the kind named', () => {
    const shape = (m: Mapping) =>
      m.fields.map((f) => [f.name, f.propstreet, f.crm, f.direction, f.transform]);
    expect(hubspot.object).toBe('companies');
    expect(shape(hubspot)).toEqual([
      ['name', 'name', 'name', 'both', 'trim'],
      ['domain', 'domain', 'domain', 'both', 'domain'],
      ['website', 'homepageUrl', 'website', 'to-crm', 'url'],
      ['country', 'countryCode', 'country', 'both', 'country'],
      ['linkedInUrl', 'linkedInUrl', 'linkedin_company_page', 'both', 'url'],
      ['strategy', 'strategy', 'description', 'both', 'trim'],
      ['tags', 'tags', 'propstreet_tags', 'both', 'tags'],
    ]);
    expect(salesforce.object).toBe('companies');
    expect(shape(salesforce)).toEqual([
      ['name', 'name', 'Name', 'both', 'trim'],
      ['domain', 'domain', 'Website', 'both', 'domain'],
      ['country', 'countryCode', 'BillingCountry', 'both', 'country'],
      ['strategy', 'strategy', 'Description', 'both', 'trim'],
    ]);
  });

  it('are checked against the companies accessors, with the closest one named', () => {
    const head = 'crm: hubspot\nobject: companies\nfields:\n';
    expect(errorOf(`${head}  - name: first\n    propstreet: firstName\n    crm: firstname\n`)).toBe(
      'FILE:5:17 fields[0].propstreet: expected one of name | domain | homepageUrl | linkedInUrl | countryCode | strategy | tags (the companies accessors), got "firstName"',
    );
    expect(errorOf(`${head}  - name: home\n    propstreet: homepageURL\n    crm: website\n`)).toMatch(
      /fields\[0\]\.propstreet: expected one of .* got "homepageURL" \(did you mean "homepageUrl"\?\)$/,
    );
    expect(errorOf(`${head}  - name: n\n    propstreet: name\n    crm: num_associated_contacts\n`)).toBe(
      'FILE:6:10 fields[0].crm: "num_associated_contacts" is read-only in hubspot: the connector reads it to keep companies that still have linked contacts, and it cannot be mapped',
    );
    expect(
      errorOf('crm: hubspot\nobject: people\nfields:\n  - name: n\n    crm: name\n    default: x\n'),
    ).toBe('FILE:2:9 object: expected one of contacts | companies, got "people"');
  });

  it('check overrides against the kind of the file they change', () => {
    const add = (propstreet: string, direction?: string) => () =>
      loadMapping('mappings/hubspot.companies.yaml', {
        overrides: {
          add: [{ name: 'extra', propstreet, crm: 'extra_field', ...(direction ? { direction } : {}) }],
        },
        source: 'tenants/acme.yaml',
        at: ['connections', 0, 'mappingOverrides'],
      });
    expect(add('mobilePhone')).toThrow(
      /tenants\/acme\.yaml connections\[0\]\.mappingOverrides\.add\[0\]\.propstreet: expected one of name \|/,
    );
    expect(add('homepageUrl', 'to-crm')().fields.at(-1)).toMatchObject({
      propstreet: 'homepageUrl',
      transform: 'url',
    });
    // Both ways (the default), beside the file's domain: Propstreet would derive one from the other.
    expect(add('homepageUrl')).toThrow(
      /mappingOverrides\.add\[0\]\.direction: propstreet "homepageUrl" written to Propstreet makes Propstreet derive "domain"/,
    );
  });

  it('read the CRM record a company is created from, and the mapper adds what the kind reads', () => {
    const values = crmToCanonical(
      {
        properties: {
          name: ' Acme AB ',
          domain: 'https://WWW.acme.se/om',
          country: 'Sweden',
          linkedin_company_page: 'linkedin.com/company/acme/',
          propstreet_tags: 'b; a',
        },
      },
      hubspot,
    );
    expect(values).toEqual({
      name: 'Acme AB',
      domain: 'acme.se',
      country: 'SE',
      linkedInUrl: 'https://linkedin.com/company/acme/',
      strategy: null,
      tags: 'a;b',
    });
  });
});

/** A company as Propstreet holds it after a write (absent leaves, null clears, the domain normalised). */
function applyCompanyWrite(current: Company, write: CompanyWrite): Company {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(write)) if (value !== undefined) next[key] = value;
  if (write.domain !== undefined) next.domain = write.domain === null ? null : normaliseDomain(write.domain);
  return companySchema.parse(next);
}

const aCompany = (fields: Partial<Record<keyof Company, unknown>> = {}): Company =>
  companySchema.parse({
    id: 'co-1',
    name: 'Before AB',
    createdUtc: '2026-01-01T00:00:00Z',
    updatedUtc: '2026-01-01T00:00:00Z',
    ...fields,
  });

function rawFor(field: FieldMapping): fc.Arbitrary<string | null> {
  switch (field.transform) {
    case 'domain':
    case 'url':
      return rawWeb;
    case 'country':
      return rawCountry;
    case 'tags':
      return rawTagText;
    default:
      return rawName;
  }
}

const both = (m: Mapping) => m.fields.filter((f) => f.direction === 'both');

/** Canonical values of the `both` fields; a name is never null (Propstreet and Salesforce require one). */
function canonicalValues(m: Mapping): fc.Arbitrary<Record<string, string | null>> {
  const entries = both(m).map((f) =>
    (f.name === 'name' ? rawName : nullable(rawFor(f))).map((raw) => [f.name, normalise(f, raw)] as const),
  );
  return fc
    .tuple(...entries)
    .map((pairs) => Object.fromEntries(pairs))
    .filter((v) => v.name !== null);
}

describe.each([
  ['hubspot', hubspot],
  ['salesforce', salesforce],
])('companies round trip: %s', (_name, mapping) => {
  it('crmToCanonical(canonicalToCrm(v)) = v on both fields', () => {
    fc.assert(
      fc.property(canonicalValues(mapping), (v) => {
        const { properties, problems } = canonicalToCrm(v, mapping);
        const back = crmToCanonical({ properties }, mapping);
        for (const f of both(mapping))
          if (!problems.some((p) => p.field === f.name)) expect(back[f.name], f.name).toBe(v[f.name]);
        for (const p of problems) expect(p.code).toBe('too-long');
      }),
      { numRuns: 400 },
    );
  });

  it('read(apply(write(v))) = v on both fields, for an update and a create', () => {
    fc.assert(
      fc.property(canonicalValues(mapping), fc.boolean(), (v, create) => {
        const current = create ? aCompany({ name: v.name }) : aCompany({ domain: 'old.se', tags: ['x'] });
        const write = canonicalToPropstreet(v, mapping, COMPANY_ACCESSORS, create ? null : current);
        const back = propstreetToCanonical(applyCompanyWrite(current, write), mapping, COMPANY_ACCESSORS);
        for (const f of both(mapping)) expect(back[f.name], f.name).toBe(v[f.name]);
      }),
      { numRuns: 400 },
    );
  });
});
