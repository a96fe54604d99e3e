/**
 * A connection that syncs companies and contacts has a report section per kind, named
 * `hubspot · companies` and `hubspot · contacts` in every format, and the capped formats and
 * the streamed JSON keep the two kinds' records apart.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
import { aRecord, aResult } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const report: PlanReport = {
  generatedAt: '2025-06-01T12:00:00.000Z',
  tenant: 'acme',
  dryRun: true,
  connections: [
    {
      result: aResult({ kind: 'companies' }),
      records: [aRecord({ label: 'Acme AB', propstreetId: 'co-1', crmId: '9001', action: 'create-in-crm' })],
    },
    {
      result: aResult({ kind: 'contacts' }),
      records: [aRecord({ label: 'Jane Doe' }), aRecord({ label: 'John Roe', propstreetId: 'ps-2' })],
    },
  ],
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'propsync-kinds-report-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('reports of a connection with two object kinds', () => {
  it('name each section by connection and kind, companies first as they ran', () => {
    const terminal = renderTerminal(report, { redactor, color: false });
    const companies = terminal.indexOf('hubspot · companies → HubSpot · ok');
    const contacts = terminal.indexOf('hubspot · contacts → HubSpot · ok');
    expect(companies).toBeGreaterThan(0);
    expect(contacts).toBeGreaterThan(companies);
    expect(terminal.slice(companies, contacts)).toContain('Acme AB');
    expect(terminal.slice(contacts)).not.toContain('Acme AB');

    const markdown = renderMarkdown(report, { redactor });
    expect(markdown).toContain('## hubspot · companies → HubSpot: ok');
    expect(markdown).toContain('## hubspot · contacts → HubSpot: ok');

    const html = renderHtml(report, { redactor });
    expect(html).toContain('<h2>hubspot · companies → HubSpot ·');
    expect(html).toContain('data-value="hubspot · companies"');
    expect(html).toContain('data-value="hubspot · contacts"');

    const json = JSON.parse(renderJson(report, { redactor })) as {
      connections: { result: { kind: string } }[];
    };
    expect(json.connections.map((c) => c.result.kind)).toEqual(['companies', 'contacts']);
  });

  it('the digest keeps each kind’s records apart', () => {
    const digest = new RecordDigest();
    for (const c of report.connections) digest.add(c.result, c.records);
    const kept = digest.report(report);
    expect(kept.connections.map((c) => [c.result.kind, c.records.map((r) => r.label)])).toEqual([
      ['companies', ['Acme AB']],
      ['contacts', ['Jane Doe', 'John Roe']],
    ]);
    expect(renderTerminal(kept, { redactor, color: false })).toBe(
      renderTerminal(report, { redactor, color: false }),
    );
  });

  it('the streamed JSON has a section per kind, the bytes renderJson gives', async () => {
    const path = join(dir, 'kinds.json');
    const out = await openJsonReportStream(path, { redactor });
    for (const c of report.connections) {
      await out.records(c.result, c.records);
      await out.connectionDone(c.result);
    }
    await out.finish(report);
    expect(readFileSync(path, 'utf8')).toBe(renderJson(report, { redactor }));
  });

  it('the streamed JSON refuses a kind that begins before the previous one has its result', async () => {
    const out = await openJsonReportStream(join(dir, 'interleaved.json'), { redactor });
    await out.records({ connection: 'hubspot', kind: 'companies' }, [aRecord()]);
    await expect(out.records({ connection: 'hubspot', kind: 'contacts' }, [aRecord()])).rejects.toThrow(
      'report: hubspot · contacts began before hubspot · companies had its result',
    );
    await out.discard();
  });
});
