/**
 * Reports bound what data can make them: labels and values are cut with a marker saying how
 * much (a 300 KB name made `--json` 506 KB and the HTML report 2 MB), and control characters
 * in data (NUL, ESC, BEL, C1, bidi overrides) are shown as escapes in every format, so a
 * contact's name can neither drive a terminal nor reorder what a reader sees.
 */
import { describe, expect, it } from 'vitest';
import { clipText, LABEL_MAX, MESSAGE_MAX } from '../../src/core/clip-text.js';
import { Redactor } from '../../src/core/redact.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import type { PlanReport } from '../../src/report/report-model.js';
import { aRecord, aResult } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const HUGE = 'N'.repeat(300_000);

function reportOf(label: string, value: string): PlanReport {
  return {
    generatedAt: '2025-06-01T12:00:00.000Z',
    tenant: 'acme',
    dryRun: false,
    connections: [
      {
        result: aResult({
          dryRun: false,
          status: 'partial',
          failures: [
            { side: 'propstreet', recordId: 'ps-1', label, error: `refused ${value}`, quarantined: false },
          ],
          conflicts: [
            {
              field: 'firstName',
              propstreet: value,
              crm: 'x',
              shadow: null,
              policy: 'manual',
              winner: 'none',
              propstreetId: 'ps-1',
              crmId: '101',
            },
          ],
        }),
        records: [
          aRecord({
            label,
            action: 'create-in-crm',
            toCrm: [{ field: 'firstName', before: null, after: value }],
            problems: [`firstName too long: ${value}`],
          }),
        ],
      },
    ],
  };
}

const RENDERERS: [string, (r: PlanReport) => string][] = [
  ['HTML', (r) => renderHtml(r, { redactor })],
  ['Markdown', (r) => renderMarkdown(r, { redactor })],
  ['JSON', (r) => renderJson(r, { redactor })],
  ['text', (r) => renderTerminal(r, { redactor, color: false, maxRecords: Number.POSITIVE_INFINITY })],
];

describe('labels and values are cut, with a marker', () => {
  it('clipText keeps short text and marks how much was cut, never splitting an emoji', () => {
    expect(clipText('short', 10)).toBe('short');
    expect(clipText('abcdefghij!', 10)).toBe('abcdefghij…[1 more characters]');
    expect(clipText(`${'a'.repeat(9)}😀tail`, 10)).toBe(`${'a'.repeat(9)}…[6 more characters]`);
  });

  it.each(RENDERERS)('%s: a 300 KB name and value make a small report', (_name, render) => {
    const out = render(reportOf(HUGE, HUGE));
    // What the data adds over the same report with one-letter values (the HTML page's own
    // style and script are a fixed ~12 KB).
    expect(out.length - render(reportOf('N', 'v')).length).toBeLessThan(12_000);
    expect(out).toContain('more characters');
    expect(out).not.toContain('N'.repeat(MESSAGE_MAX + 1));
  });

  it('JSON: the label keeps its first LABEL_MAX characters and says what was cut', () => {
    const json = JSON.parse(renderJson(reportOf(HUGE, 'v'), { redactor })) as PlanReport;
    const failure = json.connections[0]!.result.failures[0]!;
    expect(failure.label).toBe(`${'N'.repeat(LABEL_MAX)}…[${300_000 - LABEL_MAX} more characters]`);
    expect(json.connections[0]!.records[0]!.label).toBe(failure.label);
  });
});

describe('control characters in data are shown, not obeyed', () => {
  // NUL, BEL, ESC (a clear-screen sequence), C1 CSI, right-to-left override, first-strong isolate.
  const NAME = 'A\x00B\x07C\x1b[2JD\x9bE\u202Egnp.exe\u2066F';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  const RAW = /[\x00\x07\x1b\x9b\u202e\u2066]/;

  it.each(RENDERERS)('%s: no raw control character from data', (_name, render) => {
    const out = render(reportOf(NAME, NAME));
    expect(out).not.toMatch(RAW);
  });

  it('HTML, Markdown and text show each one as its escape', () => {
    const shown = 'A\\x00B\\x07C\\x1b[2JD\\x9bE\\u202egnp.exe\\u2066F';
    expect(renderHtml(reportOf(NAME, 'v'), { redactor })).toContain(shown);
    expect(renderTerminal(reportOf(NAME, 'v'), { redactor, color: false })).toContain(shown);
    // Markdown escapes the backslash and `[`, so the rendered text reads the same.
    expect(renderMarkdown(reportOf(NAME, 'v'), { redactor })).toContain(
      'A\\\\x00B\\\\x07C\\\\x1b\\[2JD\\\\x9bE\\\\u202egnp.exe\\\\u2066F',
    );
  });

  it('JSON escapes them as \\u sequences and still parses to the same value', () => {
    const text = renderJson(reportOf(NAME, 'v'), { redactor });
    expect(text).toContain('\\u009b');
    expect(text).toContain('\\u202e');
    const json = JSON.parse(text) as PlanReport;
    expect(json.connections[0]!.records[0]!.label).toBe(NAME);
  });
});
