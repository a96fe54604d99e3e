/**
 * The digest the CLI keeps instead of the whole plan prints the same terminal and Markdown
 * reports as the whole plan would, from at most 200 records per connection.
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { RecordDigest } from '../../src/report/record-digest.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import { renderTerminal } from '../../src/report/render-terminal.js';
import type { PlanReport } from '../../src/report/report-model.js';
import { renderReport } from '../../src/report/write-report.js';
import { aRecord, aResult, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

function digestOf(report: PlanReport, chunkSize: number): PlanReport {
  const digest = new RecordDigest();
  for (const c of report.connections)
    for (let i = 0; i < c.records.length; i += chunkSize)
      digest.add(c.result, c.records.slice(i, i + chunkSize));
  return digest.report(report);
}

const many: PlanReport = {
  ...sampleReport(),
  connections: [
    {
      result: aResult(),
      records: Array.from({ length: 450 }, (_, i) =>
        aRecord({
          label: `Person ${i}`,
          action: i % 3 === 0 ? 'noop' : 'update',
          reason: i % 2 ? 'changed in Propstreet' : 'changed in HubSpot',
          toCrm: i % 5 ? [{ field: 'email', before: null, after: `p${i}@x.example` }] : [],
        }),
      ),
    },
  ],
};

describe('RecordDigest', () => {
  it.each([
    ['the sample (two connections, hostile data)', sampleReport(), 2],
    ['450 records, a third of them unchanged', many, 64],
  ] as const)('%s: terminal and Markdown as from the whole plan', (_, report, chunk) => {
    const digested = digestOf(report, chunk);
    expect(renderTerminal(digested, { redactor, color: false })).toBe(
      renderTerminal(report, { redactor, color: false }),
    );
    expect(renderMarkdown(digested, { redactor })).toBe(renderMarkdown(report, { redactor }));
  });

  it('keeps at most 200 records per connection', () => {
    expect(digestOf(many, 50).connections[0]?.records).toHaveLength(200);
  });

  it('a connection that planned nothing has an empty summary', () => {
    const digested = new RecordDigest().report({
      ...sampleReport(),
      connections: [{ result: aResult(), records: [] }],
    });
    expect(digested.connections[0]?.summary).toEqual({ shown: 0, unchanged: 0, fields: [], reasons: [] });
  });

  it('is refused by the formats that list every record', () => {
    const digested = digestOf(many, 50);
    for (const format of ['html', 'json', 'text'] as const)
      expect(() => renderReport(digested, format, { redactor })).toThrow(/record digest/);
    expect(renderReport(digested, 'markdown', { redactor })).toContain('### Records');
  });
});
