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
.ids { color: var(--muted); font-size: 12px; }
.summaries { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 16px; margin: 16px 0; }
.summary h3 { font-size: 15px; margin: 0 0 6px; }
.summary button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 999px;
  background: var(--soft); cursor: pointer; margin: 0 4px 4px 0; }
.summary button[aria-pressed="true"] { background: var(--fg); color: var(--bg); border-color: var(--fg); }
#records { position: relative; height: 70vh; overflow-y: auto; border-bottom: 1px solid var(--line); }
#records .spacer { position: relative; }
.rec { display: grid; grid-template-columns: 110px 190px minmax(0, 1.4fr) minmax(0, 1fr) minmax(0, 1.2fr);
  gap: 8px; height: 44px; padding: 3px 8px; border-bottom: 1px solid var(--line); overflow: hidden;
  cursor: pointer; position: absolute; left: 0; right: 0; }
.rec > span { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.rec:hover, .rec.open { background: var(--soft); }
.rec.head { position: static; height: auto; background: var(--soft); font-weight: 600; cursor: default; margin-top: 8px; }
#detail { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin: 10px 0; }
#detail h3 { margin: 0 0 4px; font-size: 16px; }
`;

/**
 * Draws the records from the page's JSON block as a virtual list (only the rows in view are
 * in the DOM), filters them by text, action tag, connection, field and reason, and shows one
 * record's changes on click. Data only ever reaches the page through `textContent`.
 */
export const REPORT_SCRIPT = `
(function () {
  var ROW = 44;
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var S = data.strings, recs = data.records, conns = data.connections;
  var list = document.getElementById('records');
  var input = document.getElementById('filter');
  var count = document.getElementById('shown');
  var detail = document.getElementById('detail');
  var state = { tag: 'all', connection: 'all', field: 'all', reason: 'all' };
  var view = [], open = -1;
  var spacer = document.createElement('div');
  spacer.className = 'spacer';
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function parts(r, i) { return r[i] || []; }
  // A field value: inline text, null (empty), or an index into the shared strings.
  function V(x) { return typeof x === 'number' ? S[x] : x; }
  function T(x) { x = V(x); return x === null || x === undefined ? '' : x; }
  function ids(r) {
    var out = [];
    if (r[3]) out.push('Propstreet ' + r[3]);
    if (r[4]) out.push(conns[r[0]].crm + ' ' + r[4]);
    return out.join(' \\u21c4 ');
  }
  // The CRM record's current name when it differs from the label (renamed in the CRM).
  function crmNote(r) { return r[12] ? 'in ' + conns[r[0]].crm + ': ' + r[12] : ''; }
  function idsAndName(r) { return ids(r) + (r[12] ? ' \\u00b7 ' + crmNote(r) : ''); }
  function fields(r) {
    var f = [];
    [8, 9, 10].forEach(function (i) { parts(r, i).forEach(function (c) { f.push(S[c[0]]); }); });
    return f;
  }
  // Lower-cased text per record for the search box, built in slices after the first paint so
  // the page answers at once; a search before it is done finishes it first.
  var hay = new Array(recs.length), built = 0;
  function text(r) {
    var t = conns[r[0]].name + ' ' + S[r[1]] + ' ' + r[2] + ' ' + idsAndName(r) + ' ' + S[r[5]] + ' ' + S[r[6]] + ' ' + S[r[7]];
    var k, c, l;
    for (k = 8; k <= 9; k++) {
      l = parts(r, k);
      for (c = 0; c < l.length; c++) t += ' ' + S[l[c][0]] + ' ' + T(l[c][1]) + ' ' + T(l[c][2]);
    }
    l = parts(r, 10);
    for (c = 0; c < l.length; c++) {
      var x = l[c];
      t += ' ' + S[x[0]] + ' ' + T(x[1]) + ' ' + T(x[2]) + ' ' + T(x[3]) + ' ' + S[x[4]] + ' ' + x[5] + ' ' + T(x[7]);
    }
    return (t + ' ' + parts(r, 11).join(' ')).toLowerCase();
  }
  function build(until) {
    for (; built < until; built++) hay[built] = text(recs[built]);
  }
  function buildSome() {
    build(Math.min(recs.length, built + 5000));
    if (built < recs.length) setTimeout(buildSome, 0);
  }
  // Which interned tag strings hold the chosen tag: one lookup per record, not a split.
  function tagTable() {
    if (state.tag === 'all') return null;
    return S.map(function (t) { return (' ' + t + ' ').indexOf(' ' + state.tag + ' ') >= 0; });
  }
  function matches(i, q, tags) {
    var r = recs[i];
    if (tags && !tags[r[6]]) return false;
    if (state.connection !== 'all' && conns[r[0]].name !== state.connection) return false;
    if (state.reason !== 'all' && S[r[5]] !== state.reason) return false;
    if (state.field !== 'all' && fields(r).indexOf(state.field) < 0) return false;
    return q === '' || hay[i].indexOf(q) >= 0;
  }
  function apply() {
    var q = input.value.trim().toLowerCase();
    if (q !== '') build(recs.length);
    var tags = tagTable();
    view = [];
    for (var i = 0; i < recs.length; i++) if (matches(i, q, tags)) view.push(i);
    count.textContent = view.length + ' of ' + recs.length + ' records';
    spacer.style.height = view.length * ROW + 'px';
    // A short list takes only the room it needs; a long one scrolls inside 70 % of the window.
    list.style.height = Math.min(view.length * ROW + 2, Math.round(window.innerHeight * 0.7)) + 'px';
    list.scrollTop = 0;
    draw();
  }
  function row(i, top) {
    var r = recs[i], e = el('div', 'rec' + (i === open ? ' open' : ''));
    e.setAttribute('role', 'listitem');
    e.setAttribute('data-index', String(i));
    e.setAttribute('data-tags', S[r[6]]);
    e.setAttribute('data-connection', conns[r[0]].name);
    e.style.top = top + 'px';
    e.appendChild(el('span', '', conns[r[0]].name));
    var a = el('span');
    a.appendChild(el('span', 'badge a-' + S[r[1]], S[r[1]]));
    if (S[r[6]].split(' ').indexOf('guarded') >= 0) a.appendChild(el('span', 'badge guarded', 'guarded'));
    e.appendChild(a);
    var who = el('span');
    who.appendChild(el('div', 'label', r[2]));
    who.appendChild(el('div', 'ids', idsAndName(r)));
    e.appendChild(who);
    e.appendChild(el('span', '', S[r[5]]));
    var f = fields(r), p = parts(r, 11).length;
    e.appendChild(el('span', 'muted', (f.length ? f.join(', ') : '') + (p ? (f.length ? ' \\u00b7 ' : '') + p + ' problem(s)' : '')));
    return e;
  }
  function draw() {
    var first = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    var last = Math.min(view.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW) + 5);
    var rows = [];
    for (var k = first; k < last; k++) rows.push(row(view[k], k * ROW));
    spacer.replaceChildren.apply(spacer, rows);
  }
  function value(v, cls) {
    return v === null || v === undefined ? el('span', 'empty', 'empty') : el('span', cls, v);
  }
  function table(head, rows) {
    var t = el('table', 'fields'), h = el('tr');
    head.forEach(function (x) { h.appendChild(el('th', '', x)); });
    t.appendChild(h);
    rows.forEach(function (cells) {
      var tr = el('tr');
      cells.forEach(function (c) { var td = el('td'); td.appendChild(c); tr.appendChild(td); });
      t.appendChild(tr);
    });
    return t;
  }
  function changes(list) {
    return table(['Field', 'Before', 'After'], list.map(function (c) {
      return [el('span', '', S[c[0]]), value(c.length > 2 ? V(c[2]) : null, 'before'), value(V(c[1]), 'after')];
    }));
  }
  function show(i) {
    var r = recs[i], c = conns[r[0]], out = [];
    open = i;
    out.push(el('h3', '', r[12] ? r[2] + ' (' + crmNote(r) + ')' : r[2]));
    out.push(el('div', 'ids', c.name + ' \\u00b7 ' + S[r[1]] + ' \\u00b7 ' + ids(r) + ' \\u00b7 ' + S[r[5]]));
    if (parts(r, 8).length) out.push(el('div', 'side', '\\u2192 ' + c.crm), changes(r[8]));
    if (parts(r, 9).length) out.push(el('div', 'side', '\\u2192 Propstreet'), changes(r[9]));
    if (parts(r, 10).length) {
      out.push(el('div', 'side', 'Conflicts'), table(['Field', 'Propstreet', c.crm, 'Last synced', 'Policy', 'Chosen'],
        r[10].map(function (k) {
          var chosen = el('span', '', k[5]);
          if (k[7]) {
            var res = el('div', 'resolve');
            res.id = 'conflict-' + k[7];
            res.appendChild(el('code', '', 'propsync resolve <config> ' + k[7] + ' -c ' + c.connection + ' -k ' + c.kind + ' --take propstreet'));
            res.appendChild(document.createTextNode(' \\u00b7 '));
            res.appendChild(el('code', '', '--take crm'));
            res.appendChild(document.createTextNode(' \\u00b7 '));
            res.appendChild(el('code', '', '--value \\u2026'));
            chosen.appendChild(res);
          }
          return [el('span', '', S[k[0]]), value(V(k[1]), k[6] === 'propstreet' ? 'after' : ''),
            value(V(k[2]), k[6] === 'crm' ? 'after' : ''), value(V(k[3]), 'muted'), el('span', '', S[k[4]]), chosen];
        })));
    }
    if (parts(r, 11).length) {
      var ul = el('ul', 'problems');
      r[11].forEach(function (p) { ul.appendChild(el('li', '', p)); });
      out.push(el('div', 'side', 'Fails validation'), ul);
    }
    if (S[r[7]]) out.push(el('div', 'notes', S[r[7]]));
    detail.replaceChildren.apply(detail, out);
    detail.hidden = false;
    draw();
  }
  list.addEventListener('scroll', function () { window.requestAnimationFrame(draw); });
  list.addEventListener('click', function (ev) {
    var e = ev.target.closest('.rec');
    if (e) show(Number(e.getAttribute('data-index')));
  });
  document.querySelectorAll('button[data-group]').forEach(function (button) {
    button.addEventListener('click', function () {
      var group = button.getAttribute('data-group');
      var value = button.getAttribute('data-value');
      // A summary entry clicked a second time lets go of its filter.
      if (group !== 'tag' && group !== 'connection' && state[group] === value) value = 'all';
      state[group] = value;
      document.querySelectorAll('button[data-group="' + group + '"]').forEach(function (b) {
        b.setAttribute('aria-pressed', String(b.getAttribute('data-value') === value));
      });
      apply();
    });
  });
  input.addEventListener('input', apply);
  if (recs.length) {
    list.replaceChildren(spacer);
    apply();
    setTimeout(buildSome, 0);
  }
})();
`;

function cspHash(source: string): string {
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
