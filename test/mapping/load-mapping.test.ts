import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadMapping } from '../../src/mapping/index.js';

const dir = mkdtempSync(join(tmpdir(), 'propsync-mapping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function writeMapping(text: string): string {
  counter += 1;
  const file = join(dir, `m${counter}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** Loads `text` from a temp file and returns the error message with the file name as FILE. */
function errorOf(text: string, overrides?: Record<string, unknown>): string {
  const file = writeMapping(text);
  try {
    loadMapping(
      file,
      overrides && { overrides, source: 'tenants/acme.yaml', at: ['connections', 0, 'mappingOverrides'] },
    );
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('MAPPING_INVALID');
    return (e as Error).message.split(file).join('FILE');
  }
  throw new Error('expected the mapping to be rejected');
}

const HEAD = 'crm: hubspot\nfields:\n';
const EMAIL = '  - name: email\n    propstreet: email\n    crm: email\n';

describe('shipped mapping files', () => {
  it('hubspot.contacts.yaml loads with its defaults resolved', () => {
    const m = loadMapping('mappings/hubspot.contacts.yaml');
    expect(m.crm).toBe('hubspot');
    expect(m.defaultRegion).toBe('SE');
    const byName = Object.fromEntries(m.fields.map((f) => [f.name, f]));
    expect(byName.email).toMatchObject({ crm: 'email', direction: 'both', transform: 'email' });
    expect(byName.company).toMatchObject({ propstreet: 'company.name', direction: 'to-crm' });
    expect(byName.language?.transform).toBe('language');
    expect(byName.tags).toMatchObject({ crm: 'propstreet_tags', transform: 'tags' });
    expect(m.fields.map((f) => f.crm)).not.toContain('propstreet_id');
  });

  it('salesforce.contacts.yaml loads with the LastName rule', () => {
    const m = loadMapping('mappings/salesforce.contacts.yaml');
    const last = m.fields.find((f) => f.crm === 'LastName');
    expect(last).toMatchObject({ required: true, default: '[unknown]', maxLength: 80 });
    expect(m.fields.find((f) => f.crm === 'Title')).toMatchObject({ direction: 'to-crm', truncate: true });
  });

  it('names a missing file', () => {
    expect(() => loadMapping(join(dir, 'nope.yaml'))).toThrow(
      /nope\.yaml: cannot read the mapping file \(ENOENT/,
    );
  });
});

describe('broken mapping files: file, line:column, key path and reason', () => {
  const cases: [string, string, string][] = [
    [
      'unknown direction',
      `${HEAD}${EMAIL}  - name: phone\n    propstreet: phone\n    crm: phone\n    direction: sideways\n`,
      'FILE:9:16 fields[1].direction: expected one of both | to-crm | from-crm, got "sideways"',
    ],
    [
      'misspelt key',
      `${HEAD}  - name: email\n    propstreet: email\n    crm: email\n    maxlength: 80\n`,
      'FILE:6:5 fields[0].maxlength: expected a known key, got unknown key "maxlength" (did you mean "maxLength"?)',
    ],
    [
      'unknown top-level key',
      `${HEAD}${EMAIL}colour: blue\n`,
      'FILE:6:1 colour: expected one of crm, object, defaultRegion, fields, got unknown key "colour"',
    ],
    [
      'unknown CRM',
      `crm: pipedrive\nfields:\n${EMAIL}`,
      'FILE:1:6 crm: expected one of hubspot | salesforce, got "pipedrive"',
    ],
    [
      'missing crm property',
      `${HEAD}${EMAIL}  - name: phone\n    propstreet: phone\n`,
      'FILE:6:5 fields[1].crm: expected a string, got nothing',
    ],
    [
      'unknown accessor',
      `${HEAD}  - name: title\n    propstreet: company.title\n    crm: jobtitle\n`,
      'FILE:4:17 fields[0].propstreet: expected one of firstName | lastName | email | phone | mobilePhone | linkedInUrl | primaryLanguage | tags | strategy | company.name | company.jobTitle (the contacts accessors), got "company.title"',
    ],
    [
      'maxLength zero',
      `crm: salesforce\nfields:\n  - name: email\n    propstreet: email\n    crm: Email\n    maxLength: 0\n`,
      'FILE:6:16 fields[0].maxLength: expected a number ≥ 1, got 0',
    ],
    [
      'maxLength not whole',
      `crm: salesforce\nfields:\n  - name: email\n    propstreet: email\n    crm: Email\n    maxLength: 12.5\n`,
      'FILE:6:16 fields[0].maxLength: expected a whole number, got 12.5',
    ],
    [
      'unquoted [unknown] default',
      `crm: salesforce\nfields:\n  - name: lastName\n    propstreet: lastName\n    crm: LastName\n    default: [unknown]\n`,
      'FILE:6:14 fields[0].default: expected a string, got a list (quote values that start with [ or {)',
    ],
    [
      'a default on a both-ways field not required',
      `${HEAD}  - name: language\n    propstreet: primaryLanguage\n    crm: hs_language\n    default: en\n`,
      'FILE:6:14 fields[0].default: a default on a both-ways field needs required: true (the CRM needs a value): a CRM value equal to it reads back as no value, so Propstreet records holding "en" would be cleared; make the field to-crm, or drop the default',
    ],
    [
      'no fields',
      'crm: hubspot\nfields: []\n',
      'FILE:2:9 fields: expected at least 1 entry, got an empty list',
    ],
    [
      'empty file',
      '# nothing here\n',
      'FILE:1:1 (top level): the file is empty, expected a mapping with crm and fields',
    ],
    [
      'YAML syntax error',
      `${HEAD}  - name: "email\n    crm: email\n`,
      'FILE:5:1 (syntax): expected valid YAML, got: Missing closing "quote',
    ],
    [
      'duplicate YAML key',
      `${HEAD}  - name: email\n    crm: email\n    crm: emails\n`,
      'FILE:5:5 (syntax): expected valid YAML, got: Map keys must be unique',
    ],
    [
      'custom tag',
      `${HEAD}  - name: email\n    crm: email\n    default: !!binary aGk=\n`,
      'FILE:5:23 fields[0].default: expected plain YAML data (mapping files cannot run code or use custom tags), got tag !!binary',
    ],
    [
      'duplicate canonical name',
      `${HEAD}${EMAIL}  - name: email\n    propstreet: email\n    crm: hs_email\n    direction: to-crm\n`,
      'FILE:6:11 fields[1].name: duplicate canonical name "email", first defined at FILE:3:11 fields[0].name',
    ],
    [
      'duplicate Salesforce field, ignoring case',
      `crm: salesforce\nfields:\n  - name: email\n    propstreet: email\n    crm: Email\n  - name: email2\n    propstreet: email\n    crm: EMAIL\n    direction: to-crm\n`,
      'FILE:8:10 fields[1].crm: CRM property "EMAIL" is already mapped by field "email" at FILE:5:10 fields[0].crm',
    ],
    [
      'HubSpot name with capitals',
      `${HEAD}  - name: firstName\n    propstreet: firstName\n    crm: FirstName\n`,
      'FILE:5:10 fields[0].crm: expected a HubSpot internal property name (a-z, 0-9, _), got "FirstName"',
    ],
    [
      'the adapter-owned key',
      `${HEAD}${EMAIL}  - name: id\n    propstreet: strategy\n    crm: propstreet_id\n`,
      'FILE:8:10 fields[1].crm: "propstreet_id" is managed by the hubspot adapter and cannot be mapped',
    ],
    [
      'read-only accessor written back',
      `${HEAD}  - name: company\n    propstreet: company.name\n    crm: company\n    direction: both\n`,
      'FILE:6:16 fields[0].direction: propstreet "company.name" is read-only, so direction must be to-crm, got "both"',
    ],
    [
      'required without a source or default',
      `crm: salesforce\nfields:\n${'  - name: email\n    propstreet: email\n    crm: Email\n'}  - name: source\n    crm: LeadSource\n    required: true\n`,
      'FILE:8:15 fields[1].required: a required field needs a default or a propstreet source',
    ],
    [
      'truncate without maxLength',
      `${HEAD}  - name: company\n    propstreet: company.name\n    crm: company\n    truncate: true\n`,
      'FILE:6:15 fields[0].truncate: truncate needs a maxLength',
    ],
    [
      'truncate on a two-way field',
      `${HEAD}  - name: firstName\n    propstreet: firstName\n    crm: firstname\n    maxLength: 40\n    truncate: true\n`,
      'FILE:7:15 fields[0].truncate: truncate is only allowed on to-crm fields: a cut value read back would overwrite the full one on Propstreet',
    ],
    [
      'tags through a text transform',
      `${HEAD}  - name: tags\n    propstreet: tags\n    crm: propstreet_tags\n    transform: trim\n`,
      'FILE:6:16 fields[0].transform: propstreet "tags" is a list, so transform must be tags, got "trim"',
    ],
    [
      'two fields writing one accessor',
      `${HEAD}${EMAIL}  - name: workEmail\n    propstreet: email\n    crm: work_email\n    direction: from-crm\n`,
      'FILE:7:17 fields[1].propstreet: propstreet "email" is already written by field "email" at FILE:4:17 fields[0].propstreet; make one of them to-crm',
    ],
    [
      'a company homepage written to Propstreet beside its domain',
      `crm: hubspot\nobject: companies\nfields:\n  - name: domain\n    propstreet: domain\n    crm: domain\n  - name: website\n    propstreet: homepageUrl\n    crm: website\n    direction: both\n`,
      'FILE:10:16 fields[1].direction: propstreet "homepageUrl" written to Propstreet makes Propstreet derive "domain" from it (a domain sent with it is ignored), and field "domain" at FILE:5:17 fields[0].propstreet writes "domain" too: the two would race, a run\'s write never holding; make one of them to-crm',
    ],
    [
      'unknown region',
      `crm: hubspot\ndefaultRegion: XX\nfields:\n${EMAIL}`,
      'FILE:2:16 defaultRegion: expected an ISO 3166-1 alpha-2 region known to libphonenumber (e.g. SE, NO, GB), got "XX"',
    ],
    [
      'default on a from-crm field',
      `${HEAD}  - name: strategy\n    propstreet: strategy\n    crm: strategy\n    direction: from-crm\n    default: none\n`,
      'FILE:7:14 fields[0].default: default only applies to fields written to the CRM (direction both | to-crm), got direction "from-crm"',
    ],
  ];

  for (const [title, text, message] of cases) {
    it(title, () => {
      expect(errorOf(text)).toBe(message);
    });
  }

  it('reports every problem at once, one line each', () => {
    const text = `crm: hubspot\nfields:\n  - name: email\n    propstreet: mail\n    crm: email\n    direction: up\n`;
    expect(errorOf(text).split('\n')).toEqual([
      expect.stringMatching(
        /^FILE:4:17 fields\[0\]\.propstreet: expected one of firstName \| .* got "mail" \(did you mean "email"\?\)$/,
      ),
      'FILE:6:16 fields[0].direction: expected one of both | to-crm | from-crm, got "up"',
    ]);
  });

  it('keys fieldErrors by key path', () => {
    const file = writeMapping(`${HEAD}  - name: email\n    crm: email\n    direction: up\n`);
    try {
      loadMapping(file);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).fieldErrors).toEqual({
        [`${file} fields[0].direction`]: ['expected one of both | to-crm | from-crm, got "up"'],
      });
    }
  });
});

