/**
 * For a kind whose records have dependants (companies), the planner must see the record a
 * delete would remove before it plans the delete (dependants-hold.ts). A deletion read on one
 * side arrives without its partner when only that side changed: this reads the partner, only
 * for pairs whose delete policy would delete it — CRM records in one batched read (staged ones
 * first), Propstreet records by id. Reads only.
 *
 * In a bridge, every kind's Propstreet record is read before a CRM deletion is planned against
 * it: another connection may have written an edit to it since this one last read it, which the
 * delete must see as the edit it is (delete-vs-edit), not find by a stale etag, or miss where
 * the link keeps none.
 */

import { readCrmByIds } from './match-candidates.js';
import type { ResolverDeps } from './pair-resolver.js';
import type { PairState } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';

export async function withDeleteTargets<R extends PropstreetRecord>(
  pairs: PairState<R>[],
  deps: ResolverDeps<R>,
  bridge = false,
): Promise<PairState<R>[]> {
  const dependants = deps.mapper.kind.dependants !== undefined;
  if (!dependants && !bridge) return pairs;
  const { direction, deletes } = deps.settings;
  const planned = (p: PairState<R>) => p.link !== null && !p.skipReason && !p.mergedAway;
  const crmTarget = (p: PairState<R>) =>
    dependants &&
    planned(p) &&
    !p.crm &&
    Boolean(p.propstreet?.deletedUtc) &&
    direction !== 'from-crm' &&
    (deletes.fromPropstreet === 'delete' || deletes.fromPropstreet === 'archive');
  const propstreetTarget = (p: PairState<R>) =>
    planned(p) &&
    !p.propstreet &&
    Boolean(p.crm?.deleted) &&
    direction !== 'to-crm' &&
    deletes.fromCrm === 'delete';

  const crmIds = pairs.flatMap((p) => (crmTarget(p) && p.link ? [p.link.crmId] : []));
  const crm = new Map(
    crmIds.length > 0 ? (await readCrmByIds(crmIds, deps)).map((r) => [r.id, r] as const) : [],
  );
  const out: PairState<R>[] = [];
  for (const p of pairs) {
    if (crmTarget(p) && p.link) {
      const record = crm.get(p.link.crmId);
      out.push(record ? { ...p, crm: record } : p);
    } else if (propstreetTarget(p) && p.link) {
      const record = await deps.propstreet.get(p.link.propstreetId);
      out.push(record ? { ...p, propstreet: record } : p);
    } else out.push(p);
  }
  return out;
}
