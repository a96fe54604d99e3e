/**
 * Turns a chunk of changed records into pairs: finds each record's partner through the stored
 * link, else the Propstreet externalRef, else the CRM key property, else (when the tenant
 * enables it) a unique match on the kind's match field. Reads only; never writes. A match that
 * is not unique is reported, never guessed.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Link, Scope, StateStore, Tombstone } from '../state/port.js';
import { type Candidate, candidatesBy, readCrmByIds } from './match-candidates.js';
import { idsInMerges, mergeGroupsIn, pairsForMerges, survivorsOfLinked } from './merge-pairs.js';
import type { PairState } from './plan-pair.js';
import type { CrmObjects, PropstreetRecords } from './ports.js';
import type { RecordMapper } from './record-mapper.js';
import type { PropstreetRecord } from './records.js';
import type { StagedChanges } from './staged-changes.js';
import type { MatchRule, SyncSettings } from './types.js';

export interface ResolverDeps<R extends PropstreetRecord = PropstreetRecord> {
  readonly store: StateStore;
  readonly crm: CrmObjects;
  readonly propstreet: Pick<PropstreetRecords<R, unknown>, 'get'>;
  readonly staging: StagedChanges<R>;
  readonly mapper: RecordMapper<R, unknown>;
  readonly settings: SyncSettings;
  readonly scope: Scope;
  /** Every live CRM record is staged (a first sync read them all): match from staging, no API calls. */
  readonly crmFullyStaged: boolean;
  /**
   * The ids of every live Propstreet record holding each of these values of a match rule
   * Propstreet does not keep unique (by match key), listed once a run; absent when the run read
   * every record (a first sync: staging holds them all). A later run reads only what changed, so
   * another holder of a value is found here, or a pairing (or create) by it would be a guess.
   */
  readonly propstreetHolders?: (
    rule: string,
    values: readonly string[],
  ) => Promise<ReadonlyMap<string, readonly string[]>>;
  /** Ids of the records in this chunk whose current version is our own write coming back. */
  readonly echoes: (chunk: readonly R[]) => Promise<Set<string>>;
  /** In a bridge: when each record's version is a sibling connection's write, its edit's time. */
  readonly siblingEdits?: ((chunk: readonly R[]) => Promise<ReadonlyMap<string, string>>) | undefined;
}

/** Pairs for a chunk of Propstreet records. */
export async function pairsForPropstreet<R extends PropstreetRecord>(
  chunk: readonly R[],
  deps: ResolverDeps<R>,
): Promise<PairState<R>[]> {
  const echoes = await deps.echoes(chunk);
  const pairs = new Map<string, PairState<R>>();
  const unlinked = await pairLinked(chunk, deps, echoes, pairs);
  const blocked = await tombstonesOf(unlinked, deps);
  for (const c of unlinked) {
    const tombstone = blocked.get(c.id);
    if (tombstone)
      pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: echoes.has(c.id), tombstone });
  }
  // Candidates from each rule, in the tenant's order; the first rule that finds one wins. The
  // key is looked up last whatever the rules: a create is an upsert by key, so a CRM record whose
  // key names the record already is where the create would land. Planned as a create, it was
  // written over unread, and the CRM pass took its stale version for an edit (a dry run, which
  // stores no link, planned it as a create in Propstreet).
  let remaining = unlinked.filter((c) => !blocked.has(c.id));
  const rules: readonly MatchRule[] = deps.settings.match.includes('key')
    ? deps.settings.match
    : [...deps.settings.match, 'key'];
  for (const rule of rules) {
    if (remaining.length === 0) break;
    remaining = await pairMatched(rule, remaining, await candidatesBy(rule, remaining, deps), deps, pairs);
  }
  for (const c of remaining) pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: false });
  return chunk.flatMap((c) => pairs.get(c.id) ?? []);
}

/**
 * Pairs the linked records of a chunk (and the deleted ones no link names) into `pairs`;
 * returns the rest, left for the match rules.
 */
