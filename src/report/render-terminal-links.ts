/**
 * The terminal's "who works where" section of one connection: the links phase's headline, why
 * it was held, and its rows (action, side, contact, company; the ids dim beneath), capped like
 * the records, then deferred and failed contacts and conflicts.
 */
import { padEndToWidth, truncateToWidth } from './display-width.js';
import { deferredHeading, type LinksSection, rowContact, rowIds, rowSide, rowWhat } from './link-rows.js';
import { FULL_LIST_HINT } from './report-model.js';

type Paint = (style: 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan', text: string) => string;

export function renderLinksSection(s: LinksSection, paint: Paint, maxRows: number): string[] {
  const r = s.result;
  const status = r.abort ? 'aborted' : r.failed.length > 0 ? 'partial' : 'ok';
  const statusStyle = status === 'ok' ? 'green' : status === 'partial' ? 'yellow' : 'red';
  const lines = [`${paint('bold', `${s.label} → ${s.crm}`)} · ${paint(statusStyle, status)} · ${s.headline}`];
  if (r.abort)
    lines.push(
      paint(
        'red',
        `  held: ${r.abort.code}: ${r.abort.message}${r.dryRun ? '' : ' (the links phase wrote nothing)'}`,
      ),
    );
  const rows = r.rows.slice(0, maxRows);
  if (rows.length > 0) {
    const sideWidth = Math.max('IN'.length, 'Propstreet'.length, s.crm.length) + 2;
    lines.push(
      '',
      paint('dim', `  ${pad('ACTION', ACTION)}${pad('IN', sideWidth)}${pad('CONTACT', CONTACT)}WHAT`),
    );
    for (const row of rows) {
      const style = row.action === 'dissociate' ? 'red' : row.action === 'associate' ? 'green' : 'cyan';
      const outcome =
        row.outcome === 'held'
          ? paint('yellow', ' [held]')
          : row.outcome === 'failed' || row.outcome === 'deferred'
            ? paint('red', ` [${row.outcome}${row.error ? `: ${row.error}` : ''}]`)
            : row.outcome === 'done'
              ? ''
              : paint('dim', ` [${row.outcome}]`);
      lines.push(
        `  ${paint(style, pad(row.action, ACTION))}${pad(rowSide(row, s.crm), sideWidth)}${pad(truncateToWidth(rowContact(row), CONTACT - 2), CONTACT)}${rowWhat(row)}${outcome}`,
        paint('dim', `      ${rowIds(row)}`),
      );
    }
    if (r.rows.length > rows.length)
      lines.push(paint('dim', `  … ${r.rows.length - rows.length} more rows (${FULL_LIST_HINT})`));
  }
  if (r.conflicts.length > 0) {
    lines.push('', paint('yellow', `  Conflicts (${r.conflicts.length})`));
    for (const c of r.conflicts) lines.push(paint('yellow', `    ⚡ contact ${c.contact}: ${c.message}`));
  }
  if (r.deferred.length > 0) {
    lines.push('', paint('yellow', `  ${deferredHeading(r)} (${r.deferred.length})`));
    for (const d of r.deferred.slice(0, maxRows)) lines.push(`    contact ${d.contact}: ${d.reason}`);
  }
  if (r.failed.length > 0) {
    lines.push('', paint('red', `  Failures (${r.failed.length})`));
    for (const f of r.failed) lines.push(`    contact ${f.contact}: ${f.error}`);
  }
  return lines;
}

const ACTION = 'dissociate'.length + 2;
const CONTACT = 30;
const pad = padEndToWidth;
