/**
 * The HTML report's "who works where" sections: per connection the headline, why it was held,
 * and its rows as an escaped table (every value through `esc()`; no script draws them). A first
 * sync can plan thousands of rows: the page lists the first 5,000 per connection, the JSON
 * report all of them.
 */
import { deferredHeading, type LinksSection, rowContact, rowIds, rowSide, rowWhat } from './link-rows.js';
import { esc } from './render-html.js';

const HTML_ROWS_MAX = 5_000;

export function htmlLinksSection(s: LinksSection): string {
  const r = s.result;
  const status = r.abort ? 'aborted' : r.failed.length > 0 ? 'partial' : 'ok';
  const held = r.abort
    ? `<p class="guarded"><b>Held</b> (${esc(r.abort.code)}): ${esc(r.abort.message)}${r.dryRun ? '' : ' The links phase wrote nothing.'}</p>`
    : '';
  const rows = r.rows.slice(0, HTML_ROWS_MAX);
  const table = rows.length
    ? `<table class="fields"><tr><th>Action</th><th>In</th><th>Contact</th><th>What</th><th>Outcome</th></tr>${rows
        .map((row) => {
          const style =
            row.action === 'dissociate'
              ? 'a-unlink'
              : row.action === 'associate'
                ? 'a-create-in-crm'
                : 'a-update';
          const outcome =
            row.outcome === 'held'
              ? '<span class="badge guarded">held</span>'
              : `${esc(row.outcome)}${row.error ? `: ${esc(row.error)}` : ''}`;
          return `<tr><td><span class="badge ${style}">${esc(row.action)}</span></td><td>${esc(rowSide(row, s.crm))}</td><td>${esc(rowContact(row))}</td><td>${esc(rowWhat(row))} <span class="ids">${esc(rowIds(row))}</span></td><td>${outcome}</td></tr>`;
        })
        .join(
          '',
        )}</table>${r.rows.length > rows.length ? `<div class="muted">… ${r.rows.length - rows.length} more rows (the .json report holds all)</div>` : ''}`
    : '<div class="muted">No employment to change.</div>';
  const list = (title: string, items: readonly string[]) =>
    items.length
      ? `<h3>${esc(title)} (${items.length})</h3><ul class="notices">${items.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`
      : '';
  return `<section class="card links" data-connection="${esc(s.label)}">
<h2>${esc(s.label)} → ${esc(s.crm)}: <span class="status-${status}">${status}</span></h2>
<div class="muted">Who works where: ${esc(s.headline)}</div>
${held}${table}
${list(
  'Conflicts',
  r.conflicts.map((c) => `contact ${c.contact}: ${c.message}`),
)}${list(
  deferredHeading(r),
  r.deferred.map((d) => `contact ${d.contact}: ${d.reason}`),
)}${list(
  'Failures',
  r.failed.map((f) => `contact ${f.contact}: ${f.error}`),
)}
</section>`;
}