async function pairLinked<R extends PropstreetRecord>(
  chunk: readonly R[],
  deps: ResolverDeps<R>,
  echoes: ReadonlySet<string>,
  pairs: Map<string, PairState<R>>,
): Promise<R[]> {
  const { store, staging, scope } = deps;
  const ids = chunk.map((c) => c.id);
  const links = new Map((await store.linksByPropstreetIds(scope, ids)).map((l) => [l.propstreetId, l]));
  // A record whose CRM record took part in a merge is planned with the whole merge, in the
  // CRM pass (merge-pairs.ts): which record keeps the link depends on every record merged.
  const linkedIds = [...links.values()].map((l) => l.crmId);
  const merging = idsInMerges(linkedIds, staging);
  const staged = staging.takeCrm(linkedIds.filter((id) => !merging.has(id)));
  const edited = deps.siblingEdits && links.size > 0 ? await deps.siblingEdits(chunk) : undefined;
  const unlinked: R[] = [];
  for (const c of chunk) {
    const link = links.get(c.id);
    const echo = echoes.has(c.id);
    if (link && merging.has(link.crmId)) continue;
    const editedAt = edited?.get(c.id);
    if (link)
      pairs.set(c.id, {
        propstreet: c,
        crm: staged.get(link.crmId) ?? null,
        link,
        propstreetEcho: echo,
        ...(editedAt ? { propstreetEditedAt: editedAt } : {}),
      });
    else if (c.deletedUtc) pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: echo });
    else unlinked.push(c);
  }
  return unlinked;
}

/**
 * A record whose last link a CRM deletion or merge ended stays out of the CRM until a person
 * relinks it (or the tenant sets deletes.recreate): no match, no create.
 */
async function tombstonesOf(
  unlinked: readonly PropstreetRecord[],
  deps: Pick<ResolverDeps, 'settings' | 'store' | 'scope'>,
): Promise<Map<string, Tombstone>> {
  if (deps.settings.deletes.recreate || unlinked.length === 0) return new Map();
  const ids = unlinked.map((c) => c.id);
  const tombstones = await deps.store.tombstonesByPropstreetIds(deps.scope, ids);
  return new Map(tombstones.filter((t) => t.relinkedAt === null).map((t) => [t.propstreetId, t]));
}

/**
 * Pairs the records a rule found a candidate for; returns those it did not. A CRM record
 * already linked to another record is never taken over, nor the survivor of a merge of linked
 * records (their links decide who it belongs to: merge-pairs.ts), nor one an earlier rule or
 * chunk of this run paired: its link is not stored yet (or never, in a dry run), and a second
 * pair would write another record's values over it.
 */
