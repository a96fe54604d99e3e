/**
 * GitHub-flavoured Markdown, for a PR comment or a CI job summary. Every piece of data goes
 * through `md()`: a contact named `| x |`, `<img …>` or with backticks stays text and
 * cannot break a table, inject HTML or open a code span.
 */
import type { FieldChange, FieldConflict, RecordPlanShape } from '../engine/types.js';
import { linksSections } from './link-rows.js';
import { markdownLinksSection } from './render-markdown-links.js';
import {
  type ConnectionPlanReport,
  callSummaries,
  countLines,
  crmName,
  crmOfConnection,
  DEFAULT_MAX_RECORDS,
  FULL_LIST_HINT,
  formatTally,
  formatValue,
  listedRecords,
  noticesTitle,
  type PlanReport,
  prepareReport,
  type ReportOptions,
  recordIds,
  recordName,
  recordNotes,
  reportTitle,
} from './report-model.js';
import { runLabel } from './run-label.js';
import { visibleControlsKeepingLayout } from './visible-text.js';

/** Escapes text for Markdown inline and table-cell context; control characters show as `\x1b`. */
export function md(text: string): string {
  return visibleControlsKeepingLayout(text)
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[|`*_[\]#~!]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '<br>');
}

export interface MarkdownOptions extends ReportOptions {
  /** Records detailed per connection before "… N more"; default 200 (a PR comment stays readable). */
  readonly maxRecords?: number;
}

export function renderMarkdown(input: PlanReport, options: MarkdownOptions): string {
  const report = prepareReport(input, options.redactor);
  const out = [`# ${md(reportTitle(report))}`, '', `Generated ${md(report.generatedAt)}.`];
  const max = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  for (const c of report.connections) out.push('', ...connection(c, max));
  for (const s of linksSections(report.links, crmOfConnection(report)))
    out.push('', ...markdownLinksSection(s, max));
  return `${out.join('\n')}\n`;
}

function connection(c: ConnectionPlanReport, maxRecords: number): string[] {
  const r = c.result;
  const crm = crmName(r.crm);
  const out = [
    `## ${md(runLabel(r))} → ${md(crm)}: ${md(r.status)}`,
    '',
    `Pulled: Propstreet ${r.pulled.propstreet} · ${md(crm)} ${r.pulled.crm}. ${md(r.startedAt)} → ${md(r.finishedAt)}.`,
  ];
  if (r.abort) out.push('', `> **Aborted** (${md(r.abort.code)}): ${md(r.abort.message)}`);

  const done = r.dryRun ? undefined : countLines(r.done);
  out.push(
    '',
    `| Count | Propstreet | ${md(crm)} | Total |${done ? ' Done |' : ''}`,
    `|---|---:|---:|---:|${done ? '---:|' : ''}`,
  );
  countLines(r.planned).forEach((line, i) => {
    const side = (n: number | undefined) => (n === undefined ? '' : String(n));
    const doneCell = done ? ` ${done[i]?.total ?? 0} |` : '';
    out.push(`| ${line.label} | ${side(line.propstreet)} | ${side(line.crm)} | ${line.total} |${doneCell}`);
  });

  const calls = callSummaries(r.calls, r.crm)
    .map(
      (s) =>
        `${md(s.api)} ${s.total}${s.endpoints.length ? ` (${s.endpoints.map(([k, v]) => `${md(k)}: ${v}`).join(', ')})` : ''}`,
    )
    .join(' · ');
  out.push('', `**API calls:** ${calls}`);
  if (r.notices.length > 0)
    out.push('', `### ${md(noticesTitle(r.notices))}`, '', ...r.notices.map((n) => `- ${md(n.text)}`));

  const { listed, summary } = listedRecords(c);
  const records = listed.slice(0, maxRecords);
  out.push('', `### Records (${summary.shown} shown, ${summary.unchanged} unchanged)`);
  if (summary.fields.length > 0)
    out.push('', `**Changes by field:** ${md(formatTally(summary.fields, 'change'))}`);
  if (summary.shown > 0) out.push('', `**Records by reason:** ${md(formatTally(summary.reasons, 'record'))}`);
  for (const rec of records) out.push('', ...record(rec, r.crm));
  if (summary.shown > records.length)
    out.push('', `_… ${summary.shown - records.length} more records (${FULL_LIST_HINT})._`);

  if (r.failures.length > 0) {
    out.push(
      '',
      `### Failures (${r.failures.length})`,
      '',
      '| Side | Record | Label | Error | Quarantined |',
      '|---|---|---|---|---|',
    );
    for (const f of r.failures) {
      out.push(
        `| ${f.side} | ${md(f.recordId)} | ${md(f.label)} | ${md(f.error)} | ${f.quarantined ? 'yes' : 'no'} |`,
      );
    }
  }
  if (r.invalid.length > 0) {
    out.push(
      '',
      `### Invalid payloads (${r.invalid.length})`,
      '',
      '| Side | Id | Problem |',
      '|---|---|---|',
    );
    for (const v of r.invalid) out.push(`| ${v.side} | ${md(v.id ?? '(no id)')} | ${md(v.message)} |`);
  }
  return out;
}

function record(r: RecordPlanShape, crmType: string): string[] {
  const crm = crmName(crmType);
  const out = [`#### ${md(r.action)}${r.guarded ? ' (guarded)' : ''}: ${md(recordName(r, crmType))}`, ''];
  const ids = recordIds(r, crmType);
  out.push(`${ids ? `${md(ids)}. ` : ''}Reason: ${md(r.reason)}`);
  const notes = recordNotes(r, crmType);
  if (notes.length > 0) out.push('', `_${notes.map(md).join(' · ')}_`);
  if (r.toCrm.length > 0) out.push('', `**→ ${md(crm)}**`, '', ...changes(r.toCrm));
  if (r.toPropstreet.length > 0) out.push('', '**→ Propstreet**', '', ...changes(r.toPropstreet));
  if (r.conflicts.length > 0) out.push('', '**Conflicts**', '', ...conflicts(r.conflicts, crm));
  if (r.problems.length > 0)
    out.push('', '**Fails validation:**', '', ...r.problems.map((p) => `- ${md(p)}`));
  return out;
}

function changes(list: readonly FieldChange[]): string[] {
  return [
    '| Field | Before | After |',
    '|---|---|---|',
    ...list.map((c) => `| ${md(c.field)} | ${md(formatValue(c.before))} | ${md(formatValue(c.after))} |`),
  ];
}

function conflicts(list: readonly FieldConflict[], crm: string): string[] {
  return [
    `| Field | Propstreet | ${md(crm)} | Last synced | Policy | Chosen |`,
    '|---|---|---|---|---|---|',
    ...list.map((k) => {
      const chosen = k.resolved
        ? `resolved by a person: ${md(formatValue(k.resolved.value))}`
        : k.winner === 'none'
          ? 'none (both kept)'
          : k.winner === 'crm'
            ? md(crm)
            : 'Propstreet';
      return `| ${md(k.field)} | ${md(formatValue(k.propstreet))} | ${md(formatValue(k.crm))} | ${md(formatValue(k.shadow))} | ${md(k.policy)} | ${chosen} |`;
    }),
  ];
}
