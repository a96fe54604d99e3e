/**
 * Turns a chunk of changed records into contact pairs: finds each record's partner through
 * the stored link, else the Propstreet externalRef, else the CRM key property, else (when the
 * tenant enables it) a unique email match. Reads only; never writes. A match that is not
 * unique is reported, never guessed.
 */
import type { CrmAdapter, CrmRecord } from '../crm/port.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact } from '../propstreet/schema.js';
import type { Link, Scope, StateStore, Tombstone } from '../state/port.js';
import { type Candidate, candidatesBy, readCrmByIds } from './match-candidates.js';
import { idsInMerges, mergeGroupsIn, pairsForMerges, survivorsOfLinked } from './merge-pairs.js';
import type { PairState } from './plan-pair.js';
import type { RecordMapper } from './record-mapper.js';
import type { StagedChanges } from './staged-changes.js';
import type { MatchRule, SyncSettings } from './types.js';

export interface ResolverDeps {
  readonly store: StateStore;
  readonly crm: CrmAdapter;
  readonly propstreet: PropstreetApi;
  readonly staging: StagedChanges;
  readonly mapper: RecordMapper;
  readonly settings: SyncSettings;
  readonly scope: Scope;
  /** Every live CRM record is staged (a first sync read them all): match from staging, no API calls. */
  readonly crmFullyStaged: boolean;
  /** Ids of the contacts in this chunk whose current version is our own write coming back. */
  readonly echoes: (chunk: readonly Contact[]) => Promise<Set<string>>;
}

/** Pairs for a chunk of Propstreet contacts. */
export async function pairsForPropstreet(
  chunk: readonly Contact[],
  deps: ResolverDeps,
): Promise<PairState[]> {
  const echoes = await deps.echoes(chunk);
  const pairs = new Map<string, PairState>();
  const unlinked = await pairLinked(chunk, deps, echoes, pairs);
  const blocked = await tombstonesOf(unlinked, deps);
  for (const c of unlinked) {
    const tombstone = blocked.get(c.id);
    if (tombstone)
      pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: echoes.has(c.id), tombstone });
  }
  // Candidates from each rule, in the tenant's order; the first rule that finds one wins.
  let remaining = unlinked.filter((c) => !blocked.has(c.id));
  for (const rule of deps.settings.match) {
    if (remaining.length === 0) break;
    remaining = await pairMatched(rule, remaining, await candidatesBy(rule, remaining, deps), deps, pairs);
  }
  for (const c of remaining) pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: false });
  return chunk.flatMap((c) => pairs.get(c.id) ?? []);
}

/**
 * Pairs the linked contacts of a chunk (and the deleted ones no link names) into `pairs`;
 * returns the rest, left for the match rules.
 */
async function pairLinked(
  chunk: readonly Contact[],
  deps: ResolverDeps,
  echoes: ReadonlySet<string>,
  pairs: Map<string, PairState>,
): Promise<Contact[]> {
  const { store, staging, scope } = deps;
  const ids = chunk.map((c) => c.id);
  const links = new Map((await store.linksByPropstreetIds(scope, ids)).map((l) => [l.propstreetId, l]));
  // A contact whose CRM record took part in a merge is planned with the whole merge, in the
  // CRM pass (merge-pairs.ts): which contact keeps the link depends on every record merged.
  const linkedIds = [...links.values()].map((l) => l.crmId);
  const merging = idsInMerges(linkedIds, staging);
  const staged = staging.takeCrm(linkedIds.filter((id) => !merging.has(id)));
  const unlinked: Contact[] = [];
  for (const c of chunk) {
    const link = links.get(c.id);
    const echo = echoes.has(c.id);
    if (link && merging.has(link.crmId)) continue;
    if (link)
      pairs.set(c.id, { propstreet: c, crm: staged.get(link.crmId) ?? null, link, propstreetEcho: echo });
    else if (c.deletedUtc) pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: echo });
    else unlinked.push(c);
  }
  return unlinked;
}

/**
 * A contact whose last link a CRM deletion or merge ended stays out of the CRM until a
 * person relinks it (or the tenant sets deletes.recreate): no match, no create.
 */
async function tombstonesOf(
  unlinked: readonly Contact[],
  deps: ResolverDeps,
): Promise<Map<string, Tombstone>> {
  if (deps.settings.deletes.recreate || unlinked.length === 0) return new Map();
  const ids = unlinked.map((c) => c.id);
  const tombstones = await deps.store.tombstonesByPropstreetIds(deps.scope, ids);
  return new Map(tombstones.filter((t) => t.relinkedAt === null).map((t) => [t.propstreetId, t]));
}

/**
 * Pairs the contacts a rule found a candidate for; returns those it did not. A CRM record
 * already linked to another contact is never taken over, nor the survivor of a merge of linked
 * records (their links decide who it belongs to: merge-pairs.ts).
 */
