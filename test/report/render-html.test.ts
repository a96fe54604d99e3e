import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { esc, renderHtml } from '../../src/report/render-html.js';
import { aRecord, aResult, HOSTILE_SCRIPT, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** The page's data block, parsed as the page's script parses it. */
function dataOf(html: string): { strings: string[]; connections: unknown[]; records: unknown[][] } {
  const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return JSON.parse(json ?? 'null');
}

describe('esc()', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderHtml', () => {
  const html = renderHtml(sampleReport(), { redactor });

  it('is one self-contained file: inline style and script, nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).toContain('<script type="application/json" id="report-data">{');
    expect(html).toContain('<script>\n(function () {');
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    // Attribute values (escaped data, e.g. a reason button's) blanked: no tag has src or href.
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-z]+[^>]*\s(src|href)=/i);
  });

  it('its CSP allows exactly the inline script and style, by hash', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/
      .exec(html)?.[1]
      ?.replace(/&#39;/g, "'");
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
  });

  it('the data block keeps hostile data as data: no value can close the script or open markup', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toMatch(/<img/i);
    const block = /id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(block).not.toContain('<');
    expect(block).toContain('\\u003cscript>window.__pwned = true\\u003c/script>');
    // …and parses back to exactly the hostile strings, for the script to show as text.
    const labels = dataOf(html).records.map((r) => r[2]);
    expect(labels).toContain(HOSTILE_SCRIPT);
    const evil = renderHtml(
      {
        ...sampleReport(),
        connections: [{ result: aResult({ connection: 'x" onmouseover="alert(1)' }), records: [aRecord()] }],
      },
      { redactor },
    );
    expect(evil).toContain('data-value="x&quot; onmouseover=&quot;alert(1) · contacts"');
    expect(evil).not.toContain('onmouseover="alert');
  });

  it('control characters in data are made visible in the data block too', () => {
    const out = renderHtml(
      {
        ...sampleReport(),
        connections: [{ result: aResult(), records: [aRecord({ label: 'Evil\x1b[2J\u202eName' })] }],
      },
      { redactor },
    );
    expect(dataOf(out).records[0]?.[2]).toBe('Evil\\x1b[2J\\u202eName');
  });

  it('one compact record per record but noops, with repeated strings interned', () => {
    const data = dataOf(html);
    expect(data.records).toHaveLength(9);
    expect(html).not.toContain('Quiet Person');
    const s = (i: unknown) => data.strings[i as number];
    const byLabel = (label: string) => data.records.find((r) => r[2] === label) ?? [];
    const jane = byLabel('Jane Doe');
    expect([jane[0], s(jane[1]), jane[3], jane[4], s(jane[5]), s(jane[6])]).toEqual([
      0,
      'update',
      'ps-1',
      '101',
      'changed in Propstreet',
      'update conflict',
    ]);
    expect(s(jane[7])).toBe('');
    // A change with an empty "before" leaves it off: [field, after].
    expect((jane[8] as unknown[][]).map((c) => [s(c[0]), ...c.slice(1)])).toEqual([
      ['email', 'jane@new.example', 'jane@old.example'],
    ]);
    expect((jane[9] as unknown[][]).map((c) => [s(c[0]), ...c.slice(1)])).toEqual([
      ['phone', '+46701234567'],
    ]);
    const k = (jane[10] as unknown[][])[0] ?? [];
    expect([s(k[0]), k[1], k[2], k[3], s(k[4]), k[5], k[6], k[7]]).toEqual([
      'jobTitle',
      'CEO',
      'Chief',
      'Boss',
      'newest-wins',
      'HubSpot',
      'crm',
      null,
    ]);
    // Trailing empty parts are left off.
    expect(byLabel('Skipped One')).toHaveLength(8);
    expect(s(byLabel('Gone Person')[6])).toBe('delete-in-crm guarded');
    expect(s(byLabel('Gone Person')[7])).toBe('held back by the mass-delete guard');
    expect(byLabel('No Last Name')[11]).toEqual(['LastName missing']);
    expect(s(byLabel('Sam Sales')[0] === 1 ? byLabel('Sam Sales')[6] : -1)).toBe('update');
  });

  it('a conflict left for a person carries the id its resolve command needs', () => {
    const out = renderHtml(
      {
        ...sampleReport(),
        connections: [
          {
            result: aResult(),
            records: [
              aRecord({
                action: 'noop',
                conflicts: [
                  {
                    field: 'email',
                    propstreet: 'a@x',
                    crm: 'b@x',
                    shadow: null,
                    policy: 'manual',
                    winner: 'none',
                  },
                ],
              }),
            ],
          },
        ],
      },
      { redactor },
    );
    const k = ((dataOf(out).records[0]?.[10] as unknown[][]) ?? [])[0];
    expect(k?.slice(5)).toEqual(['none (both kept)', 'none', 'ps-1:email']);
  });

  it('a field value seen more than once is one shared string, given by its index', () => {
    const company = (after: string) => ({ field: 'company', before: null, after });
    const out = dataOf(
      renderHtml(
        {
          ...sampleReport(),
          connections: [
            {
              result: aResult(),
              records: [
                aRecord({ label: 'A', toCrm: [company('Fastighets AB')] }),
                aRecord({
                  label: 'B',
                  toCrm: [company('Fastighets AB'), { field: 'x', before: 'Old', after: 'Once only' }],
                }),
              ],
            },
          ],
        },
        { redactor },
      ),
    );
    const changes = out.records.map((r) => r[8] as unknown[][]);
    const shared = changes[0]?.[0]?.[1];
    expect(typeof shared).toBe('number');
    expect(out.strings[shared as number]).toBe('Fastighets AB');
    expect(changes[1]?.[0]?.[1]).toBe(shared);
    expect(changes[1]?.[1]?.slice(1)).toEqual(['Once only', 'Old']);
  });

  it('summarises changes per field and records per reason, most first, as drill-down buttons', () => {
    expect(html).toContain('<h3>Changes by field</h3>');
    expect(html).toContain(
      'data-group="field" data-value="email" aria-pressed="false">email: 1 change</button>',
    );
    expect(html).toContain(
      'data-group="reason" data-value="changed in Propstreet" aria-pressed="false">changed in Propstreet: 2 records</button>',
    );
    expect(html).toContain('data-group="tag" data-value="update" aria-pressed="false">update (3)</button>');
  });

  it('has a filter box and buttons for the actions present and each connection', () => {
    expect(html).toContain('<input id="filter" type="search"');
    const controls = html.slice(html.indexOf('<div class="controls">'));
    const buttons = [...controls.matchAll(/data-group="(\w+)" data-value="([^"]+)"/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(buttons).toEqual([
      'tag:all',
      'tag:create-in-crm',
      'tag:create-in-propstreet',
      'tag:update',
      'tag:link',
      'tag:delete-in-crm',
      'tag:skip',
      'tag:invalid',
      'tag:conflict',
      'tag:guarded',
      'tag:problem',
      'connection:all',
      'connection:hubspot · contacts',
      'connection:sales · contacts',
      'field:all',
      'reason:all',
    ]);
  });

  it('shows counts, calls, notices and failures on the connection cards', () => {
    expect(html).toContain('<h2>hubspot · contacts → HubSpot · <span class="status-ok">ok</span></h2>');
    expect(html).toContain(
      '<tr><td>create</td><td class="n">1</td><td class="n">1</td><td class="n">2</td></tr>',
    );
    expect(html).toContain('<b>HubSpot</b> 2 call(s)');
    expect(html).toContain('INVALID_EMAIL_ADDRESS <span class="badge a-invalid">quarantined</span>');
  });
});
