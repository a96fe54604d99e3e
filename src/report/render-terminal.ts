/**
 * A compact plain-text report for the terminal. Colour only when asked (the CLI asks when
 * stdout is a TTY and NO_COLOR is unset), and control characters in data are made visible,
 * so a contact named with escape sequences cannot repaint the user's terminal.
 */
import type { FieldChange, RecordPlanShape } from '../engine/types.js';
import { displayWidth, padEndToWidth, padStartToWidth, truncateToWidth } from './display-width.js';
import { linksSections } from './link-rows.js';
import { renderLinksSection } from './render-terminal-links.js';
import {
  type ConnectionPlanReport,
  callSummaries,
  countLines,
  crmName,
  crmNameNote,
  crmOfConnection,
  DEFAULT_MAX_RECORDS,
  FULL_LIST_HINT,
  formatCalls,
  formatTally,
  formatValue,
  listedRecords,
  mapStrings,
  noticesTitle,
  type PlanReport,
  prepareReport,
  type ReportOptions,
  recordIds,
  recordNotes,
  reportTitle,
} from './report-model.js';
import { runLabel } from './run-label.js';
import { visibleControls } from './visible-text.js';

export interface TerminalOptions extends ReportOptions {
  readonly color: boolean;
  /** Records listed per connection before "… N more"; default 200. */
  readonly maxRecords?: number;
}

type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';
const CODES: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  cyan: '36',
};

