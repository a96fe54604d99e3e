/**
 * The HTML report's inline style and script. Both are constants, so the page's Content
 * Security Policy can allow exactly these two by hash and nothing else: even if some data
 * escaped its escaping, the browser would not run it.
 */
import { createHash } from 'node:crypto';

export const REPORT_CSS = `
:root { --fg:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#fff; --soft:#f6f8fa;
  --create:#1a7f37; --update:#0969da; --delete:#cf222e; --warn:#9a6700; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg);
  background: var(--bg); margin: 0 auto; padding: 24px; max-width: 1400px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 0 0 8px; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.status-ok { color: var(--create); } .status-partial { color: var(--warn); }
.status-failed, .status-aborted { color: var(--delete); }
.controls { position: sticky; top: 0; background: var(--bg); padding: 10px 0; display: flex;
  flex-wrap: wrap; gap: 6px; align-items: center; border-bottom: 1px solid var(--line); z-index: 1; }
.controls input { font: inherit; padding: 5px 8px; min-width: 260px; border: 1px solid var(--line); border-radius: 6px; }
.controls button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 999px;
  background: var(--soft); cursor: pointer; }
.controls button[aria-pressed="true"] { background: var(--fg); color: var(--bg); border-color: var(--fg); }
.controls .sep { width: 1px; height: 22px; background: var(--line); margin: 0 4px; }
.badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12px; font-weight: 600;
  border: 1px solid currentColor; white-space: nowrap; }
.a-create-in-crm, .a-create-in-propstreet { color: var(--create); }
.a-update, .a-link { color: var(--update); }
.a-delete-in-crm, .a-delete-in-propstreet, .a-unlink, .a-invalid { color: var(--delete); }
.a-skip { color: var(--muted); }
.guarded { color: var(--warn); }
table.fields { margin: 4px 0 8px; font-size: 13px; }
table.fields th, table.fields td { padding: 2px 6px; }
.side { font-weight: 600; margin-top: 4px; }
.empty { color: var(--muted); font-style: italic; }
.before { color: var(--delete); } .after { color: var(--create); }
.problems { color: var(--delete); margin: 4px 0; padding-left: 18px; }
.notes { color: var(--muted); font-size: 12px; }
.notices { color: var(--warn); margin: 4px 0; padding-left: 18px; }
tr.rec > td { padding-top: 8px; padding-bottom: 8px; }
.ids { color: var(--muted); font-size: 12px; }
`;

/** Filters rows by text, action tag and connection; reads only the DOM, never data in script. */
export const REPORT_SCRIPT = `
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr.rec'));
  var input = document.getElementById('filter');
  var count = document.getElementById('shown');
  var state = { tag: 'all', connection: 'all' };
  function apply() {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = (state.tag === 'all' || row.getAttribute('data-tags').split(' ').indexOf(state.tag) >= 0) &&
        (state.connection === 'all' || row.getAttribute('data-connection') === state.connection) &&
        (q === '' || row.textContent.toLowerCase().indexOf(q) >= 0);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + ' of ' + rows.length + ' records';
  }
  document.querySelectorAll('button[data-group]').forEach(function (button) {
    button.addEventListener('click', function () {
      var group = button.getAttribute('data-group');
      state[group] = button.getAttribute('data-value');
      document.querySelectorAll('button[data-group="' + group + '"]').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b === button));
      });
      apply();
    });
  });
  input.addEventListener('input', apply);
  apply();
})();
`;

export function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export const REPORT_CSP = [
  "default-src 'none'",
  `style-src ${cspHash(REPORT_CSS)}`,
  `script-src ${cspHash(REPORT_SCRIPT)}`,
  "img-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