async function pairMatched<R extends PropstreetRecord>(
  rule: MatchRule,
  remaining: readonly R[],
  found: ReadonlyMap<string, Candidate>,
  deps: ResolverDeps<R>,
  pairs: Map<string, PairState<R>>,
): Promise<R[]> {
  const foundIds = [...found.values()].flatMap((f) => ('record' in f ? [f.record.id] : []));
  const taken = new Set((await deps.store.linksByCrmIds(deps.scope, foundIds)).map((l) => l.crmId));
  for (const id of await survivorsOfLinked(foundIds, deps)) taken.add(id);
  for (const id of deps.staging.claimedCrm(foundIds)) taken.add(id);
  const next: R[] = [];
  const unpaired = { crm: null, link: null, propstreetEcho: false };
  for (const c of remaining) {
    const f = found.get(c.id);
    if (!f) next.push(c);
    else if ('ambiguous' in f) pairs.set(c.id, { propstreet: c, ...unpaired, skipReason: f.ambiguous });
    else if (taken.has(f.record.id))
      pairs.set(c.id, {
        propstreet: c,
        ...unpaired,
        skipReason: `matched CRM record ${f.record.id} by ${rule}, but it is linked to another ${deps.mapper.kind.noun.one} (in this run or before) or merged in the CRM`,
      });
    else {
      deps.staging.claimCrm(f.record.id);
      taken.add(f.record.id);
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
export async function pairsForCrm<R extends PropstreetRecord>(
  chunk: readonly CrmRecord[],
  deps: ResolverDeps<R>,
): Promise<PairState<R>[]> {
  // A merged-away record is not a delete: its merge decides where its link goes.
  const { groups, rest } = mergeGroupsIn(chunk, deps.staging);
  const merges = await pairsForMerges(groups, deps, (ids) => readCrmByIds(ids, deps));
  const records = [...rest, ...merges.plain];
  const ids = records.map((r) => r.id);
  const links = new Map((await deps.store.linksByCrmIds(deps.scope, ids)).map((l) => [l.crmId, l]));
  const out: PairState<R>[] = [];
  for (const r of records) {
    const link = links.get(r.id) ?? null;
    const key = r.properties[deps.crm.keyProperty];
    const plain: PairState<R> = { propstreet: null, crm: r, link, propstreetEcho: false };
    if (link || r.deleted || !key) out.push(plain);
    else if (deps.settings.match.includes('key')) out.push(await pairByKey(r, key, deps));
    else out.push((await goneByKey(r, key, deps)) ?? plain);
  }
  return [...out, ...merges.pairs];
}

/**
 * An unlinked CRM record whose key names a Propstreet record that is gone (deleted there, and
 * its link ended by `deletes.fromPropstreet`): it is not created in Propstreet again, whatever
 * the match rules. The create is an upsert by the record's external ref, which the deleted
 * record still carries: it would revive it ("deletions stay deleted").
 */
async function goneByKey<R extends PropstreetRecord>(
  r: CrmRecord,
  key: string,
  deps: ResolverDeps<R>,
): Promise<PairState<R> | undefined> {
  const record = await deps.propstreet.get(key);
  if (record && !record.deletedUtc) return undefined;
  return { propstreet: null, crm: r, link: null, propstreetEcho: false, skipReason: goneReason(key, deps) };
}

function goneReason(key: string, deps: Pick<ResolverDeps, 'mapper'>): string {
  return `key ${key} names a Propstreet ${deps.mapper.kind.noun.one} that is gone: not created in Propstreet again`;
}

/** The key says which Propstreet record this is: recover a link whose write-back was lost. */
async function pairByKey<R extends PropstreetRecord>(
  r: CrmRecord,
  key: string,
  deps: ResolverDeps<R>,
): Promise<PairState<R>> {
  const unpaired = { propstreet: null, crm: r, link: null, propstreetEcho: false };
  const [existing] = await deps.store.linksByPropstreetIds(deps.scope, [key]);
  if (existing) return { ...unpaired, skipReason: `key ${key} is linked to CRM record ${existing.crmId}` };
  const record = await deps.propstreet.get(key);
  if (!record || record.deletedUtc) return { ...unpaired, skipReason: goneReason(key, deps) };
  // Planned by this run's Propstreet pass (paired with another CRM record, whose link a refused
  // key write-back may have left unstored): a second pair would write it over this record too.
  if (deps.staging.plannedPropstreet([key]).has(key))
    return {
      ...unpaired,
      skipReason: `key ${key} names a Propstreet ${deps.mapper.kind.noun.one} this run planned with another CRM record or as a create: not paired again`,
    };
  return {
    propstreet: record,
    crm: r,
    link: newLink(record.id, r.id),
    linkedBy: 'key',
    propstreetEcho: false,
  };
}

function newLink(propstreetId: string, crmId: string): Link {
  return { propstreetId, crmId, shadow: null, propstreetEtag: null, crmModifiedAt: null, updatedAt: '' };
}

/**
 * A link without a shadow (new, or linked to an existing duplicate) is merged with both
 * sides read: assuming "unchanged since the shadow" would be wrong when there is none.
 */
export async function completeNewLinks<R extends PropstreetRecord>(
  pairs: readonly PairState<R>[],
  deps: ResolverDeps<R>,
): Promise<PairState<R>[]> {
  const unread = (p: PairState<R>) => (p.link && p.link.shadow === null && !p.skipReason ? p.link : null);
  const needCrm = pairs.flatMap((p) => {
    const link = unread(p);
    return link && !p.crm ? [link.crmId] : [];
  });
  const crmRecords = new Map(
    needCrm.length > 0 ? (await readCrmByIds(needCrm, deps)).map((r) => [r.id, r]) : [],
  );
  const out: PairState<R>[] = [];
  for (const p of pairs) {
    const link = unread(p);
    if (!link) {
      out.push(p);
      continue;
    }
    let next = p;
    if (!next.crm) {
      const crm = crmRecords.get(link.crmId);
      next = crm
        ? { ...next, crm }
        : { ...next, skipReason: `linked CRM record ${link.crmId} was not found` };
    }
    if (!next.propstreet && !next.skipReason) {
      const record = await deps.propstreet.get(link.propstreetId);
      next = record
        ? { ...next, propstreet: record }
        : { ...next, skipReason: `linked ${deps.mapper.kind.noun.one} ${link.propstreetId} was not found` };
    }
    out.push(next);
  }
  return out;
}
