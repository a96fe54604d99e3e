import { describe, expect, it } from 'vitest';
import { CONTACT_ACCESSORS } from '../../src/kinds/contacts/accessors.js';
import {
  canonicalToCrm,
  crmToCanonical,
  loadMapping,
  loadMappingFromString,
  propstreetToCanonical,
} from '../../src/mapping/index.js';
import { aContact } from '../engine/pair-builders.js';

const salesforce = loadMapping('mappings/salesforce.contacts.yaml');

describe('canonicalToCrm', () => {
  it('sends the LastName default for a missing last name and reads it back as null', () => {
    const { properties, problems } = canonicalToCrm({ firstName: 'Åsa', lastName: null }, salesforce);
    expect(properties).toEqual({ FirstName: 'Åsa', LastName: '[unknown]' });
    expect(problems).toEqual([]);
    expect(crmToCanonical({ properties }, salesforce)).toMatchObject({ firstName: 'Åsa', lastName: null });
  });

  it('reads the placeholder of a both-ways field as none on the Propstreet side too: a value equal to it is never seen as cleared', () => {
    const named = (lastName: string) =>
      propstreetToCanonical(aContact({ lastName }), salesforce, CONTACT_ACCESSORS);
    expect(named('[unknown]')).toMatchObject({ lastName: null });
    expect(named('Berg')).toMatchObject({ lastName: 'Berg' });
  });

  it('applies defaults to absent fields on create and leaves other nulls out', () => {
    const { properties } = canonicalToCrm({ email: 'A@B.SE', phone: null }, salesforce, { create: true });
    expect(properties).toEqual({ LastName: '[unknown]', Email: 'a@b.se' });
  });

  it('only touches fields present in values on update', () => {
    expect(canonicalToCrm({ phone: null }, salesforce).properties).toEqual({ Phone: null });
  });

  it('reports a required field without value or default and leaves it out', () => {
    const m = loadMappingFromString(
      'crm: salesforce\nfields:\n  - { name: lastName, propstreet: lastName, crm: LastName, required: true }\n',
      'inline.yaml',
    );
    expect(canonicalToCrm({ lastName: '  ' }, m)).toEqual({
      properties: {},
      problems: [
        {
          field: 'lastName',
          crm: 'LastName',
          code: 'required-missing',
          message: 'LastName is required and has no value',
        },
      ],
      cut: [],
      skipped: [],
    });
  });

  it('reports a value over maxLength instead of cutting it', () => {
    const long = 'Å'.repeat(41);
    const { properties, problems } = canonicalToCrm({ firstName: long, lastName: 'Ek' }, salesforce);
    expect(properties).toEqual({ LastName: 'Ek' });
    expect(problems).toEqual([
      {
        field: 'firstName',
        crm: 'FirstName',
        code: 'too-long',
        message: 'FirstName allows 40 characters, the value has 41',
      },
    ]);
  });

  it('cuts when truncate is set, without splitting a surrogate pair, and says so', () => {
    const title = `${'a'.repeat(126)}😀😀`;
    const { properties, problems, cut } = canonicalToCrm({ jobTitle: title }, salesforce);
    expect(properties.Title).toBe(`${'a'.repeat(126)}😀`);
    // A notice, not a problem: the field asks for the cut, and the record is written.
    expect(problems).toEqual([]);
    expect(cut.map((p) => p.code)).toEqual(['truncated']);
  });

  it('fits each tag of a list to a multiple-choice property, and leaves out a list with one it cannot fit', () => {
    const mapping = loadMappingFromString(
      'crm: hubspot\nobject: companies\nfields:\n  - name: name\n    propstreet: name\n    crm: name\n  - name: tags\n    propstreet: tags\n    crm: taglist\n',
      'inline.yaml',
    );
    const allowed = new Map([['taglist', ['Investor', 'Lender', 'Developer']]]);
    // Each tag as the portal spells its option (the list in the transform's order).
    expect(canonicalToCrm({ tags: 'investor;Lender' }, mapping, { allowed }).properties).toEqual({
      taglist: 'Lender;Investor',
    });
    const unknown = canonicalToCrm({ tags: 'Investor;Broker' }, mapping, { allowed });
    expect(unknown.properties).toEqual({});
    expect(unknown.skipped.map((s) => s.code)).toEqual(['not-an-option']);
  });

  it("fits a value to the CRM property's options, and leaves out one it has no option for", () => {
    const hubspot = loadMapping('mappings/hubspot.contacts.yaml');
    const allowed = new Map([['hs_language', ['sv', 'en-us', 'en-gb', 'pt-br', 'DE']]]);
    const write = (language: string) => canonicalToCrm({ language, firstName: 'Åsa' }, hubspot, { allowed });
    expect(write('sv')).toEqual({
      properties: { hs_language: 'sv', firstname: 'Åsa' },
      problems: [],
      cut: [],
      skipped: [],
    });
    // No bare "en" in this portal: the first English option, which reads back as "en".
    expect(write('en').properties.hs_language).toBe('en-us');
    expect(crmToCanonical({ properties: { hs_language: 'en-us' } }, hubspot).language).toBe('en');
    expect(write('pt').properties.hs_language).toBe('pt-br');
    expect(write('de').properties.hs_language).toBe('DE');
    const finnish = write('fi');
    expect(finnish.properties).toEqual({ firstname: 'Åsa' });
    expect(finnish.problems).toEqual([]);
    expect(finnish.skipped).toEqual([
      {
        field: 'language',
        crm: 'hs_language',
        code: 'not-an-option',
        message: `hs_language: "fi" is not one of the CRM's options for this property (sv, en-us, en-gb, pt-br, DE); not sent`,
      },
    ]);
    // Clearing needs no option; a property without a list takes anything.
    expect(write('').properties).toEqual({ hs_language: null, firstname: 'Åsa' });
    expect(canonicalToCrm({ language: 'fi' }, hubspot).properties).toEqual({ hs_language: 'fi' });
  });

  it('writes a constant field on create', () => {
    const m = loadMappingFromString(
      'crm: salesforce\nfields:\n  - { name: email, propstreet: email, crm: Email }\n  - { name: source, crm: LeadSource, default: Propstreet }\n',
      'inline.yaml',
    );
    expect(canonicalToCrm({ email: 'a@b.se' }, m, { create: true }).properties).toEqual({
      Email: 'a@b.se',
      LeadSource: 'Propstreet',
    });
    expect(canonicalToCrm({ email: 'a@b.se' }, m).properties).toEqual({ Email: 'a@b.se' });
  });

  it('reads properties the CRM left out as null', () => {
    expect(crmToCanonical({ properties: { Email: ' X@Y.se ' } }, salesforce)).toEqual({
      firstName: null,
      lastName: null,
      email: 'x@y.se',
      phone: null,
      mobilePhone: null,
    });
  });
});