async function pairMatched(
  rule: MatchRule,
  remaining: readonly Contact[],
  found: ReadonlyMap<string, Candidate>,
  deps: ResolverDeps,
  pairs: Map<string, PairState>,
): Promise<Contact[]> {
  const foundIds = [...found.values()].flatMap((f) => ('record' in f ? [f.record.id] : []));
  const taken = new Set((await deps.store.linksByCrmIds(deps.scope, foundIds)).map((l) => l.crmId));
  for (const id of await survivorsOfLinked(foundIds, deps)) taken.add(id);
  const next: Contact[] = [];
  const unpaired = { crm: null, link: null, propstreetEcho: false };
  for (const c of remaining) {
    const f = found.get(c.id);
    if (!f) next.push(c);
    else if ('ambiguous' in f) pairs.set(c.id, { propstreet: c, ...unpaired, skipReason: f.ambiguous });
    else if (taken.has(f.record.id))
      pairs.set(c.id, {
        propstreet: c,
        ...unpaired,
        skipReason: `matched CRM record ${f.record.id} by ${rule}, but it is linked to another contact or merged in the CRM`,
      });
    else {
      deps.staging.takeCrm([f.record.id]);
      pairs.set(c.id, {
        propstreet: c,
        crm: f.record,
        link: newLink(c.id, f.record.id),
        linkedBy: rule,
        propstreetEcho: false,
      });
    }
  }
  return next;
}

/** Pairs for a chunk of CRM records that no Propstreet change in this run paired with. */
export async function pairsForCrm(chunk: readonly CrmRecord[], deps: ResolverDeps): Promise<PairState[]> {
  const { store, crm, settings, scope, propstreet } = deps;
  // A merged-away record is not a delete: its merge decides where its link goes.
  const { groups, rest } = mergeGroupsIn(chunk, deps.staging);
  const merges = await pairsForMerges(groups, deps, (ids) => readCrmByIds(ids, deps));
  const records = [...rest, ...merges.plain];
  const links = new Map(
    (
      await store.linksByCrmIds(
        scope,
        records.map((r) => r.id),
      )
    ).map((l) => [l.crmId, l]),
  );
  const out: PairState[] = [];
  for (const r of records) {
    const link = links.get(r.id);
    if (link) {
      out.push({ propstreet: null, crm: r, link, propstreetEcho: false });
      continue;
    }
    if (r.deleted) {
      out.push({ propstreet: null, crm: r, link: null, propstreetEcho: false });
      continue;
    }
    const key = r.properties[crm.keyProperty];
    if (key && settings.match.includes('key')) {
      // The key says which contact this is: recover a link whose write-back was lost.
      const [existing] = await store.linksByPropstreetIds(scope, [key]);
      const contact = existing ? null : await propstreet.getContact(key);
      if (existing) {
        out.push({
          propstreet: null,
          crm: r,
          link: null,
          propstreetEcho: false,
          skipReason: `key ${key} is linked to CRM record ${existing.crmId}`,
        });
      } else if (contact && !contact.deletedUtc) {
        out.push({
          propstreet: contact,
          crm: r,
          link: newLink(contact.id, r.id),
          linkedBy: 'key',
          propstreetEcho: false,
        });
      } else {
        out.push({
          propstreet: null,
          crm: r,
          link: null,
          propstreetEcho: false,
          skipReason: `key ${key} names a Propstreet contact that is gone`,
        });
      }
      continue;
    }
    out.push({ propstreet: null, crm: r, link: null, propstreetEcho: false });
  }
  return [...out, ...merges.pairs];
}

export function newLink(propstreetId: string, crmId: string): Link {
  return { propstreetId, crmId, shadow: null, propstreetEtag: null, crmModifiedAt: null, updatedAt: '' };
}

/**
 * A link without a shadow (new, or linked to an existing duplicate) is merged with both
 * sides read: assuming "unchanged since the shadow" would be wrong when there is none.
 */
export async function completeNewLinks(pairs: PairState[], deps: ResolverDeps): Promise<PairState[]> {
  const needCrm = pairs
    .filter((p) => p.link && p.link.shadow === null && !p.crm && !p.skipReason)
    .map((p) => p.link!.crmId);
  const crmRecords =
    needCrm.length > 0 ? new Map((await readCrmByIds(needCrm, deps)).map((r) => [r.id, r])) : new Map();
  const out: PairState[] = [];
  for (const p of pairs) {
    if (!p.link || p.link.shadow !== null || p.skipReason) {
      out.push(p);
      continue;
    }
    let next = p;
    if (!next.crm) {
      const crm = crmRecords.get(p.link.crmId);
      next = crm
        ? { ...next, crm }
        : { ...next, skipReason: `linked CRM record ${p.link.crmId} was not found` };
    }
    if (!next.propstreet && !next.skipReason) {
      const contact = await deps.propstreet.getContact(p.link.propstreetId);
      next = contact
        ? { ...next, propstreet: contact }
        : { ...next, skipReason: `linked contact ${p.link.propstreetId} was not found` };
    }
    out.push(next);
  }
  return out;
}
