/**
 * Notices (a CRM merge of linked records, a delete against an edit) are visible in every
 * format: once per connection in its own section, and beside each record they concern.
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { Notice } from '../../src/engine/types.js';
import { renderHtml, renderJson, renderMarkdown, renderTerminal } from '../../src/report/index.js';
import type { PlanReport } from '../../src/report/report-model.js';
import { aRecord, aResult } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const merge: Notice = {
  kind: 'crm-merge',
  text: 'merged in the CRM: Propstreet contacts ps-a and ps-b now share one record (303); ps-a keeps the link; the others are unlinked and left as they are: merge them in Propstreet',
  propstreetIds: ['ps-a', 'ps-b'],
  crmId: '303',
};
const raced: Notice = {
  kind: 'delete-vs-edit',
  text: 'deleted in Propstreet, but edited in the CRM since the last sync (firstName): the edited record is kept and unlinked (deletes.againstEdit: keep-edited)',
  propstreetIds: ['ps-c'],
  crmId: '104',
};

function report(dryRun: boolean): PlanReport {
  return {
    generatedAt: '2025-06-01T12:00:06.000Z',
    tenant: 'acme',
    dryRun,
    connections: [
      {
        result: aResult({ dryRun, notices: [merge, raced] }),
        records: [
          aRecord({
            propstreetId: 'ps-a',
            crmId: '303',
            label: 'Ann Keeper',
            action: 'link',
            linkedBy: 'merge',
            reason: 'linked by merge, changed in the CRM',
            notice: merge,
          }),
          aRecord({
            propstreetId: 'ps-b',
            crmId: '102',
            label: 'Bo Other',
            action: 'unlink',
            reason: 'merged in the CRM into 303: the link ends, the contact is left as it is',
            notice: merge,
          }),
          aRecord({
            propstreetId: 'ps-c',
            crmId: '104',
            action: 'unlink',
            reason: raced.text,
            notice: raced,
          }),
        ],
      },
    ],
  };
}

describe.each([true, false])('report notices (dry run: %s)', (dryRun) => {
  const input = report(dryRun);

  it('terminal: a notices section, and the merge beside both of its records', () => {
    const text = renderTerminal(input, { redactor, color: false });
    expect(text).toContain('Notices (2)');
    const section = text.slice(text.indexOf('Notices (2)'), text.indexOf('ACTION'));
    expect(section).toContain('merged in the CRM: Propstreet contacts ps-a and ps-b now share one record');
    expect(section).toContain('deleted in Propstreet, but edited in the CRM since the last sync (firstName)');
    expect(text.split('Propstreet contacts ps-a and ps-b now share one record').length - 1).toBe(3);
  });

  it('Markdown: a notices section listing both', () => {
    const text = renderMarkdown(input, { redactor });
    expect(text).toContain('### Notices (2)');
    expect(text).toContain('- merged in the CRM: Propstreet contacts ps-a and ps-b now share one record');
    expect(text).toContain('- deleted in Propstreet, but edited in the CRM since the last sync (firstName)');
  });

  it('HTML: a notices list on the card, rows tagged merge / conflict for the filters', () => {
    const html = renderHtml(input, { redactor });
    expect(html).toContain('<h3>Notices (2)</h3><ul class="notices">');
    expect(html).toContain('<li>merged in the CRM: Propstreet contacts ps-a and ps-b now share one record');
    // Tags are strings in the page's data block, one per record's set of tags.
    expect(html).toContain('"link merge"');
    expect(html).toContain('"unlink merge"');
    expect(html).toContain('"unlink conflict"');
    expect(html).toContain('data-value="merge"');
  });

  it('JSON: the notices on the result and on each record', () => {
    const json = JSON.parse(renderJson(input, { redactor })) as PlanReport;
    const c = json.connections[0]!;
    expect(c.result.notices.map((n) => n.kind)).toEqual(['crm-merge', 'delete-vs-edit']);
    expect(c.records.map((r) => r.notice?.kind)).toEqual(['crm-merge', 'crm-merge', 'delete-vs-edit']);
  });
});