describe('tenant overrides', () => {
  const base = `${HEAD}${EMAIL}  - name: company\n    propstreet: company.name\n    crm: company\n    direction: to-crm\n  - name: tags\n    propstreet: tags\n    crm: propstreet_tags\n`;

  it('accepts the call shape of the app layer', () => {
    const file = writeMapping(base);
    const call = () =>
      loadMapping(file, {
        overrides: { fields: { email: { crm: 'Email' } } },
        source: 'connections.hs.mappingOverrides',
      });
    expect(call).toThrow(
      'connections.hs.mappingOverrides fields.email.crm: expected a HubSpot internal property name (a-z, 0-9, _), got "Email"',
    );
  });

  it('removes, changes and adds fields', () => {
    const file = writeMapping(base);
    const m = loadMapping(file, {
      overrides: {
        defaultRegion: 'no',
        remove: ['tags'],
        fields: { email: { direction: 'to-crm' }, company: { maxLength: 100, truncate: true } },
        add: [{ name: 'linkedInUrl', propstreet: 'linkedInUrl', crm: 'hs_linkedin_url' }],
      },
      source: 'tenants/acme.yaml',
    });
    expect(m.defaultRegion).toBe('NO');
    expect(m.fields.map((f) => f.name)).toEqual(['email', 'company', 'linkedInUrl']);
    expect(m.fields[0]).toMatchObject({ direction: 'to-crm', transform: 'email', region: 'NO' });
    expect(m.fields[1]).toMatchObject({ maxLength: 100, truncate: true });
    expect(m.fields[2]).toMatchObject({ direction: 'both', transform: 'trim' });
    expect(m.source).toBe(`${file} + tenants/acme.yaml`);
  });

  const at = 'tenants/acme.yaml connections[0].mappingOverrides';
  const overrideCases: [string, Record<string, unknown>, string][] = [
    [
      'change of an unknown field',
      { fields: { mail: { crm: 'email' } } },
      `${at}.fields.mail: no field named "mail" in FILE (use add to add a field)`,
    ],
    ['remove of an unknown field', { remove: ['phone'] }, `${at}.remove[0]: no field named "phone" in FILE`],
    [
      'bad value in a change',
      { fields: { email: { direction: 'sideways' } } },
      `${at}.fields.email.direction: expected one of both | to-crm | from-crm, got "sideways"`,
    ],
    [
      'rule broken by a change',
      { fields: { company: { direction: 'both' } } },
      `${at}.fields.company.direction: propstreet "company.name" is read-only, so direction must be to-crm, got "both"`,
    ],
    [
      'added field clashing with the file',
      { add: [{ name: 'hsEmail', propstreet: 'strategy', crm: 'email' }] },
      `${at}.add[0].crm: CRM property "email" is already mapped by field "email" at FILE:5:10 fields[0].crm`,
    ],
    [
      'unknown override key',
      { rename: {} },
      `${at}.rename: expected one of defaultRegion, fields, add, remove, got unknown key "rename"`,
    ],
    [
      'misspelt key in a change, suggested from the keys a change may set',
      { fields: { email: { maxlenght: 80 } } },
      `${at}.fields.email.maxlenght: expected a known key, got unknown key "maxlenght" (did you mean "maxLength"?)`,
    ],
    [
      'removing everything',
      { remove: ['email', 'company', 'tags'] },
      `${at}.remove: removes every field; a mapping needs at least one`,
    ],
  ];
  for (const [title, overrides, message] of overrideCases) {
    it(title, () => {
      expect(errorOf(base, overrides)).toBe(message);
    });
  }

  it('names line:column in the tenant config when the caller can locate keys', () => {
    const file = writeMapping(base);
    const located = () =>
      loadMapping(file, {
        overrides: { fields: { email: { maxLength: -1 } } },
        source: 'tenants/acme.yaml',
        at: ['mapping'],
        locate: (path) => (path.length === 4 ? { line: 12, col: 18 } : undefined),
      });
    expect(located).toThrow(
      'tenants/acme.yaml:12:18 mapping.fields.email.maxLength: expected a number ≥ 1, got -1',
    );
  });
});
