/**
 * One self-contained HTML file: inline style and script, no external assets. The summaries
 * and cards are escaped HTML (every value through `esc()`); the records are one compact JSON
 * block (`<script type="application/json">`, never run, `<` written as `\u003c` so no value
 * can close it) that the script draws as a virtual list with `textContent` only. The page's
 * CSP allows our own style and script by hash, so hostile names stay text. At 100k records
 * the page stays small and quick because only the rows in view exist in the DOM.
 */
import type { FieldChange, FieldConflict, RecordPlanShape } from '../engine/types.js';
import { REPORT_CSP, REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';
import { linksSections } from './link-rows.js';
import { htmlLinksSection } from './render-html-links.js';
import {
  ACTION_ORDER,
  type ConnectionPlanReport,
  callSummaries,
  countLines,
  crmName,
  crmOfConnection,
  fieldSummary,
  mapStrings,
  noticesTitle,
  type PlanReport,
  prepareReport,
  type ReportOptions,
  reasonSummary,
  recordNotes,
  recordTags,
  reportTitle,
  shownRecords,
  tally,
} from './report-model.js';
import { runLabel } from './run-label.js';
import { visibleControlsKeepingLayout } from './visible-text.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values; control characters show as `\x1b`. */
export function esc(text: string): string {
  return visibleControlsKeepingLayout(text).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Summary lists longer than this show their top entries; the filter box reaches the rest. */
const SUMMARY_TOP = 30;

export function renderHtml(input: PlanReport, options: ReportOptions): string {
  const report = prepareReport(input, options.redactor);
  const shown = report.connections.map((c) => shownRecords(c.records));
  const all = shown.flat();
  const tagCounts = new Map(tally(all.flatMap(recordTags)));
  const tagButtons = [...ACTION_ORDER, 'conflict', 'merge', 'guarded', 'problem'].filter((t) =>
    tagCounts.has(t),
  );
  const title = reportTitle(report);
  const data = embedData(reportData(report.connections, shown));
  const links = linksSections(report.links, crmOfConnection(report));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(REPORT_CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<div class="muted">Generated ${esc(report.generatedAt)} · ${report.connections.length} run(s) (connection · object kind)</div>
<div class="cards">
${report.connections.map(connectionCard).join('\n')}
</div>
<div class="summaries">
${summary('Changes by field', 'field', fieldSummary(all), 'change')}
${summary('Records by reason', 'reason', reasonSummary(all), 'record')}
</div>
<div class="controls">
<input id="filter" type="search" placeholder="Filter records (name, id, field, value…)" aria-label="Filter records">
<span class="sep"></span>
${filterButton('tag', 'all', `all actions (${count(all.length)})`, true)}
${tagButtons.map((t) => filterButton('tag', t, `${t} (${count(tagCounts.get(t) ?? 0)})`, false)).join('\n')}
<span class="sep"></span>
${filterButton('connection', 'all', 'all connections', true)}
${report.connections.map((c) => filterButton('connection', runLabel(c.result), runLabel(c.result), false)).join('\n')}
<span class="sep"></span>
${filterButton('field', 'all', 'any field', true)}
${filterButton('reason', 'all', 'any reason', true)}
<span class="muted" id="shown">${all.length} records</span>
</div>
<section id="detail" hidden></section>
<div class="rec head"><span>Connection</span><span>Action</span><span>Record</span><span>Reason</span><span>Changes</span></div>
<div id="records" role="list">${all.length ? '' : '<div class="muted">Nothing to do: every record is unchanged.</div>'}</div>
${links.length ? `<h2 class="links-title">Who works where</h2>\n${links.map(htmlLinksSection).join('\n')}` : ''}
<script type="application/json" id="report-data">${data}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A summary list: each entry a button that filters the records to it (drill down). */
function summary(title: string, group: string, entries: [string, number][], unit: string): string {
  if (entries.length === 0) return '';
  const top = entries.slice(0, SUMMARY_TOP);
  const more = entries.length - top.length;
  return `<section class="summary"><h3>${esc(title)}</h3><div>${top
    .map(([k, n]) => filterButton(group, k, `${k}: ${count(n)} ${unit}${n === 1 ? '' : 's'}`, false))
    .join('\n')}${more > 0 ? `<span class="muted"> … and ${more} more</span>` : ''}</div></section>`;
}

/**
 * The records as the page's script reads them. Compact, because a first sync has 100k of
 * them: repeated strings (actions, reasons, tags, notes, field names, policies, and field
 * values that occur more than once, such as company names and job titles) are indexes into
 * `strings`; a record is a positional array with empty trailing parts left off, and a change
 * whose "before" is empty (every field of a create) leaves it off:
 *
 *   [connection, action, label, propstreetId, crmId, reason, tags, notes, toCrm,
 *    toPropstreet, conflicts, problems, crmLabel]
 *   crmLabel: the CRM record's current name, when it differs from the label (else left off)
 *   change:   [field, after] | [field, after, before]      (a value: string, null, or index)
 *   conflict: [field, propstreet, crm, shadow, policy, chosen, winner, resolveId]
 */
export interface ReportData {
  readonly strings: string[];
  readonly connections: {
    readonly name: string;
    readonly connection: string;
    readonly kind: string;
    readonly crm: string;
  }[];
  readonly records: unknown[][];
}

function reportData(
  connections: readonly ConnectionPlanReport[],
  shown: readonly RecordPlanShape[][],
): ReportData {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const s = (text: string): number => {
    let i = index.get(text);
    if (i === undefined) {
      i = strings.length;
      strings.push(text);
      index.set(text, i);
    }
    return i;
  };
  // A value seen more than once is worth an index (a 4-character value already is).
  const seen = new Map<string, number>();
  const see = (v: string | null) => {
    if (v !== null && v.length >= 4) seen.set(v, (seen.get(v) ?? 0) + 1);
  };
  for (const list of shown)
    for (const r of list) {
      for (const c of [...r.toCrm, ...r.toPropstreet]) for (const x of [c.after, c.before]) see(x);
      for (const k of r.conflicts) for (const x of [k.propstreet, k.crm, k.shadow]) see(x);
    }
  const v = (text: string | null): string | number | null =>
    text !== null && (seen.get(text) ?? 0) > 1 ? s(text) : text;
  const change = (c: FieldChange): unknown[] =>
    c.before === null ? [s(c.field), v(c.after)] : [s(c.field), v(c.after), v(c.before)];
  const records: unknown[][] = [];
  connections.forEach((c, ci) => {
    const crm = crmName(c.result.crm);
    for (const r of shown[ci] ?? []) {
      const row: unknown[] = [
        ci,
        s(r.action),
        r.label,
        r.propstreetId,
        r.crmId,
        s(r.reason),
        s(recordTags(r).join(' ')),
        s(recordNotes(r, c.result.crm).join(' · ')),
        r.toCrm.map(change),
        r.toPropstreet.map(change),
        r.conflicts.map((k) => conflict(r, k, crm, s, v)),
        r.problems,
        r.crmLabel ?? null,
      ];
      while (row.length > 8 && isEmpty(row[row.length - 1])) row.pop();
      records.push(row);
    }
  });
  return {
    strings,
    connections: connections.map((c) => ({
      name: runLabel(c.result),
      // The resolve command names the connection and the kind apart (`-c hubspot -k contacts`).
      connection: c.result.connection,
      kind: c.result.kind,
      crm: crmName(c.result.crm),
    })),
    records,
  };
}

function isEmpty(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.length === 0);
}

function conflict(
  r: RecordPlanShape,
  k: FieldConflict,
  crm: string,
  s: (t: string) => number,
  v: (t: string | null) => string | number | null,
): unknown[] {
  const chosen = k.resolved
    ? `resolved by a person: ${k.resolved.value ?? 'empty'}`
    : k.winner === 'none'
      ? 'none (both kept)'
      : k.winner === 'crm'
        ? crm
        : 'Propstreet';
  // A conflict left for a person shows the command that resolves it (`propsync resolve`).
  const resolveId =
    k.winner === 'none' && !k.resolved && r.propstreetId ? `${r.propstreetId}:${k.field}` : null;
  return [
    s(k.field),
    v(k.propstreet),
    v(k.crm),
    v(k.shadow),
    s(k.policy),
    chosen,
    k.resolved ? '' : k.winner,
    resolveId,
  ];
}

/**
 * JSON for a `<script type="application/json">` block: `<` as `\u003c`, so no value can
 * write `</script>` or `<!--`; control characters made visible as in the rest of the page.
 */
function embedData(data: ReportData): string {
  return JSON.stringify(mapStrings(data, visibleControlsKeepingLayout)).replace(/</g, '\\u003c');
}

function filterButton(group: string, value: string, label: string, pressed: boolean): string {
  return `<button type="button" data-group="${esc(group)}" data-value="${esc(value)}" aria-pressed="${pressed}">${esc(label)}</button>`;
}

function connectionCard(c: ConnectionPlanReport): string {
  const r = c.result;
  const crm = crmName(r.crm);
  const done = r.dryRun ? undefined : countLines(r.done);
  const side = (n: number | undefined) => (n === undefined ? '' : String(n));
  const counts = countLines(r.planned)
    .map(
      (l, i) =>
        `<tr><td>${esc(l.label)}</td><td class="n">${side(l.propstreet)}</td><td class="n">${side(l.crm)}</td><td class="n">${l.total}</td>${done ? `<td class="n">${done[i]?.total ?? 0}</td>` : ''}</tr>`,
    )
    .join('');
  const calls = callSummaries(r.calls, r.crm)
    .map(
      (s) =>
        `<div><b>${esc(s.api)}</b> ${s.total} call(s)${s.endpoints.length ? ` <span class="muted">(${s.endpoints.map(([k, v]) => `${esc(k)}: ${v}`).join(', ')})</span>` : ''}</div>`,
    )
    .join('');
  const failures = r.failures.length
    ? `<h3>Failures (${r.failures.length})</h3><table class="fields"><tr><th>Side</th><th>Record</th><th>Error</th></tr>${r.failures
        .map(
          (f) =>
            `<tr><td>${esc(f.side)}</td><td>${esc(f.label)} <span class="ids">${esc(f.recordId)}</span></td><td>${esc(f.error)}${f.quarantined ? ' <span class="badge a-invalid">quarantined</span>' : ''}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const notices = r.notices.length
    ? `<h3>${esc(noticesTitle(r.notices))}</h3><ul class="notices">${r.notices.map((n) => `<li>${esc(n.text)}</li>`).join('')}</ul>`
    : '';
  const invalid = r.invalid.length
    ? `<h3>Invalid payloads (${r.invalid.length})</h3><ul class="problems">${r.invalid
        .map((v) => `<li>${esc(v.side)} ${esc(v.id ?? '(no id)')}: ${esc(v.message)}</li>`)
        .join('')}</ul>`
    : '';
  return `<section class="card" data-connection="${esc(runLabel(r))}">
<h2>${esc(runLabel(r))} → ${esc(crm)} · <span class="status-${esc(r.status)}">${esc(r.status)}</span></h2>
<div class="muted">Pulled Propstreet ${r.pulled.propstreet} · ${esc(crm)} ${r.pulled.crm} · ${esc(r.startedAt)} → ${esc(r.finishedAt)}</div>
${r.abort ? `<p class="problems">Aborted (${esc(r.abort.code)}): ${esc(r.abort.message)}</p>` : ''}
<table class="fields"><tr><th></th><th class="n">Propstreet</th><th class="n">${esc(crm)}</th><th class="n">Total</th>${done ? '<th class="n">Done</th>' : ''}</tr>${counts}</table>
<div>${calls}</div>
${notices}${failures}${invalid}
</section>`;
}
