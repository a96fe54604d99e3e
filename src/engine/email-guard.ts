/**
 * Holds back, before any write, a create in Propstreet whose email is already taken.
 * Propstreet keeps emails unique per organisation, so such a create could only fail — or,
 * with the upsert's `match=email` (which the connector never sends), land on the contact that
 * holds the email and overwrite it. Pairing is the engine's job alone (pair-resolver.ts): a
 * CRM record its match rules left unpaired, whose email (case-insensitively) a live Propstreet
 * contact read in this run holds, or other CRM records read in this run share, is skipped
 * with the reason. No API calls: a holder not read in this run is caught by Propstreet's own
 * unique-email answer instead, which fails the record (execute-chunk.ts).
 */
import type { CrmRecord } from '../crm/port.js';
import type { ResolverDeps } from './pair-resolver.js';
import type { PairState } from './plan-pair.js';

type GuardDeps = Pick<ResolverDeps, 'staging' | 'mapper' | 'store' | 'scope' | 'settings'>;

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

/** The CRM record of a pair that would become a create in Propstreet. */
function toCreate(p: PairState, direction: string): CrmRecord | undefined {
  if (p.link || p.propstreet || p.skipReason || p.mergedAway || direction === 'to-crm') return undefined;
  return p.crm && !p.crm.deleted ? p.crm : undefined;
}

export async function holdTakenEmails(pairs: PairState[], deps: GuardDeps): Promise<PairState[]> {
  const emailProperty = deps.mapper.crmEmailProperty;
  if (!emailProperty) return pairs;
  const emailOf = (r: CrmRecord) => lower(r.properties[emailProperty]);
  const candidates = pairs.flatMap((pair) => {
    const crm = toCreate(pair, deps.settings.direction);
    const email = crm ? emailOf(crm) : '';
    return crm && email ? [{ pair, crmId: crm.id, email }] : [];
  });
  if (candidates.length === 0) return pairs;

  const emails = [...new Set(candidates.map((c) => c.email))];
  const holders = new Map<string, string[]>();
  for (const c of deps.staging.propstreetByEmails(emails))
    holders.set(lower(c.email), [...(holders.get(lower(c.email)) ?? []), c.id]);
  const sharers = new Map<string, string[]>();
  for (const r of deps.staging.crmByEmails(emails))
    if (!r.deleted) sharers.set(emailOf(r), [...(sharers.get(emailOf(r)) ?? []), r.id]);
  const holderIds = [...holders.values()].flat();
  const links = holderIds.length > 0 ? await deps.store.linksByPropstreetIds(deps.scope, holderIds) : [];
  const linkOf = new Map(links.map((l) => [l.propstreetId, l.crmId]));

  const reasons = new Map<PairState, string>();
  for (const { pair: p, crmId, email } of candidates) {
    const others = (sharers.get(email) ?? []).filter((id) => id !== crmId);
    const held = holders.get(email) ?? [];
    if (held.length > 0) {
      const linked = held.map((id) => linkOf.get(id)).find((linkedTo) => linkedTo !== undefined);
      const why = linked
        ? `it is linked to CRM record ${linked}`
        : others.length > 0
          ? `${others.length + 1} CRM records share the email`
          : deps.settings.match.includes('email')
            ? 'the match rules did not pair them'
            : 'email matching is off for this connection';
      reasons.set(
        p,
        `email ${email} is already held by Propstreet contact ${held.join(', ')}; not paired automatically (${why})`,
      );
    } else if (others.length > 0) {
      reasons.set(
        p,
        `email ${email} is shared with CRM record${others.length > 1 ? 's' : ''} ${others.join(', ')}; Propstreet keeps emails unique, so none is created there by guess`,
      );
    }
  }
  return pairs.map((p) => {
    const skipReason = reasons.get(p);
    return skipReason ? { ...p, skipReason } : p;
  });
}
