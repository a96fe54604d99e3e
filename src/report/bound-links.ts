/**
 * The links phase's results as a report holds them (`TenantRun.links`), and their bounding:
 * names, titles and messages are data, cut like a record's (src/core/clip-text.ts).
 */
import { clipText, LABEL_MAX, MESSAGE_MAX } from '../core/clip-text.js';
import type { LinkRow, LinksResult } from '../links/links-phase.js';

/** One connection's links phase. */
export interface LinksReport {
  readonly connection: string;
  /** The CRM type (`hubspot`); older callers may leave it out. */
  readonly crm?: string;
  readonly result: LinksResult;
}

export function boundLinks(links: readonly LinksReport[]): LinksReport[] {
  return links.map(({ connection, crm, result }) => ({
    connection,
    ...(crm === undefined ? {} : { crm }),
    result: {
      ...result,
      rows: result.rows.map(boundRow),
      conflicts: result.conflicts.map((c) => ({ ...c, message: clipText(c.message, MESSAGE_MAX) })),
      deferred: result.deferred.map((d) => ({ ...d, reason: clipText(d.reason, MESSAGE_MAX) })),
      failed: result.failed.map((f) => ({ ...f, error: clipText(f.error, MESSAGE_MAX) })),
      ...(result.abort
        ? { abort: { ...result.abort, message: clipText(result.abort.message, MESSAGE_MAX) } }
        : {}),
    },
  }));
}

function boundRow(r: LinkRow): LinkRow {
  const clip = (key: 'contactLabel' | 'companyLabel' | 'detail' | 'error', max: number) => {
    const text = r[key];
    return text === undefined ? {} : { [key]: clipText(text, max) };
  };
  return {
    ...r,
    ...clip('contactLabel', LABEL_MAX),
    ...clip('companyLabel', LABEL_MAX),
    ...clip('detail', LABEL_MAX),
    ...clip('error', MESSAGE_MAX),
  };
}
