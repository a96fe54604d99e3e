/**
 * A record renamed in the CRM is listed under both current names (`label` from Propstreet,
 * `crmLabel` from the CRM) in every format; before, only the Propstreet name showed.
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { RecordPlanShape } from '../../src/engine/types.js';
import { renderHtml } from '../../src/report/render-html.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import type { PlanReport } from '../../src/report/report-model.js';
import { aRecord, aResult, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const renamed = aRecord({ label: 'Ada Lovelace', crmLabel: 'Augusta King', reason: 'changed in HubSpot' });
const same = aRecord({ label: 'Grace Hopper', propstreetId: 'ps-2', crmId: '102' });

const reportOf = (...records: RecordPlanShape[]): PlanReport => ({
  ...sampleReport(),
  connections: [{ result: aResult(), records }],
});
const report = reportOf(renamed, same);

describe('records under their current names on both sides', () => {
  it('terminal: the Propstreet name in the list, the CRM name beside the ids', () => {
    const lines = renderTerminal(report, { redactor, color: false }).split('\n');
    expect(lines).toContain('      Propstreet ps-1 ⇄ HubSpot 101 · in HubSpot: Augusta King');
    expect(lines).toContain('      Propstreet ps-2 ⇄ HubSpot 102');
    expect(lines.some((l) => /^ {2}update +Ada Lovelace +changed in HubSpot$/.test(l))).toBe(true);
  });

  it('Markdown: both names in the record heading, one when they agree', () => {
    const text = renderMarkdown(report, { redactor });
    expect(text).toContain('#### update: Ada Lovelace (in HubSpot: Augusta King)\n');
    expect(text).toContain('#### update: Grace Hopper\n');
    // The CRM name is data: escaped like the label.
    expect(renderMarkdown(reportOf(aRecord({ crmLabel: '*Bold* | x' })), { redactor })).toContain(
      '(in HubSpot: \\*Bold\\* \\| x)',
    );
  });

  it('HTML: the CRM name rides at the end of the record row, left off when there is none', () => {
    const json =
      /id="report-data">([\s\S]*?)<\/script>/.exec(renderHtml(report, { redactor }))?.[1] ?? 'null';
    const records = (JSON.parse(json) as { records: unknown[][] }).records;
    expect(records.map((r) => [r[2], r[12]])).toEqual([
      ['Ada Lovelace', 'Augusta King'],
      ['Grace Hopper', undefined],
    ]);
    expect(records[1]).toHaveLength(8);
  });

  it('JSON: crmLabel on the record when the names differ, absent when they agree', () => {
    const parsed = JSON.parse(renderJson(report, { redactor })) as {
      connections: { records: RecordPlanShape[] }[];
    };
    const [ada, grace] = parsed.connections[0]?.records ?? [];
    expect(ada).toMatchObject({ label: 'Ada Lovelace', crmLabel: 'Augusta King' });
    expect(grace).not.toHaveProperty('crmLabel');
  });

  it('the CRM name is bounded like the label', () => {
    const huge = reportOf(aRecord({ crmLabel: 'x'.repeat(10_000) }));
    const parsed = JSON.parse(renderJson(huge, { redactor })) as {
      connections: { records: RecordPlanShape[] }[];
    };
    expect(parsed.connections[0]?.records[0]?.crmLabel?.length).toBeLessThan(300);
  });
});
