import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { md, renderMarkdown } from '../../src/report/render-markdown.js';
import { aRecord, aResult, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** Pipes that would split a table cell (not escaped with a backslash). */
const cellPipes = (line: string) => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length - 1;

describe('md()', () => {
  it('escapes pipes, HTML, backticks, emphasis and newlines', () => {
    expect(md('a|b')).toBe('a\\|b');
    expect(md('<script>x</script>')).toBe('&lt;script&gt;x&lt;/script&gt;');
    expect(md('`code`')).toBe('\\`code\\`');
    expect(md('*bold* _it_ [l](u)')).toBe('\\*bold\\* \\_it\\_ \\[l\\](u)');
    expect(md('a\\|b')).toBe('a\\\\\\|b');
    expect(md('one\ntwo')).toBe('one<br>two');
    expect(md('&lt;')).toBe('&amp;lt;');
  });
});

describe('renderMarkdown', () => {
  const text = renderMarkdown(sampleReport(), { redactor });

  it('has a section per connection with the counts table and API calls', () => {
    expect(text).toContain('# propsync plan (dry run): acme');
    expect(text).toContain('## hubspot · contacts → HubSpot: ok');
    expect(text).toContain('## sales · contacts → Salesforce: partial');
    expect(text).toContain('| Count | Propstreet | HubSpot | Total |');
    expect(text).toContain('| create | 1 | 1 | 2 |');
    expect(text).toContain('| conflict |  |  | 1 |');
    expect(text).toContain('**API calls:** Propstreet 3 (GET /api/v1/network/contacts: 3) · HubSpot 2');
  });

  it('details each record but noops: changes per side, conflicts, guards, problems', () => {
    expect(text).toContain('### Records (8 shown, 1 unchanged)');
    expect(text).not.toContain('Quiet Person');
    expect(text).toContain('#### update: Jane Doe');
    expect(text).toContain(
      '**→ HubSpot**\n\n| Field | Before | After |\n|---|---|---|\n| email | jane@old.example | jane@new.example |',
    );
    expect(text).toContain(
      '**→ Propstreet**\n\n| Field | Before | After |\n|---|---|---|\n| phone | (empty) | +46701234567 |',
    );
    expect(text).toContain('| jobTitle | CEO | Chief | Boss | newest-wins | HubSpot |');
    expect(text).toContain('#### delete-in-crm (guarded): Gone Person');
    expect(text).toContain('- LastName missing');
    expect(text).toContain('| crm | 003X | Bob Broken | INVALID\\_EMAIL\\_ADDRESS | yes |');
  });

  it('keeps hostile data as text: no raw HTML, tables keep their columns', () => {
    expect(text).not.toMatch(/<script|<img/i);
    expect(text).toContain('#### update: &lt;script&gt;window.\\_\\_pwned = true&lt;/script&gt;');
    expect(text).toContain('| notes | \\`a\\|b\\` |');
    for (const line of text.split('\n').filter((l) => l.startsWith('| notes')))
      expect(cellPipes(line)).toBe(4);
  });

  it('summarises changes per field and records per reason', () => {
    expect(text).toContain(
      '**Changes by field:** email: 1 change · jobTitle: 1 change · notes: 1 change · phone: 1 change',
    );
    expect(text).toMatch(
      /\*\*Records by reason:\*\* .*changed in Propstreet: 1 record · deleted in Propstreet: 1 record/,
    );
  });

  it('caps the records detailed per connection (default 200) and says where the rest are', () => {
    const records = Array.from({ length: 205 }, (_, i) => aRecord({ label: `Person ${i}` }));
    const big = renderMarkdown(
      { ...sampleReport(), connections: [{ result: aResult(), records }] },
      { redactor },
    );
    expect(big).toContain('#### update: Person 199');
    expect(big).not.toContain('Person 200');
    expect(big).toContain('_… 5 more records (write an .html or .json report to see all)._');
    expect(big).toContain('**Records by reason:** changed in Propstreet: 205 records');
    const two = renderMarkdown(sampleReport(), { redactor, maxRecords: 2 });
    expect(two).toContain('_… 6 more records (write an .html or .json report to see all)._');
    expect(two).not.toContain('Gone Person');
  });

  it('shows planned and done counts for a real run', () => {
    const real = renderMarkdown(
      {
        ...sampleReport(),
        dryRun: false,
        connections: [{ result: aResult({ dryRun: false }), records: [aRecord()] }],
      },
      { redactor },
    );
    expect(real).toContain('# propsync run: acme');
    expect(real).toContain('| Count | Propstreet | HubSpot | Total | Done |');
  });
});