/** Colour for a stream: off when NO_COLOR is set and non-empty (no-color.org) or not a TTY. */
export function shouldUseColor(
  stream: { readonly isTTY?: boolean } = process.stdout,
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

export function renderTerminal(input: PlanReport, options: TerminalOptions): string {
  const report = mapStrings(prepareReport(input, options.redactor), visibleControls);
  const paint = (style: Style, text: string) =>
    options.color ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text;
  const out: string[] = [paint('bold', `${reportTitle(report)} · ${report.generatedAt}`)];
  const max = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  for (const c of report.connections) out.push('', ...renderConnection(c, paint, max));
  for (const s of linksSections(report.links, crmOfConnection(report)))
    out.push('', ...renderLinksSection(s, paint, max));
  return `${out.join('\n')}\n`;
}

function renderConnection(
  c: ConnectionPlanReport,
  paint: (style: Style, text: string) => string,
  maxRecords: number,
): string[] {
  const r = c.result;
  const crm = crmName(r.crm);
  const statusStyle: Style = r.status === 'ok' ? 'green' : r.status === 'partial' ? 'yellow' : 'red';
  const lines = [
    `${paint('bold', `${runLabel(r)} → ${crm}`)} · ${paint(statusStyle, r.status)} · pulled Propstreet ${r.pulled.propstreet}, ${crm} ${r.pulled.crm}`,
  ];
  if (r.abort) lines.push(paint('red', `  aborted: ${r.abort.code}: ${r.abort.message}`));

  const counts = countLines(r.planned);
  const done = r.dryRun ? undefined : countLines(r.done);
  lines.push(
    `  ${pad('', 10)}${padStart('Propstreet', 11)}${padStart(crm, 11)}${padStart('total', 8)}${done ? padStart('done', 8) : ''}`,
  );
  counts.forEach((line, i) => {
    if (line.propstreet === undefined && line.total === 0) return;
    const side = (n: number | undefined) => padStart(n === undefined ? '' : String(n), 11);
    const doneCell = done ? padStart(String(done[i]?.total ?? 0), 8) : '';
    lines.push(
      `  ${pad(line.label, 10)}${side(line.propstreet)}${side(line.crm)}${padStart(String(line.total), 8)}${doneCell}`,
    );
  });
  lines.push(`  API calls: ${callSummaries(r.calls, r.crm).map(formatCalls).join(' · ')}`);
  if (r.notices.length > 0) {
    lines.push('', paint('yellow', `  ${noticesTitle(r.notices)}`));
    for (const n of r.notices) lines.push(paint('yellow', `    ! ${n.text}`));
  }

  const { listed, summary } = listedRecords(c);
  if (summary.shown > 0) {
    const records = listed.slice(0, maxRecords);
    lines.push('');
    if (summary.fields.length > 0) lines.push(`  Changes by field: ${formatTally(summary.fields, 'change')}`);
    lines.push(`  Records by reason: ${formatTally(summary.reasons, 'record')}`);
    const actionWidth = Math.max('ACTION'.length, ...records.map((x) => x.action.length)) + 2;
    lines.push('', paint('dim', `  ${pad('ACTION', actionWidth)}${pad('RECORD', LABEL_COLUMN)}REASON`));
    for (const rec of records) lines.push(...renderRecord(rec, crm, r.crm, actionWidth, paint));
    if (summary.shown > records.length) {
      lines.push(paint('dim', `  … ${summary.shown - records.length} more records (${FULL_LIST_HINT})`));
    }
  }
  if (r.failures.length > 0) {
    lines.push('', paint('red', `  Failures (${r.failures.length})`));
    for (const f of r.failures) {
      lines.push(
        `    ${f.side} ${f.recordId} ${f.label}: ${f.error}${f.quarantined ? paint('red', ' [quarantined]') : ''}`,
      );
    }
  }
  if (r.invalid.length > 0) {
    lines.push('', paint('yellow', `  Invalid payloads (${r.invalid.length})`));
    for (const v of r.invalid) lines.push(`    ${v.side} ${v.id ?? '(no id)'}: ${v.message}`);
  }
  return lines;
}

function renderRecord(
  r: RecordPlanShape,
  crm: string,
  crmType: string,
  actionWidth: number,
  paint: (style: Style, text: string) => string,
): string[] {
  const style: Style =
    r.action === 'invalid' || r.action.startsWith('delete')
      ? 'red'
      : r.action.startsWith('create')
        ? 'green'
        : 'cyan';
  const guard = r.guarded ? paint('yellow', ' [guarded]') : '';
  const lines = [
    `  ${paint(style, pad(r.action, actionWidth))}${pad(truncate(r.label, LABEL_COLUMN - 2), LABEL_COLUMN)}${r.reason}${guard}`,
  ];
  // The CRM's name goes on the ids line: the name column is cut at 32 columns.
  const ids = [recordIds(r, crmType), crmNameNote(r, crmType)].filter(Boolean).join(' · ');
  if (ids) lines.push(paint('dim', `      ${ids}`));
  lines.push(...diffLines(r, crm));
  for (const k of r.conflicts) {
    const chosen = k.resolved
      ? `resolved by a person: ${quote(k.resolved.value)}`
      : k.winner === 'none'
        ? `both kept (propsync resolve <config> ${r.propstreetId}:${k.field})`
        : `${k.winner === 'crm' ? crm : 'Propstreet'} wins`;
    lines.push(
      paint(
        'yellow',
        `      ⚡ conflict ${k.field}: Propstreet ${quote(k.propstreet)} · ${crm} ${quote(k.crm)} · shadow ${quote(k.shadow)} · ${k.policy}: ${chosen}`,
      ),
    );
  }
  for (const p of r.problems) lines.push(paint('red', `      ✗ ${p}`));
  const notes = recordNotes(r, crmType);
  if (notes.length > 0) lines.push(paint('dim', `      ${notes.join(' · ')}`));
  return lines;
}

/** Columns for a record's name: 2 of them keep it apart from the reason. */
const LABEL_COLUMN = 34;
/** Columns a value may take in a diff line before it is cut. */
const VALUE_COLUMN = 50;

/**
 * A record's field changes, both directions as one table: target, field, before → after, the
 * field and before columns as wide as their widest cell (in terminal columns, not UTF-16
 * units), so every arrow lines up whatever script the values are written in.
 */
function diffLines(r: RecordPlanShape, crm: string): string[] {
  const rows = [
    ...r.toCrm.map((c) => [crm, c] as const),
    ...r.toPropstreet.map((c) => ['Propstreet', c] as const),
  ].map(([target, c]: readonly [string, FieldChange]) => ({
    target,
    field: c.field,
    before: truncate(formatValue(c.before), VALUE_COLUMN),
    after: truncate(formatValue(c.after), VALUE_COLUMN),
  }));
  const width = (cells: readonly string[]) => Math.max(0, ...cells.map(displayWidth));
  // The same for every record, so a long list reads as one table.
  const targetWidth = Math.max(displayWidth(crm), 'Propstreet'.length);
  const fieldWidth = width(rows.map((x) => x.field));
  const beforeWidth = width(rows.map((x) => x.before));
  return rows.map(
    (x) =>
      `      → ${pad(x.target, targetWidth)}  ${pad(x.field, fieldWidth)}  ${pad(x.before, beforeWidth)} → ${x.after}`,
  );
}

function quote(v: string | null): string {
  return v === null ? '(empty)' : `"${truncate(v, 40)}"`;
}

const pad = padEndToWidth;
const padStart = padStartToWidth;
const truncate = truncateToWidth;
