/**
 * Markdown's "who works where" section of one connection: the headline, why it was held, and a
 * table of its rows (capped like the records), then deferred and failed contacts and conflicts.
 * Every piece of data goes through `md()`.
 */
import { deferredHeading, type LinksSection, rowContact, rowIds, rowSide, rowWhat } from './link-rows.js';
import { md } from './render-markdown.js';
import { FULL_LIST_HINT } from './report-model.js';

export function markdownLinksSection(s: LinksSection, maxRows: number): string[] {
  const r = s.result;
  const status = r.abort ? 'aborted' : r.failed.length > 0 ? 'partial' : 'ok';
  const out = [`## ${md(s.label)} → ${md(s.crm)}: ${status}`, '', `Who works where: ${md(s.headline)}.`];
  if (r.abort)
    out.push(
      '',
      `> **Held** (${md(r.abort.code)}): ${md(r.abort.message)}${r.dryRun ? '' : ' The links phase wrote nothing.'}`,
    );
  const rows = r.rows.slice(0, maxRows);
  if (rows.length > 0) {
    out.push('', '| Action | In | Contact | What | Outcome | Ids |', '|---|---|---|---|---|---|');
    for (const row of rows)
      out.push(
        `| ${row.action} | ${md(rowSide(row, s.crm))} | ${md(rowContact(row))} | ${md(rowWhat(row))} | ${row.outcome}${row.error ? `: ${md(row.error)}` : ''} | ${md(rowIds(row))} |`,
      );
    if (r.rows.length > rows.length)
      out.push('', `_… ${r.rows.length - rows.length} more rows (${FULL_LIST_HINT})._`);
  }
  if (r.conflicts.length > 0)
    out.push(
      '',
      `### Conflicts (${r.conflicts.length})`,
      '',
      ...r.conflicts.map((c) => `- contact ${md(c.contact)}: ${md(c.message)}`),
    );
  if (r.deferred.length > 0)
    out.push(
      '',
      `### ${deferredHeading(r)} (${r.deferred.length})`,
      '',
      ...r.deferred.slice(0, maxRows).map((d) => `- contact ${md(d.contact)}: ${md(d.reason)}`),
    );
  if (r.failed.length > 0)
    out.push(
      '',
      `### Failures (${r.failed.length})`,
      '',
      ...r.failed.map((f) => `- contact ${md(f.contact)}: ${md(f.error)}`),
    );
  return out;
}
