/**
 * Round-trip stability, the property that keeps the sync from looping: for every supported
 * canonical value v on a `both` field, CRM(v) read back is v, and Propstreet(v) applied and
 * read back is v.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalToCrm,
  crmToCanonical,
  type FieldMapping,
  loadMapping,
  loadMappingFromString,
  type Mapping,
  normalise,
} from '../../src/mapping/index.js';
import type { ContactWrite } from '../../src/propstreet/schema.js';
import { nullable, rawEmail, rawLanguage, rawName, rawPhone, rawTagList, rawTagText } from './arbitraries.js';
import { applyWrite, contact, contactWrite, fromContact } from './contact-builder.js';

const everyAccessor = loadMappingFromString(
  `crm: salesforce
defaultRegion: SE
fields:
  - { name: firstName, propstreet: firstName, crm: FirstName }
  - { name: lastName, propstreet: lastName, crm: LastName, required: true, default: "[unknown]", maxLength: 80 }
  - { name: email, propstreet: email, crm: Email }
  - { name: phone, propstreet: phone, crm: Phone }
  - { name: mobilePhone, propstreet: mobilePhone, crm: MobilePhone }
  - { name: linkedInUrl, propstreet: linkedInUrl, crm: LinkedIn__c, transform: lowercase }
  - { name: language, propstreet: primaryLanguage, crm: Language__c }
  - { name: tags, propstreet: tags, crm: Tags__c }
  - { name: strategy, propstreet: strategy, crm: Strategy__c, transform: none }
  - { name: company, propstreet: company.name, crm: Company__c, direction: to-crm, transform: uppercase }
`,
  'every-accessor.yaml',
);

const mappings: [string, Mapping][] = [
  ['hubspot', loadMapping('mappings/hubspot.contacts.yaml')],
  ['salesforce', loadMapping('mappings/salesforce.contacts.yaml')],
  ['every accessor', everyAccessor],
];

function rawFor(field: FieldMapping): fc.Arbitrary<string | readonly string[] | null> {
  switch (field.transform) {
    case 'email':
      return rawEmail;
    case 'phone':
      return rawPhone;
    case 'tags':
      return fc.oneof(rawTagText, rawTagList);
    case 'language':
      return rawLanguage;
    default:
      return fc.oneof(rawName, rawEmail);
  }
}

const both = (m: Mapping) => m.fields.filter((f) => f.direction === 'both');

/** Canonical values of the mapping's `both` fields, from messy raw input (nulls and blanks too). */
function canonicalValues(m: Mapping): fc.Arbitrary<Record<string, string | null>> {
  const entries = both(m).map((f) =>
    nullable(fc.oneof(rawFor(f), fc.constant(''))).map((raw) => [f.name, normalise(f, raw)] as const),
  );
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs));
}

/** A contact as Propstreet could hold it before our write. */
const currentContact = fc
  .record({
    firstName: nullable(rawName),
    email: nullable(fc.emailAddress()),
    phone: nullable(fc.constantFrom('+4687654321', '+46701111111', '0701234567')),
    phones: fc.array(
      fc.record({
        number: fc.constantFrom('+4687654321', '+46701111111', '+46702222222', '12ab'),
        type: fc.constantFrom('mobile', 'Mobile', 'work', 'home', null),
      }),
      { maxLength: 4 },
    ),
    emails: fc.array(fc.record({ address: fc.emailAddress(), type: fc.constantFrom('work', null) }), {
      maxLength: 3,
    }),
    tags: fc.array(fc.string({ maxLength: 6 }), { maxLength: 4 }),
    primaryLanguage: nullable(fc.constantFrom('en', 'sv')),
  })
  .map((w) => applyWrite(contact(), w as ContactWrite));

describe.each(mappings)('round trip: %s', (_name, mapping) => {
  it('crmToCanonical(canonicalToCrm(v)) = v on both fields', () => {
    fc.assert(
      fc.property(canonicalValues(mapping), (v) => {
        const { properties, problems } = canonicalToCrm(v, mapping);
        const back = crmToCanonical({ properties }, mapping);
        for (const f of both(mapping)) {
          // Over-long values are refused, and the default is the placeholder for null: both unsupported.
          if (problems.some((p) => p.field === f.name) || (v[f.name] !== null && v[f.name] === f.default))
            continue;
          expect(back[f.name], f.name).toBe(v[f.name]);
        }
        for (const p of problems) {
          const field = mapping.fields.find((f) => f.name === p.field);
          expect(p.code).toBe('too-long');
          expect((v[p.field] ?? '').length).toBeGreaterThan(field?.maxLength ?? Number.POSITIVE_INFINITY);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fromContact(apply(contactWrite(v))) = v on both fields', () => {
    fc.assert(
      fc.property(canonicalValues(mapping), currentContact, (v, current) => {
        const next = applyWrite(current, contactWrite(v, mapping, current));
        const back = fromContact(next, mapping);
        for (const f of both(mapping)) expect(back[f.name], f.name).toBe(v[f.name]);
      }),
      { numRuns: 500 },
    );
  });

  it('a partial write changes the fields it carries and leaves the others as they were', () => {
    const partial = fc
      .tuple(canonicalValues(mapping), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }))
      .map(([v, keep]) => Object.fromEntries(Object.entries(v).filter((_, i) => keep[i])));
    fc.assert(
      fc.property(partial, currentContact, (v, current) => {
        const before = fromContact(current, mapping);
        const back = fromContact(applyWrite(current, contactWrite(v, mapping, current)), mapping);
        for (const f of both(mapping))
          expect(back[f.name], f.name).toBe(f.name in v ? v[f.name] : before[f.name]);
      }),
      { numRuns: 500 },
    );
  });

  it('a create round-trips too', () => {
    fc.assert(
      fc.property(canonicalValues(mapping), (v) => {
        const back = fromContact(applyWrite(contact(), contactWrite(v, mapping, null)), mapping);
        for (const f of both(mapping)) expect(back[f.name], f.name).toBe(v[f.name]);
      }),
      { numRuns: 300 },
    );
  });

  it('reading is already normalised: canonical values of any contact round-trip unchanged', () => {
    fc.assert(
      fc.property(currentContact, (current) => {
        const v = fromContact(current, mapping);
        const again = fromContact(applyWrite(current, contactWrite(v, mapping, current)), mapping);
        expect(again).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });
});
