/**
 * One self-contained HTML file: inline style and script, no external assets. Data is
 * embedded as escaped HTML (never as script), every value through `esc()`, and the page's
 * CSP only allows our own style and script by hash, so hostile names stay text.
 */
import type { FieldChange, FieldConflict, RecordPlan } from '../engine/types.js';
import { REPORT_CSP, REPORT_CSS, REPORT_SCRIPT } from './html-assets.js';
import {
  ACTION_ORDER,
  type ConnectionPlanReport,
  callSummaries,
  countLines,
  crmName,
  noticesTitle,
  type PlanReport,
  prepareReport,
  recordIds,
  recordNotes,
  recordTags,
  reportTitle,
  shownRecords,
} from './report-model.js';
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

export function renderHtml(input: PlanReport): string {
  const report = prepareReport(input);
  const rows = report.connections.flatMap((c) => shownRecords(c.records).map((r) => recordRow(r, c)));
  const tags = new Set(report.connections.flatMap((c) => shownRecords(c.records).flatMap(recordTags)));
  const tagButtons = [...ACTION_ORDER, 'conflict', 'merge', 'guarded', 'problem'].filter((t) => tags.has(t));
  const title = reportTitle(report);
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
<div class="muted">Generated ${esc(report.generatedAt)} · ${report.connections.length} connection(s)</div>
<div class="cards">
${report.connections.map(connectionCard).join('\n')}
</div>
<div class="controls">
<input id="filter" type="search" placeholder="Filter records (name, id, field, value…)" aria-label="Filter records">
<span class="sep"></span>
${filterButton('tag', 'all', 'all actions', true)}
${tagButtons.map((t) => filterButton('tag', t, t, false)).join('\n')}
<span class="sep"></span>
${filterButton('connection', 'all', 'all connections', true)}
${report.connections.map((c) => filterButton('connection', c.result.connection, c.result.connection, false)).join('\n')}
<span class="muted" id="shown">${rows.length} records</span>
</div>
<table id="records">
<thead><tr><th>Connection</th><th>Action</th><th>Record</th><th>Reason</th><th>Changes</th></tr></thead>
<tbody>
${rows.length ? rows.join('\n') : '<tr><td colspan="5" class="muted">Nothing to do: every record is unchanged.</td></tr>'}
</tbody>
</table>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
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
  return `<section class="card" data-connection="${esc(r.connection)}">
<h2>${esc(r.connection)} → ${esc(crm)} · <span class="status-${esc(r.status)}">${esc(r.status)}</span></h2>
<div class="muted">Pulled Propstreet ${r.pulled.propstreet} · ${esc(crm)} ${r.pulled.crm} · ${esc(r.startedAt)} → ${esc(r.finishedAt)}</div>
${r.abort ? `<p class="problems">Aborted (${esc(r.abort.code)}): ${esc(r.abort.message)}</p>` : ''}
<table class="fields"><tr><th></th><th class="n">Propstreet</th><th class="n">${esc(crm)}</th><th class="n">Total</th>${done ? '<th class="n">Done</th>' : ''}</tr>${counts}</table>
<div>${calls}</div>
${notices}${failures}${invalid}
</section>`;
}

function recordRow(r: RecordPlan, c: ConnectionPlanReport): string {
  const crmType = c.result.crm;
  const crm = crmName(crmType);
  const parts: string[] = [];
  if (r.toCrm.length) parts.push(`<div class="side">→ ${esc(crm)}</div>${changesTable(r.toCrm)}`);
  if (r.toPropstreet.length)
    parts.push(`<div class="side">→ Propstreet</div>${changesTable(r.toPropstreet)}`);
  if (r.conflicts.length)
    parts.push(`<div class="side">Conflicts</div>${conflictTable(r, c.result.connection, crm)}`);
  if (r.problems.length) {
    parts.push(
      `<div class="side">Fails validation</div><ul class="problems">${r.problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`,
    );
  }
  const notes = recordNotes(r, crmType);
  if (notes.length) parts.push(`<div class="notes">${esc(notes.join(' · '))}</div>`);
  return `<tr class="rec" data-tags="${esc(recordTags(r).join(' '))}" data-connection="${esc(c.result.connection)}">
<td>${esc(c.result.connection)}</td>
<td><span class="badge a-${esc(r.action)}">${esc(r.action)}</span>${r.guarded ? ' <span class="badge guarded">guarded</span>' : ''}</td>
<td>${esc(r.label)}<div class="ids">${esc(recordIds(r, crmType))}</div></td>
<td>${esc(r.reason)}</td>
<td>${parts.join('')}</td>
</tr>`;
}

function value(v: string | null, cls: string): string {
  return v === null ? '<span class="empty">empty</span>' : `<span class="${cls}">${esc(v)}</span>`;
}

function changesTable(list: readonly FieldChange[]): string {
  const rows = list.map(
    (c) =>
      `<tr><td>${esc(c.field)}</td><td>${value(c.before, 'before')}</td><td>${value(c.after, 'after')}</td></tr>`,
  );
  return `<table class="fields"><tr><th>Field</th><th>Before</th><th>After</th></tr>${rows.join('')}</table>`;
}

function conflictTable(r: RecordPlan, connection: string, crm: string): string {
  const rows = r.conflicts.map((k) => {
    const chosen = k.resolved
      ? `resolved by a person: ${k.resolved.value ?? 'empty'}`
      : k.winner === 'none'
        ? 'none (both kept)'
        : k.winner === 'crm'
          ? crm
          : 'Propstreet';
    const won = (side: FieldConflict['winner']) => (k.winner === side && !k.resolved ? 'after' : '');
    // A conflict left for a person links to the command that resolves it (`propsync resolve`).
    const id = `${r.propstreetId}:${k.field}`;
    const resolve =
      k.winner === 'none' && !k.resolved && r.propstreetId
        ? `<div class="resolve" id="conflict-${esc(id)}"><code>propsync resolve &lt;config&gt; ${esc(id)} -c ${esc(connection)} --take propstreet</code> · <code>--take crm</code> · <code>--value …</code></div>`
        : '';
    return `<tr><td>${esc(k.field)}</td><td>${value(k.propstreet, won('propstreet'))}</td><td>${value(k.crm, won('crm'))}</td><td>${value(k.shadow, 'muted')}</td><td>${esc(k.policy)}</td><td>${esc(chosen)}${resolve}</td></tr>`;
  });
  return `<table class="fields"><tr><th>Field</th><th>Propstreet</th><th>${esc(crm)}</th><th>Last synced</th><th>Policy</th><th>Chosen</th></tr>${rows.join('')}</table>`;
}
