/**
 * Holds back, before any write, a create in Propstreet whose match value is already taken: when
 * the kind says Propstreet keeps that field unique per organisation (contacts: email), such a
 * create could only fail — or, with an upsert that matched on it (which the connector never
 * sends), land on the record that holds the value and overwrite it; and when the tenant matches
 * by the field (companies: domain, name), a record the rules left unpaired because the value is
 * shared would, created, be a duplicate made by guess. Pairing is the engine's job
 * alone (pair-resolver.ts): a CRM record its match rules left unpaired, whose value
 * (case-insensitively) a live Propstreet record read in this run holds, or (a unique field) other
 * CRM records read in this run share, is skipped with the reason. For a unique field, no API calls: a holder
 * not read in this run is caught by Propstreet's own answer instead, which fails the record; for
 * a shared one, Propstreet would accept the duplicate, so a later run lists its holders.
 */
import type { CrmRecord } from '../crm/port.js';
import { type Matchable, matchables, matchKey, stagedHolders } from './match-values.js';
import type { ResolverDeps } from './pair-resolver.js';
import type { PairState } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';

type GuardDeps<R extends PropstreetRecord> = Pick<
  ResolverDeps<R>,
  'staging' | 'mapper' | 'store' | 'scope' | 'settings' | 'propstreetHolders'
>;

/** The CRM record of a pair that would become a create in Propstreet. */
function toCreate(p: PairState<PropstreetRecord>, direction: string): CrmRecord | undefined {
  if (p.link || p.propstreet || p.skipReason || p.mergedAway || direction === 'to-crm') return undefined;
  return p.crm && !p.crm.deleted ? p.crm : undefined;
}

export async function holdTakenValues<R extends PropstreetRecord>(
  pairs: PairState<R>[],
  deps: GuardDeps<R>,
): Promise<PairState<R>[]> {
  let out = pairs;
  for (const m of matchables(deps.mapper))
    if (m.field.uniqueInPropstreet || deps.settings.match.includes(m.field.name))
      out = await holdTakenValuesOf(m, out, deps);
  return out;
}

async function holdTakenValuesOf<R extends PropstreetRecord>(
  { field, property }: Matchable<R>,
  pairs: PairState<R>[],
  deps: GuardDeps<R>,
): Promise<PairState<R>[]> {
  const matchOf = (r: CrmRecord) => matchKey(deps.mapper, field, r.properties[property]) ?? '';
  const candidates = pairs.flatMap((pair) => {
    const crm = toCreate(pair, deps.settings.direction);
    const value = crm ? matchOf(crm) : '';
    return crm && value ? [{ pair, crmId: crm.id, value }] : [];
  });
  if (candidates.length === 0) return pairs;

  const { name } = field;
  const values = [...new Set(candidates.map((c) => c.value))];
  const holders = stagedHolders(deps.staging, deps.mapper, field, values);
  // A later run read only what changed: a holder it did not read is found by listing Propstreet
  // (a value it may hold twice, so Propstreet's own answer would not refuse the create).
  const unread = values.filter((v) => !holders.has(v));
  if (!field.uniqueInPropstreet && deps.propstreetHolders && unread.length > 0)
    for (const [v, ids] of await deps.propstreetHolders(name, unread))
      if (ids.length > 0) holders.set(v, [...ids]);
  const sharers = new Map<string, string[]>();
  for (const r of deps.staging.crmByMatch(name, values))
    if (!r.deleted) sharers.set(matchOf(r), [...(sharers.get(matchOf(r)) ?? []), r.id]);
  const holderIds = [...holders.values()].flat();
  const links = holderIds.length > 0 ? await deps.store.linksByPropstreetIds(deps.scope, holderIds) : [];
  const linkOf = new Map(links.map((l) => [l.propstreetId, l.crmId]));

  const reasons = new Map<PairState<R>, string>();
  const { one } = deps.mapper.kind.noun;
  for (const { pair: p, crmId, value } of candidates) {
    const others = (sharers.get(value) ?? []).filter((id) => id !== crmId);
    const held = holders.get(value) ?? [];
    if (held.length > 0) {
      const linked = held.map((id) => linkOf.get(id)).find((linkedTo) => linkedTo !== undefined);
      const why = linked
        ? `it is linked to CRM record ${linked}`
        : others.length > 0
          ? `${others.length + 1} CRM records share the ${name}`
          : deps.settings.match.includes(name)
            ? 'the match rules did not pair them'
            : `${name} matching is off for this connection`;
      reasons.set(
        p,
        `${name} ${value} is already held by Propstreet ${one} ${held.join(', ')}; not paired automatically (${why})`,
      );
    } else if (others.length > 0 && field.uniqueInPropstreet) {
      // CRM records sharing a value no Propstreet record holds are held only where Propstreet keeps
      // it unique; one it may hold twice (subsidiaries on one domain) has each created as itself.
      reasons.set(
        p,
        `${name} ${value} is shared with CRM record${others.length > 1 ? 's' : ''} ${others.join(', ')}; Propstreet keeps ${name}s unique, so none is created there by guess`,
      );
    }
  }
  return pairs.map((p) => {
    const skipReason = reasons.get(p);
    return skipReason ? { ...p, skipReason } : p;
  });
}
