/**
 * One contact's Propstreet link writes, in order: creates (with their job title), title changes,
 * the primary company, then deletes. A PATCH needs the link's current etag (If-Match is required
 * on links), so the contact's live links are listed first; a stale etag (412) or any other
 * failure stops the contact's writes and is returned (stale or not: the phase re-reads and
 * re-merges a stale contact, up to 3 times); a contact that still fails is tried again next run,
 * where what landed reads as agreed.
 */
import { PreconditionFailedError } from '../core/errors.js';
import type { Link } from '../propstreet/link-schema.js';
import type { LinkRow } from './links-phase.js';
import type { PropstreetOp } from './merge-employments.js';
import type { LinksPorts } from './ports.js';
import type { ContactSides } from './read-sides.js';

export async function applyPropstreet(
  ports: LinksPorts,
  sides: ContactSides,
  ops: readonly PropstreetOp[],
  rows: LinkRow[],
): Promise<{ readonly message: string; readonly stale: boolean } | null> {
  if (ops.length === 0) return null;
  const psRows = rows.filter((r) => r.side === 'propstreet');
  const contactId = sides.propstreetId;
  const api = ports.propstreet;
  try {
    const byCompany = new Map<string, Link>();
    for await (const page of api.listLinks({ contactId }))
      for (const l of page.links) if (!l.deletedUtc) byCompany.set(l.companyId, l);
    const order = ['create', 'title', 'primary', 'delete'] as const;
    for (const kind of order)
      for (const [k, op] of ops.entries()) {
        if (op.op !== kind) continue;
        const row = psRows[k] as LinkRow;
        const link = byCompany.get(op.company);
        if (op.op === 'create') {
          if (!link)
            byCompany.set(
              op.company,
              await api.createLink({ contactId, companyId: op.company, jobTitle: op.jobTitle }),
            );
        } else if (!link) {
          // Gone already (a delete that raced us) or never there: nothing to patch or delete.
        } else if (op.op === 'delete') await api.deleteLink(link.id, { ifMatch: link.etag ?? undefined });
        else {
          const patch = op.op === 'title' ? { jobTitle: op.jobTitle } : { isPrimary: op.clear !== true };
          byCompany.set(op.company, await api.patchLink(link.id, patch, { ifMatch: link.etag ?? '' }));
        }
        row.outcome = 'done';
      }
    return null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    for (const r of psRows)
      if (r.outcome === 'planned') {
        r.outcome = 'failed';
        r.error = message;
      }
    return {
      message: `Propstreet link write failed: ${message}`,
      stale: e instanceof PreconditionFailedError,
    };
  }
}
