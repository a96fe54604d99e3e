/**
 * Who works where in every report format: a section per connection after its kinds, the rows
 * named as Propstreet names the contact and company (ids beside), the guard's held rows and its
 * reason, deferred contacts and conflicts; hostile names stay text; the JSON report, whole or
 * streamed, carries the same `links`; capped formats cap the rows.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { openJsonReportStream } from '../../src/report/json-report-stream.js';
import { RecordDigest } from '../../src/report/record-digest.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import type { PlanReport } from '../../src/report/report-model.js';
import { aResult, HOSTILE_SCRIPT, linksOf } from './builders.js';

const redactor = new Redactor();

const report = (links = linksOf()): PlanReport => ({
  generatedAt: '2025-06-01T12:00:06.000Z',
  tenant: 'acme',
  dryRun: true,
  connections: [{ result: aResult(), records: [] }],
  links,
});

describe('links in the terminal report', () => {
  it('a section per connection: headline, the guard, a line per row with names and ids', () => {
    const text = renderTerminal(report(), { color: false, redactor });
    const section = text.slice(text.indexOf('hubspot · links'));
    expect(section.split('\n').slice(0, 2)).toEqual([
      'hubspot · links → HubSpot · aborted · 3 contacts read (full scan) · 1 associate · 1 dissociate · 1 primary · 1 title · 1 held by the mass-removal guard',
      '  held: MASS_DELETE_GUARD: this run would remove 6 of 10 known employments (60.0%), more than deletes.maxShare (10.0%); rerun with --force if intended',
    ]);
    expect(section).toMatch(/associate {3}HubSpot {5}Ada Lind {22}at Acme AB \[planned\]/);
    expect(section).toContain('job title: CFO [planned]');
    expect(section).toContain('from "><img src=x onerror="window.__pwned=true"> [held]');
    expect(section).toContain('contact 1003');
    expect(section).toContain('primary: company 50003');
    expect(section).toContain('Propstreet contact 1002 · company 50002');
    expect(section).toContain('Deferred until their records are linked (a real run links them first) (1)');
    expect(section).toContain(
      "⚡ contact 1001: primary company: changed on both sides, Propstreet's value kept",
    );
  });

  it('a real run that was held says it wrote nothing; rows past the cap are counted', () => {
    const [l] = linksOf();
    const real = l ? [{ ...l, result: { ...l.result, dryRun: false } }] : [];
    const text = renderTerminal(report(real), { color: false, redactor, maxRecords: 2 });
    expect(text).toContain('(the links phase wrote nothing)');
    expect(text).toContain('Deferred, tried again next run (1)');
    expect(text).toContain('… 2 more rows (write an .html or .json report to see all)');
  });

  it('control characters in a name are shown as escapes', () => {
    const [l] = linksOf();
    const rows = l ? [{ ...l.result.rows[0], contactLabel: 'Evil\x1b[2JName' }] : [];
    const text = renderTerminal(
      report(l ? [{ ...l, result: { ...l.result, rows } as typeof l.result }] : []),
      {
        color: false,
        redactor,
      },
    );
    expect(text).toContain('Evil\\x1b[2JName');
    expect(text).not.toContain('\x1b[2J');
  });

  it('no links: no section', () => {
    expect(renderTerminal(report([]), { color: false, redactor })).not.toContain('· links');
  });
});

describe('links in the Markdown report', () => {
  it('a section with the guard and a row table, data escaped', () => {
    const text = renderMarkdown(report(), { redactor });
    expect(text).toContain('## hubspot · links → HubSpot: aborted');
    expect(text).toContain('> **Held** (MASS\\_DELETE\\_GUARD): this run would remove 6 of 10');
    expect(text).toContain(
      '| associate | HubSpot | Ada Lind | at Acme AB | planned | Propstreet contact 1001 · company 50001 |',
    );
    expect(text).toContain(
      '| dissociate | Propstreet | &lt;script&gt;window.\\_\\_pwned = true&lt;/script&gt; |',
    );
    expect(text).not.toContain('<script>');
    expect(text).toContain('### Deferred until their records are linked (a real run links them first) (1)');
  });
});

describe('links in the HTML report', () => {
  it('an escaped section per connection with a held badge', () => {
    const html = renderHtml(report(), { redactor });
    expect(html).toContain('<h2 class="links-title">Who works where</h2>');
    expect(html).toContain('hubspot · links → HubSpot: <span class="status-aborted">aborted</span>');
    expect(html).toContain('<span class="badge guarded">held</span>');
    expect(html).toContain('Deferred until their records are linked (a real run links them first) (1)');
    expect(html).toContain('&lt;script&gt;window.__pwned = true&lt;/script&gt;');
    expect(html).not.toContain(HOSTILE_SCRIPT);
    expect(html).not.toContain('<img');
  });
});

describe('links in the JSON report', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'propsync-links-report-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('carries links whole, and the streamed report has the same bytes', async () => {
    const whole = renderJson(report(), { redactor });
    const parsed = JSON.parse(whole) as { links: { result: { rows: { outcome: string }[] } }[] };
    expect(parsed.links[0]?.result.rows.map((r) => r.outcome)).toEqual([
      'planned',
      'planned',
      'held',
      'planned',
    ]);
    const path = join(dir, 'links.json');
    const out = await openJsonReportStream(path, { redactor });
    await out.connectionDone(aResult());
    await out.finish(report());
    expect(await readFile(path, 'utf8')).toBe(whole);
  });

  it('a huge name is cut like a record label', () => {
    const [l] = linksOf();
    const rows = l ? [{ ...l.result.rows[0], contactLabel: 'x'.repeat(300_000) }] : [];
    const json = renderJson(report(l ? [{ ...l, result: { ...l.result, rows } as typeof l.result }] : []), {
      redactor,
    });
    expect(json.length).toBeLessThan(10_000);
    expect(json).toContain('…[299800 more characters]');
  });
});

describe('links through the record digest (terminal and Markdown of a big plan)', () => {
  it('keeps the links of the run', () => {
    const digest = new RecordDigest();
    digest.add({ connection: 'hubspot', kind: 'contacts' }, []);
    expect(renderMarkdown(digest.report(report()), { redactor })).toContain('## hubspot · links → HubSpot');
  });
});
