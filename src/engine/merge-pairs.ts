/**
 * CRM merges, planned one merge at a time. A merge leaves one record, the survivor (HubSpot:
 * a new record with a new id; Salesforce: the master, which keeps its id), and reports the
 * others as merged into it (HubSpot `hs_merged_object_ids`, Salesforce `MasterRecordId`).
 *
 * With one linked record among them, the link follows the survivor. With several, their
 * Propstreet contacts are one person in the CRM now: the contact of the primary record keeps
 * the link (the survivor's key names it, because the primary's values win; in Salesforce it
 * is the master's own link), the other links end without a write to either side (with a
 * tombstone, as a CRM deletion leaves: a later edit does not create the person again), and the
 * report says which contacts share the record, so a person can merge them in Propstreet. The
 * survivor is never paired with another contact, so one contact's values never reach another.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Link } from '../state/port.js';
import type { Noun } from './kind-rules.js';
import type { ResolverDeps } from './pair-resolver.js';
import type { PairState } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';
import type { StagedChanges } from './staged-changes.js';
import type { Notice } from './types.js';

/** One merge as staged in this run: the survivor's id and every id merged into it. */
export interface MergeGroup {
  readonly survivorId: string;
  readonly mergedIds: readonly string[];
}

/** Merges of merges (A into B, then B into C) are followed this far. */
const MAX_HOPS = 10;

/**
 * The ids among `crmIds` that take part in a merge staged in this run (merged away, or a
 * survivor): a contact linked to one is planned with its merge, in the CRM pass.
 */
export function idsInMerges(crmIds: readonly string[], staging: StagedChanges): Set<string> {
  if (!staging.anyMerged) return new Set();
  const merging = new Set(staging.losersOf(crmIds).keys());
  for (const r of staging.peekCrm(crmIds).values()) if (r.mergedInto) merging.add(r.id);
  return merging;
}

/**
 * The ids among `crmIds` that survived a merge (staged in this run) of a linked record: the
 * merge decides which contact they belong to, so no match rule may take them. A survivor of
 * merges of unlinked records (HubSpot lists every past merge on each read) is free as any.
 */
export async function survivorsOfLinked(
  crmIds: readonly string[],
  deps: Pick<ResolverDeps, 'staging' | 'store' | 'scope'>,
): Promise<Set<string>> {
  const losers = deps.staging.losersOf(crmIds);
  if (losers.size === 0) return new Set();
  const loserIds = [...losers.values()].flat().map((r) => r.id);
  const linked = new Set((await deps.store.linksByCrmIds(deps.scope, loserIds)).map((l) => l.crmId));
  return new Set(
    [...losers].filter(([, records]) => records.some((r) => linked.has(r.id))).map(([id]) => id),
  );
}

/** Splits a chunk of CRM records into the merges they belong to and the other records. */
export function mergeGroupsIn(
  chunk: readonly CrmRecord[],
  staging: StagedChanges,
): { groups: MergeGroup[]; rest: CrmRecord[] } {
  if (!staging.anyMerged) return { groups: [], rest: [...chunk] };
  const survivors = staging.losersOf(chunk.filter((r) => !r.mergedInto).map((r) => r.id));
  const roots = new Set<string>();
  const rest: CrmRecord[] = [];
  for (const r of chunk) {
    if (r.mergedInto) roots.add(survivorOf(r.mergedInto, staging));
    else if (survivors.has(r.id)) roots.add(r.id);
    else rest.push(r);
  }
  const groups = [...roots].map((survivorId) => ({
    survivorId,
    mergedIds: idsMergedInto(survivorId, staging),
  }));
  return { groups, rest };
}

function survivorOf(id: string, staging: StagedChanges): string {
  let at = id;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const next = staging.peekCrm([at]).get(at)?.mergedInto;
    if (!next) return at;
    at = next;
  }
  return at;
}

function idsMergedInto(survivorId: string, staging: StagedChanges): string[] {
  const out: string[] = [];
  let frontier = [survivorId];
  for (let hop = 0; hop < MAX_HOPS && frontier.length > 0; hop++) {
    const next = [...staging.losersOf(frontier).values()].flat().map((r) => r.id);
    frontier = next.filter((id) => id !== survivorId && !out.includes(id));
    out.push(...frontier);
  }
  return out;
}

/**
 * Which link the survivor keeps: the one whose contact the survivor's key names (the
 * primary's), else the link already on the survivor, else the only link; null when several
 * links remain and nothing says which contact was the primary.
 */
export function chooseKeeper(survivor: CrmRecord, links: readonly Link[], keyProperty: string): Link | null {
  const key = survivor.properties[keyProperty];
  return (
    links.find((l) => key && l.propstreetId === key) ??
    links.find((l) => l.crmId === survivor.id) ??
    (links.length === 1 ? (links[0] ?? null) : null)
  );
}

const listOf = (ids: readonly string[]) =>
  ids.length < 2 ? ids.join('') : `${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`;

export function mergeNotice(
  survivorId: string,
  links: readonly Link[],
  keeper: Link | null,
  survivorGone: boolean,
  noun: Noun,
): Notice {
  const ids = [...(keeper ? [keeper] : []), ...links.filter((l) => l !== keeper)].map((l) => l.propstreetId);
  const outcome = survivorGone
    ? 'that record is gone, so every link ends'
    : keeper
      ? `${keeper.propstreetId} keeps the link; the others are unlinked and left as they are: merge them in Propstreet`
      : 'no record names the primary, so every link ends: merge them in Propstreet';
  return {
    kind: 'crm-merge',
    text: `merged in the CRM: Propstreet ${noun.many} ${listOf(ids)} now share one record (${survivorId}); ${outcome}`,
    propstreetIds: ids,
    crmId: survivorId,
  };
}

