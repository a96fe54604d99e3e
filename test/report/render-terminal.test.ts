import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { FieldChange, RecordPlanShape } from '../../src/engine/types.js';
import { renderTerminal, shouldUseColor } from '../../src/report/render-terminal.js';
import { aRecord, aResult, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** The terminal lines of a report holding only these records. */
function linesOf(...records: RecordPlanShape[]): string[] {
  const report = { ...sampleReport(), connections: [{ result: aResult(), records }] };
  return renderTerminal(report, { redactor, color: false }).split('\n');
}

const change = (field: string, before: string | null, after: string | null): FieldChange => ({
  field,
  before,
  after,
});

describe('renderTerminal', () => {
  const text = renderTerminal(sampleReport(), { redactor, color: false });

  it('shows each connection with counts per side and API calls', () => {
    expect(text).toContain('propsync plan (dry run): acme · 2025-06-01T12:00:06.000Z');
    expect(text).toContain('hubspot · contacts → HubSpot · ok · pulled Propstreet 120, HubSpot 98');
    expect(text).toMatch(/ {2}create +1 +1 +2\n/);
    expect(text).toMatch(/ {2}delete +0 +1 +1\n/);
    expect(text).toMatch(/ {2}unchanged +80\n/);
    expect(text).toContain(
      'API calls: Propstreet 3 (GET /api/v1/network/contacts: 3) · HubSpot 2 (POST /crm/v3/objects/contacts/search: 2)',
    );
    expect(text).toContain('sales · contacts → Salesforce · partial');
  });

  it('lists every record but noops, with field changes, conflicts, guards, problems and failures', () => {
    expect(text).not.toContain('Quiet Person');
    expect(text).toMatch(/update +Jane Doe +changed in Propstreet/);
    expect(text).toContain('→ HubSpot     email  jane@old.example → jane@new.example\n');
    expect(text).toContain('→ Propstreet  phone  (empty)          → +46701234567\n');
    expect(text).toContain(
      '⚡ conflict jobTitle: Propstreet "CEO" · HubSpot "Chief" · shadow "Boss" · newest-wins: HubSpot wins',
    );
    expect(text).toMatch(/delete-in-crm +Gone Person +deleted in Propstreet \[guarded\]/);
    expect(text).toContain('✗ LastName missing');
    expect(text).toContain('crm 003X Bob Broken: INVALID_EMAIL_ADDRESS [quarantined]');
    expect(text).toContain('crm 999: email: not an email');
  });

  it('uses colour only when asked', () => {
    expect(text).not.toContain('\x1b');
    expect(renderTerminal(sampleReport(), { redactor, color: true })).toContain('\x1b[32mok\x1b[0m');
  });

  it('shouldUseColor: a TTY and no (non-empty) NO_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
  });

  it('makes control characters in data visible instead of sending them to the terminal', () => {
    const report = {
      ...sampleReport(),
      connections: [{ result: aResult(), records: [aRecord({ label: 'Evil\x1b[2J\x07Name' })] }],
    };
    const out = renderTerminal(report, { redactor, color: true });
    expect(out).toContain('Evil\\x1b[2J\\x07Name');
    expect(out).not.toContain('\x1b[2J');
    expect(out).not.toContain('\x07');
  });

  it('summarises changes per field and records per reason before the list', () => {
    expect(text).toContain(
      'Changes by field: email: 1 change · jobTitle: 1 change · notes: 1 change · phone: 1 change\n',
    );
    expect(text).toMatch(
      /Records by reason: .*changed in Propstreet: 1 record · deleted in Propstreet: 1 record/,
    );
  });

  it('caps the records listed per connection', () => {
    const out = renderTerminal(sampleReport(), { redactor, color: false, maxRecords: 2 });
    expect(out).toContain('… 6 more records (write an .html or .json report to see all)');
    expect(out).not.toContain('Gone Person');
  });

  it('redacts registered secrets', () => {
    redactor.register('sk-terminal-secret-42');
    const report = {
      ...sampleReport(),
      connections: [
        { result: aResult(), records: [aRecord({ reason: 'auth failed for sk-terminal-secret-42' })] },
      ],
    };
    expect(renderTerminal(report, { redactor, color: false })).toContain('auth failed for [REDACTED]');
  });
});

describe('renderTerminal: columns line up', () => {
  it('a diff is one table over both directions: the longest field and value get no extra space', () => {
    const lines = linesOf(
      aRecord({
        toCrm: [change('mobilePhone', 'a', 'b'), change('email', 'a-much-longer-old-value', 'new')],
        toPropstreet: [change('x', null, 'y')],
      }),
    );
    expect(lines.filter((l) => l.includes(' → ') && l.trimStart().startsWith('→'))).toEqual([
      '      → HubSpot     mobilePhone  a                       → b',
      '      → HubSpot     email        a-much-longer-old-value → new',
      '      → Propstreet  x            (empty)                 → y',
    ]);
  });

  it('the ACTION header lines up with rows whose actions are shorter than the word', () => {
    const lines = linesOf(aRecord({ action: 'link', reason: 'same email' }));
    const header = lines.find((l) => l.includes('ACTION')) ?? '';
    const row = lines.find((l) => l.startsWith('  link')) ?? '';
    expect(header.indexOf('RECORD')).toBe(row.indexOf('Jane Doe'));
    expect(header.indexOf('REASON')).toBe(row.indexOf('same email'));
  });

  it('counts terminal columns, not UTF-16 units: wide, combining and emoji names and values', () => {
    const lines = linesOf(
      // 山田太郎 is 4 characters and 8 columns; "Zoë" written with a combining diaeresis is 4
      // UTF-16 units and 3 columns; 👩‍💻 is 5 units and 2 columns.
      aRecord({
        label: '山田太郎',
        reason: 'r1',
        toCrm: [change('city', '東京', 'Zoë'), change('role', '👩‍💻', 'x')],
      }),
      aRecord({ label: 'Zoe\u0308 👩‍💻', reason: 'r2' }),
      aRecord({ label: 'Plain', reason: 'r3' }),
    );
    const actionWidth = 'update'.length + 2;
    expect(lines).toContain(`  ${'update'.padEnd(actionWidth)}山田太郎${' '.repeat(34 - 8)}r1`);
    expect(lines).toContain(`  ${'update'.padEnd(actionWidth)}Zoe\u0308 👩‍💻${' '.repeat(34 - 6)}r2`);
    expect(lines).toContain(`  ${'update'.padEnd(actionWidth)}Plain${' '.repeat(34 - 5)}r3`);
    expect(lines).toContain('      → HubSpot     city  東京 → Zoë');
    expect(lines).toContain('      → HubSpot     role  👩‍💻   → x');
  });

  it('cuts a long wide name at its column budget, between characters, never inside an emoji', () => {
    const [row] = linesOf(aRecord({ label: `${'漢'.repeat(20)}`, reason: 'r' })).filter((l) =>
      l.endsWith(' r'),
    );
    // 32 columns at most: 15 wide characters (30 columns) and the ellipsis, then padding to 34.
    expect(row).toBe(`  update  ${'漢'.repeat(15)}…${' '.repeat(34 - 31)}r`);
    const [emoji] = linesOf(aRecord({ label: `${'a'.repeat(30)}👩‍💻👩‍💻`, reason: 'r' })).filter((l) =>
      l.endsWith(' r'),
    );
    expect(emoji).toBe(`  update  ${'a'.repeat(30)}…${' '.repeat(34 - 31)}r`);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });
});
