import { describe, expect, it } from 'vitest';
import { readContact } from '../../src/kinds/contacts/accessors.js';
import { crmProperties, fieldsFor, loadMapping, loadMappingFromString } from '../../src/mapping/index.js';
import { applyWrite, contact, contactWrite, fromContact } from './contact-builder.js';

const hubspot = loadMapping('mappings/hubspot.contacts.yaml');

describe('Propstreet accessors', () => {
  it('falls back to the primary of emails[] and phones[]', () => {
    const c = contact({
      email: null,
      phone: null,
      emails: [
        { address: 'other@x.se', isPrimary: false },
        { address: 'Main@X.se', isPrimary: true },
      ],
      phones: [
        { number: '070-111 11 11', type: 'work', isPrimary: false },
        { number: '070-123 45 67', type: 'home', isPrimary: true },
      ],
    });
    expect(fromContact(c, hubspot)).toMatchObject({ email: 'main@x.se', phone: '+46701234567' });
    expect(
      readContact(contact({ email: 'a@b.se', emails: [{ address: 'c@d.se', isPrimary: true }] }), 'email'),
    ).toBe('a@b.se');
    expect(readContact(contact({ emails: [{ address: 'c@d.se' }] }), 'email')).toBeNull();
  });

  it('reads the mobile as the first phones[] entry of type mobile', () => {
    const c = contact({
      phones: [
        { number: '+4687654321', type: 'work' },
        { number: '+46701234567', type: 'Mobile' },
        { number: '+46709999999', type: 'mobile' },
      ],
    });
    expect(readContact(c, 'mobilePhone')).toBe('+46701234567');
    expect(readContact(contact(), 'mobilePhone')).toBeNull();
  });

  it('reads company and job title from the primary company only', () => {
    const companies = [
      { id: 'k1', name: 'First AB', jobTitle: 'Analyst' },
      { id: 'k2', name: 'Main AB', jobTitle: 'CEO', isPrimary: true },
    ];
    expect(fromContact(contact({ companies }), hubspot)).toMatchObject({
      company: 'Main AB',
      jobTitle: 'CEO',
    });
    const byId = contact({
      primaryCompanyId: 'k1',
      companies: companies.map((c) => ({ ...c, isPrimary: false })),
    });
    expect(fromContact(byId, hubspot)).toMatchObject({ company: 'First AB', jobTitle: 'Analyst' });
    const none = contact({ companies: [{ id: 'k3', name: 'Some AB' }] });
    expect(fromContact(none, hubspot)).toMatchObject({ company: null, jobTitle: null });
  });

  it('never writes read-only company fields to Propstreet', () => {
    const write = contactWrite({ company: 'X AB', jobTitle: 'CEO', firstName: 'Åsa' }, hubspot, null);
    expect(write).toEqual({ firstName: 'Åsa' });
    expect(fieldsFor(hubspot, 'propstreet', 'write').map((f) => f.name)).not.toContain('company');
  });

  it('writes tags as a list and null to clear', () => {
    expect(contactWrite({ tags: 'b;a' }, hubspot, null)).toEqual({ tags: ['a', 'b'] });
    expect(contactWrite({ tags: null, email: null }, hubspot, null)).toEqual({
      tags: null,
      email: null,
    });
  });

  it('sets the mobile inside the current phones list and keeps the other numbers', () => {
    const current = applyWrite(contact(), {
      phone: '+4687654321',
      phones: [
        { number: '+4687654321', type: 'work' },
        { number: '+46701111111', type: 'mobile' },
        { number: '+46702222222', type: 'mobile' },
      ],
    });
    const write = contactWrite({ mobilePhone: '+46703333333' }, hubspot, current);
    expect(write).toEqual({
      phone: '+4687654321',
      phones: [
        { number: '+4687654321', type: 'work' },
        { number: '+46703333333', type: 'mobile' },
        { number: '+46702222222', type: 'mobile' },
      ],
    });
    const cleared = contactWrite({ mobilePhone: null }, hubspot, current);
    expect(cleared.phones).toEqual([{ number: '+4687654321', type: 'work' }]);
    const created = contactWrite({ mobilePhone: '+46703333333' }, hubspot, null);
    expect(created).toEqual({ phone: null, phones: [{ number: '+46703333333', type: 'mobile' }] });
  });

  it('lists what to read from the CRM: fields that flow to Propstreet', () => {
    expect(crmProperties(hubspot)).toEqual([
      'firstname',
      'lastname',
      'email',
      'phone',
      'mobilephone',
      'hs_language',
      'propstreet_tags',
    ]);
  });

  it('splits fields by side and access', () => {
    const m = loadMappingFromString(
      [
        'crm: hubspot',
        'fields:',
        '  - { name: a, propstreet: firstName, crm: a }',
        '  - { name: b, propstreet: lastName, crm: b, direction: to-crm }',
        '  - { name: c, propstreet: strategy, crm: c, direction: from-crm }',
        '  - { name: d, crm: d, default: Propstreet }',
      ].join('\n'),
      'inline.yaml',
    );
    const names = (side: 'propstreet' | 'crm', access: 'read' | 'write') =>
      fieldsFor(m, side, access).map((f) => f.name);
    expect(names('propstreet', 'read')).toEqual(['a', 'b']);
    expect(names('crm', 'write')).toEqual(['a', 'b', 'd']);
    expect(names('crm', 'read')).toEqual(['a', 'c']);
    expect(names('propstreet', 'write')).toEqual(['a', 'c']);
  });
});