/** One merge with what it decides: the survivor (null when gone), the links it touches, the keeper. */
interface PlannedMerge {
  readonly g: MergeGroup;
  readonly survivor: CrmRecord | null;
  readonly groupLinks: readonly Link[];
  readonly keeper: Link | null;
}

/**
 * Pairs for merges whose records turned up in this run; takes those records off the CRM
 * pass. `plain` are survivors that no link touches: they are paired like any CRM record.
 */
export async function pairsForMerges<R extends PropstreetRecord>(
  groups: readonly MergeGroup[],
  deps: ResolverDeps<R>,
  readCrm: (ids: readonly string[]) => Promise<CrmRecord[]>,
): Promise<{ pairs: PairState<R>[]; plain: CrmRecord[] }> {
  if (groups.length === 0) return { pairs: [], plain: [] };
  const { staging, store, scope, crm } = deps;
  const allIds = groups.flatMap((g) => [g.survivorId, ...g.mergedIds]);
  const staged = staging.takeCrm(allIds);
  const unstaged = groups.map((g) => g.survivorId).filter((id) => !staged.has(id));
  const read = new Map((unstaged.length > 0 ? await readCrm(unstaged) : []).map((r) => [r.id, r]));
  const links = new Map((await store.linksByCrmIds(scope, allIds)).map((l) => [l.crmId, l]));
  const planned = groups.map((g): PlannedMerge => {
    const found = staged.get(g.survivorId) ?? read.get(g.survivorId);
    const survivor = found && !found.deleted && !found.mergedInto ? found : null;
    const groupLinks = [g.survivorId, ...g.mergedIds].flatMap((id) => links.get(id) ?? []);
    const keeper = survivor ? chooseKeeper(survivor, groupLinks, crm.keyProperty) : null;
    return { g, survivor, groupLinks, keeper };
  });
  const records = await recordsOfLinks(planned, [...links.values()], deps);
  const pairs: PairState<R>[] = [];
  const plain: CrmRecord[] = [];
  for (const merge of planned) {
    if (merge.groupLinks.length > 0) pairs.push(...pairsOfMerge(merge, records, deps.mapper.kind.noun));
    else if (merge.survivor) plain.push(merge.survivor);
  }
  return { pairs, plain };
}

interface LinkedRecords<R> {
  readonly byId: ReadonlyMap<string, R>;
  readonly echoes: ReadonlySet<string>;
}

/**
 * The Propstreet records of the links: those changed in this run were left for this pass by
 * the Propstreet pass. A keeper whose link moves is read when it did not change, so its
 * externalRef is rewritten now.
 */
async function recordsOfLinks<R extends PropstreetRecord>(
  planned: readonly PlannedMerge[],
  links: readonly Link[],
  deps: ResolverDeps<R>,
): Promise<LinkedRecords<R>> {
  const byId = deps.staging.peekPropstreet(links.map((l) => l.propstreetId));
  for (const { g, keeper } of planned) {
    if (!keeper || keeper.crmId === g.survivorId || byId.has(keeper.propstreetId)) continue;
    const record = await deps.propstreet.get(keeper.propstreetId);
    if (record && !record.deletedUtc) byId.set(record.id, record);
  }
  const echoes = byId.size > 0 ? await deps.echoes([...byId.values()]) : new Set<string>();
  return { byId, echoes };
}

function pairsOfMerge<R extends PropstreetRecord>(
  { g, survivor, groupLinks, keeper }: PlannedMerge,
  records: LinkedRecords<R>,
  noun: Noun,
): PairState<R>[] {
  const recordOf = (l: Link): R | null => records.byId.get(l.propstreetId) ?? null;
  const notice =
    groupLinks.length > 1
      ? mergeNotice(g.survivorId, groupLinks, keeper, survivor === null, noun)
      : undefined;
  const withNotice = notice ? { notice } : {};
  const pairs: PairState<R>[] = [];
  if (survivor && keeper) {
    const moved = keeper.crmId !== g.survivorId;
    const record = recordOf(keeper);
    pairs.push({
      propstreet: record,
      crm: survivor,
      link: moved ? { ...keeper, crmId: g.survivorId } : keeper,
      linkedBy: moved ? 'merge' : undefined,
      propstreetEcho: record ? records.echoes.has(record.id) : false,
      ...withNotice,
    });
  } else if (survivor) {
    pairs.push({
      propstreet: null,
      crm: survivor,
      link: null,
      propstreetEcho: false,
      skipReason: `merged in the CRM from records of several ${noun.many}, none named the primary: left unlinked`,
      ...withNotice,
    });
  }
  for (const link of groupLinks) {
    if (link === keeper) continue;
    pairs.push({
      propstreet: recordOf(link),
      crm: null,
      link,
      propstreetEcho: false,
      mergedAway: survivor
        ? `merged in the CRM into ${g.survivorId}: the link ends, the ${noun.one} is left as it is`
        : `merged in the CRM into ${g.survivorId}, which is gone: the link ends`,
      ...withNotice,
    });
  }
  return pairs;
}
