/**
 * In a bridge (a tenant with several connections), a CRM deletion seen by one connection must not
 * reach Propstreet before the other connections have read their CRMs past it: a person's edit of
 * the same record in another CRM is still on its way to Propstreet, and deleting first lost it
 * (RELIABILITY.md bug 37; which outcome won depended only on the order of the connections). A
 * connection is behind when it still links the record and either its last completed CRM read
 * is older than the deletion plus the overlap (what a read at T may not see yet: search lag, late
 * commits, clocks apart: the engine's clock against the CRM's stamp), or it holds a failure of
 * the pair (it read an edit it could not carry). Once none is, the deletion is planned as usual,
 * and an edit they carried to Propstreet meanwhile is a delete-vs-edit conflict
 * (`deletes.againstEdit`).
 */
import type { Scope, StateStore } from '../state/port.js';
import type { PairState } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';

/** For CRM deletions by Propstreet id: the sibling connections still behind each. */
export type SiblingLag = (
  deleted: readonly { readonly propstreetId: string; readonly deletedAt: string }[],
) => Promise<ReadonlyMap<string, readonly string[]>>;

export function createSiblingLag(
  store: Pick<StateStore, 'linksByPropstreetIds' | 'listFailures'>,
  scope: Scope,
  siblings: readonly string[],
  /** When (engine clock, ISO) a connection's last completed run read its CRM's changes; null: never. */
  crmReadAt: (scope: Scope) => Promise<string | null>,
  /** How long after the deletion a read must start to have seen what came before it: the overlap. */
  marginMs: number,
): SiblingLag {
  // A sibling does not run while this run holds the tenant: its failures are read once a run.
  const failures = new Map<string, Promise<Set<string>>>();
  const failing = (sibling: Scope) => {
    let known = failures.get(sibling.connection);
    if (!known) {
      known = store.listFailures(sibling).then((all) => new Set(all.map((f) => `${f.side}:${f.recordId}`)));
      failures.set(sibling.connection, known);
    }
    return known;
  };
  return async (deleted) => {
    const out = new Map<string, string[]>();
    if (deleted.length === 0) return out;
    const deletedAt = new Map(deleted.map((d) => [d.propstreetId, d.deletedAt]));
    for (const connection of siblings) {
      const sibling = { ...scope, connection };
      const links = await store.linksByPropstreetIds(sibling, [...deletedAt.keys()]);
      if (links.length === 0) continue;
      const readAt = Date.parse((await crmReadAt(sibling)) ?? '');
      const failed = await failing(sibling);
      for (const link of links) {
        const at = Date.parse(deletedAt.get(link.propstreetId) ?? '');
        // An unknown read time (never read, or an older state) or deletion time is behind: waiting is safe.
        const behind =
          Number.isNaN(readAt) ||
          Number.isNaN(at) ||
          readAt < at + marginMs ||
          failed.has(`propstreet:${link.propstreetId}`) ||
          failed.has(`crm:${link.crmId}`);
        if (behind) out.set(link.propstreetId, [...(out.get(link.propstreetId) ?? []), connection]);
      }
    }
    return out;
  };
}

/** The pairs with a CRM deletion to carry to a live Propstreet record, with the siblings still behind. */
export async function withSiblingLag<R extends PropstreetRecord>(
  pairs: PairState<R>[],
  lag: SiblingLag | undefined,
): Promise<PairState<R>[]> {
  if (!lag) return pairs;
  const deleted = pairs.flatMap((p) =>
    p.crm?.deleted && p.link && !p.propstreet?.deletedUtc && !p.mergedAway
      ? [{ propstreetId: p.link.propstreetId, deletedAt: p.crm.modifiedAt }]
      : [],
  );
  if (deleted.length === 0) return pairs;
  const behind = await lag(deleted);
  if (behind.size === 0) return pairs;
  return pairs.map((p) => {
    const names = p.crm?.deleted && p.link ? behind.get(p.link.propstreetId) : undefined;
    return names ? { ...p, siblingsBehind: names } : p;
  });
}
