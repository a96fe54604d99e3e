/**
 * The links phase of a connection: who works where, both ways, after the connection's companies
 * and contacts ran. Reads the touched contacts' employments on both sides, merges each against
 * its shadow (merge-employments.ts), and — unless a dry run — writes Propstreet links (per
 * contact: creates, titles, primary, deletes; If-Match from a fresh list) and CRM associations
 * (batched across contacts: associate, dissociate, titles), then commits shadows, deferrals and
 * checkpoints. A contact whose every write landed gets its new shadow; one with a missing
 * dependency (its company not linked on the other side yet) or a failed write keeps the old
 * shadow and is recorded as a failure to try again next run: the merge is convergent, so what
 * did land reads as agreed then, and nothing is dropped.
 */
import { randomUUID } from 'node:crypto';
import { clipText, MESSAGE_MAX } from '../core/clip-text.js';
import { PropsyncError } from '../core/errors.js';
import { GUARD_MIN_DELETES } from '../engine/delete-guard.js';
import { DeleteWindow } from '../run/delete-window.js';
import { lockOwner, takeRunLock } from '../run/run-lock.js';
import { NO_STATE_WRITES } from '../run/state-writes.js';
import type { Failure, StateChanges, Link as StateLink } from '../state/port.js';
import { CLEARED_PRIMARY } from './cleared-primary.js';
import { CompanyLinks, companiesOf } from './company-links.js';
import { withKnownHeld, withKnownTitles } from './crm-titles.js';
import { unchangedInCrm } from './crm-unchanged.js';
import { DELETED_LINKS_META } from './deleted-links.js';
import { type Employments, fromShadow, linkIdsFor, toShadow } from './employments.js';
import { FULL_SCAN_META, isFullScanDue } from './full-scan.js';
import { landedShadow } from './landed-shadow.js';
import {
  type CrmOp,
  type EmploymentMerge,
  mergeEmployments,
  type PropstreetOp,
} from './merge-employments.js';
import type { LinksOptions, LinksPorts } from './ports.js';
import { applyPropstreet } from './propstreet-writes.js';
import { type ContactSides, type ReadResult, readSides } from './read-sides.js';
import { knownEmployments, type RemovalLimits, removalVerdict } from './removal-guard.js';
import { RELATIONS_CHECKPOINT_META, type Touched, touchedContacts } from './touched-contacts.js';

export type LinkRowAction = 'associate' | 'dissociate' | 'primary' | 'title';
/** `held`: a removal the mass-removal guard kept back (nothing of the phase was written). */
export type LinkRowOutcome = 'planned' | 'done' | 'deferred' | 'failed' | 'held';

/** One line of the report: what would be (dry run) or was done to one contact–company pair. */
export interface LinkRow {
  readonly contact: string;
  /** The contact's and the company's names in Propstreet, when known (the reports show them). */
  readonly contactLabel?: string;
  companyLabel?: string;
  readonly side: 'propstreet' | 'crm';
  readonly action: LinkRowAction;
  /** Propstreet company id (null for the CRM contact's title). */
  readonly company: string | null;
  /** A job title; for a Propstreet `primary` row, CLEARED_PRIMARY when the primary is cleared there. */
  readonly detail?: string;
  outcome: LinkRowOutcome;
  error?: string;
}

export interface LinksResult {
  readonly dryRun: boolean;
  /** Whether every linked contact was read (due by `links.fullScanEvery`, or asked for). */
  readonly fullScan: boolean;
  readonly contactsRead: number;
  readonly rows: LinkRow[];
  readonly conflicts: { readonly contact: string; readonly message: string }[];
  readonly deferred: { readonly contact: string; readonly reason: string }[];
  readonly failed: { readonly contact: string; readonly error: string }[];
  /**
   * Why the phase stopped before writing (MASS_DELETE_GUARD: its removals are the rows marked
   * `held`; a real run then wrote nothing of the links, state included), as a kind's run says it.
   */
  readonly abort?: { readonly code: string; readonly message: string };
}

interface Pending {
  readonly sides: ContactSides;
  readonly merge: EmploymentMerge;
  readonly rows: LinkRow[];
  problem: string | null;
}

export async function runLinksPhase(ports: LinksPorts, options: LinksOptions): Promise<LinksResult> {
  if (options.dryRun) return runPhase(ports, options);
  // Two real runs of one connection's links never overlap (the kinds' runs take their own
  // locks). The owner names this host and process, so a run killed mid-phase does not hold
  // the phase (and the tenant's runs with it) for the lock's TTL: the next run takes over.
  const owner = lockOwner(`links-${randomUUID()}`);
  if (!(await takeRunLock(ports.store, ports.scope, owner, LOCK_TTL_MS)))
    // As the kinds' lock says it: the CLI's advice and the worker's skip key on this code
    // (LOCKED is a CRM's locked row, retried at once).
    throw new PropsyncError(
      'RUN_IN_PROGRESS',
      `another run of ${ports.scope.tenant}/${ports.scope.connection} links is in progress`,
    );
  try {
    return await runPhase(ports, options);
  } finally {
    await ports.store.releaseLock(ports.scope, owner);
  }
}

const LOCK_TTL_MS = 30 * 60_000;

async function runPhase(given: LinksPorts, options: LinksOptions): Promise<LinksResult> {
  const startedAt = given.clock.now();
  const touched = await touchedContacts(given, { ...options, fullScan: await isFullScanDue(given, options) });
  const fullScan = touched.fullScan;
  // The titles the delta brought are not read again, nor whether the CRM holds a contact it listed.
  const ports = {
    ...given,
    ...(given.titles && touched.titles.size > 0
      ? { titles: withKnownTitles(given.titles, touched.titles) }
      : {}),
    ...(given.heldContacts && touched.listed.size > 0
      ? { heldContacts: withKnownHeld(given.heldContacts, touched.listed) }
      : {}),
  };
  const secondary = await ports.secondary();
  const touchedIds = [...touched.contacts];
  const shadows = new Map(
    (await ports.store.linksByPropstreetIds(ports.scope, touchedIds)).map((l) => [l.propstreetId, l]),
  );
  const crmSideOnly = touchedIds.filter((id) => !touched.propstreetSide.has(id));
  const policy = options.policy ?? 'propstreet-wins';
  const companyLinks = new CompanyLinks(ports);
  const unchanged = await unchangedInCrm(ports, crmSideOnly, shadows, { secondary, policy, companyLinks });
  const ids = touchedIds.filter((id) => !unchanged.ids.has(id)).sort();
  const synced = (id: string) => shadows.has(id);
  const read = await readSides(ports, ids, synced);
  await companyLinks.learn(
    read.sides.flatMap((s) => [
      ...companiesOf(s.propstreet),
      ...s.crm.companies,
      ...companiesOf(shadowFor(shadows.get(s.propstreetId), s.crmId)),
    ]),
  );
  await companyLinks.learnMerges(read.sides.map((s) => shadowFor(shadows.get(s.propstreetId), s.crmId)));
  const unmapped = [...new Set(read.sides.flatMap((s) => s.unmappedCrmCompanies))];
  const endedInCrm =
    unmapped.length > 0 && ports.endedCrmCompanies
      ? await ports.endedCrmCompanies(unmapped)
      : new Set<string>();
  // Where the CRM needs a primary first, only a company it has a record of can become it.
  const inCrm = ports.primaryFirst
    ? new Set(
        (
          await ports.companies.crmIds([...new Set(read.sides.flatMap((s) => companiesOf(s.propstreet)))])
        ).keys(),
      )
    : undefined;
  const plan = (sides: ContactSides): Pending => {
    const shadow = shadowFor(shadows.get(sides.propstreetId), sides.crmId);
    const merge = mergeEmployments({
      propstreet: sides.propstreet,
      crm: sides.crm,
      shadow: companyLinks.comparable(shadow),
      secondary,
      primaryFirst: ports.primaryFirst,
      inCrm,
      titles: ports.titles !== undefined,
      fitTitle: ports.titles?.fit,
      policy,
      unknown: companyLinks.unknownFor(shadow, sides.propstreet),
      mergedPrimary: companyLinks.mergedPrimary(shadow),
    });
    const rows: LinkRow[] = [
      ...merge.toPropstreet.map((op) => propstreetRow(sides.propstreetId, op)),
      ...merge.toCrm.map((op) => crmRow(sides.propstreetId, op)),
    ].map((r) => named(r, sides));
    // A CRM company whose link ended is left as it is, its associations with it too: no wait.
    const waitingFor = sides.unmappedCrmCompanies.filter((c) => !endedInCrm.has(c));
    const problem =
      waitingFor.length > 0
        ? `CRM companies ${waitingFor.join(', ')} are not linked to Propstreet companies yet: the contact's other jobs are synced, those wait`
        : null;
    return { sides, merge, rows, problem };
  };
  const pending = read.sides.map(plan);
  await nameCompanies(
    ports,
    pending.flatMap((p) => p.rows),
  );
  const guard = await guardRemovals(ports, options, pending);
  const result = (): LinksResult => ({
    dryRun: options.dryRun,
    fullScan,
    contactsRead: read.sides.length,
    rows: pending.flatMap((p) => p.rows),
    conflicts: pending.flatMap((p) =>
      p.merge.conflicts.map((message) => ({ contact: p.sides.propstreetId, message })),
    ),
    deferred: [
      ...read.deferred.map((d) => ({ contact: d.propstreetId, reason: d.reason })),
      // Reported, not recorded as failures: the contacts kind decides about these links.
      ...read.unseen.map((contact) => ({ contact, reason: UNSEEN_REASON })),
    ],
    failed: [],
    ...(guard ? { abort: { code: 'MASS_DELETE_GUARD', message: guard } } : {}),
  });
  // A held phase writes nothing, adds included, and moves no checkpoint: the removals may come
  // from a side read wrong, and the next run (or one with --force) sees the same changes again.
  if (options.dryRun || guard) return result();

  for (const [i, first] of pending.entries()) {
    let p = first;
    for (let attempt = 1; ; attempt++) {
      const error = await applyPropstreet(ports, p.sides, p.merge.toPropstreet, p.rows);
      if (!error) break;
      // A stale etag: a person changed the contact's links since we read them. Re-read, re-merge.
      const again =
        error.stale && attempt < STALE_ATTEMPTS
          ? await readSides(ports, [p.sides.propstreetId], synced)
          : null;
      const sides = again?.sides[0];
      if (!sides) {
        p.problem = error.message;
        break;
      }
      p = plan(sides);
      pending[i] = p;
    }
  }
  await applyCrm(ports, pending);
  const done = result();
  await commit(ports, options, pending, shadows, read, touched, done, unchanged.relinked, companyLinks);
  // After the commit, like the window and boundary: a crash between them costs a re-read.
  if (touched.relationsCheckpoint !== undefined)
    await ports.store.setMeta(ports.scope, RELATIONS_CHECKPOINT_META, touched.relationsCheckpoint);
  if (touched.deletedCheckpoint !== undefined)
    await ports.store.setMeta(ports.scope, DELETED_LINKS_META, touched.deletedCheckpoint);
  await touched.window.save(ports.store, ports.scope);
  await touched.boundary.save(ports.store, ports.scope);
  if (fullScan) await ports.store.setMeta(ports.scope, FULL_SCAN_META, startedAt.toISOString());
  return done;
}

const STALE_ATTEMPTS = 3;

const UNSEEN_REASON =
  "the CRM record is not there (deleted, merged away, or out of the integration user's sight): left as it is until the contacts kind decides about its link";

/**
 * The shadow to merge against: only one of the CRM record the contact is linked to now. After
 * the contacts kind re-pointed its link (a relink, a merge), the old record's shadow would read
 * the new record's companies as removed; with none, the merge adds both sides' and removes
 * nothing, as a first sync of the pair does.
 */
function shadowFor(link: StateLink | undefined, crmId: string): Employments | null {
  return link && link.crmId === crmId ? fromShadow(link.shadow) : null;
}

/** A removal as the window records it: the pair and the side it is removed from. */
const removalKey = (r: LinkRow) => `${r.contact} ${r.side} ${r.company ?? ''}`;

/**
 * The mass-removal guard: held (the reason) marks every removal row `held`. Else, in a real
 * run, the removals are recorded in the window before any is sent (a phase killed mid-way has
 * them counted); `--force` lets them through and forgets the window's, as for records.
 */
async function guardRemovals(
  ports: LinksPorts,
  options: LinksOptions,
  pending: readonly Pending[],
): Promise<string | undefined> {
  const removals = pending.flatMap((p) => p.rows.filter((r) => r.action === 'dissociate'));
  const limits = options.limits ?? DEFAULT_LIMITS;
  const windowMs = limits.windowMs ?? 0;
  if (removals.length === 0 || (options.force && windowMs === 0)) return undefined;
  const now = ports.clock.now();
  const window =
    windowMs > 0
      ? await DeleteWindow.load(
          ports.store,
          ports.scope,
          windowMs,
          now,
          options.dryRun ? NO_STATE_WRITES : ports.store,
        )
      : undefined;
  const keys = removals.map(removalKey);
  if (options.force) {
    await window?.clear();
    return undefined;
  }
  const earlier = window?.othersThan(new Set(keys)) ?? 0;
  const total = removals.length + earlier;
  // Only a count that could trip a share rule pays for reading every shadow.
  const readShadows = total >= GUARD_MIN_DELETES && removals.length <= limits.maxCount;
  const employments = readShadows ? await knownEmployments(ports.store, ports.scope) : 0;
  const verdict = removalVerdict(limits, { removals: removals.length, employments, earlier });
  if (verdict) for (const r of removals) r.outcome = 'held';
  else await window?.record(keys, now);
  return verdict;
}

const DEFAULT_LIMITS: RemovalLimits = { maxShare: 0.1, maxCount: 500 };

function named(row: LinkRow, sides: ContactSides): LinkRow {
  const company = row.company === null ? undefined : sides.companyNames.get(row.company);
  return {
    ...row,
    ...(sides.label ? { contactLabel: sides.label } : {}),
    ...(company ? { companyLabel: company } : {}),
  };
}

/** Companies the contact's own list does not name (new from the CRM): read, up to a report's worth. */
async function nameCompanies(ports: LinksPorts, rows: readonly LinkRow[]): Promise<void> {
  const unnamed = [...new Set(rows.flatMap((r) => (r.company && !r.companyLabel ? [r.company] : [])))];
  const names = new Map<string, string>();
  for (const id of unnamed.slice(0, NAMED_COMPANIES_MAX)) {
    // A name is for the report only: a company that cannot be read keeps its id.
    const company = await ports.propstreet.getCompany(id).catch(() => null);
    if (company?.name) names.set(id, company.name);
  }
  for (const r of rows) {
    const name = r.company ? names.get(r.company) : undefined;
    if (name) r.companyLabel = name;
  }
}

const NAMED_COMPANIES_MAX = 200;

function propstreetRow(contact: string, op: PropstreetOp): LinkRow {
  return {
    contact,
    side: 'propstreet',
    action: op.op === 'create' ? 'associate' : op.op === 'delete' ? 'dissociate' : op.op,
    company: op.company,
    ...('jobTitle' in op && op.jobTitle !== null ? { detail: op.jobTitle } : {}),
    ...(op.op === 'primary' && op.clear ? { detail: CLEARED_PRIMARY } : {}),
    outcome: 'planned',
  };
}

function crmRow(contact: string, op: CrmOp): LinkRow {
  const outcome: LinkRowOutcome = 'planned';
  if (op.op === 'title')
    return {
      contact,
      side: 'crm',
      action: 'title',
      company: null,
      ...(op.jobTitle ? { detail: op.jobTitle } : {}),
      outcome,
    };
  if (op.op === 'dissociate')
    return { contact, side: 'crm', action: 'dissociate', company: op.company, outcome };
  return {
    contact,
    side: 'crm',
    action: op.primary ? 'primary' : 'associate',
    company: op.company,
    outcome,
  };
}

/** CRM writes of every contact, batched: associate, then dissociate, then titles. */
async function applyCrm(ports: LinksPorts, pending: readonly Pending[]): Promise<void> {
  const companies = [
    ...new Set(pending.flatMap((p) => p.merge.toCrm.flatMap((op) => ('company' in op ? [op.company] : [])))),
  ];
  const crmCompany = await ports.companies.crmIds(companies);
  type Item = { p: Pending; row: LinkRow; fromId: string; toId: string; primary: boolean };
  const associate: Item[] = [];
  const dissociate: Item[] = [];
  const titles: { p: Pending; row: LinkRow; crmId: string; title: string | null }[] = [];
  for (const p of pending) {
    const crmRows = p.rows.filter((r) => r.side === 'crm');
    p.merge.toCrm.forEach((op, k) => {
      const row = crmRows[k] as LinkRow;
      if (op.op === 'title') {
        titles.push({ p, row, crmId: p.sides.crmId, title: op.jobTitle });
        return;
      }
      const toId = crmCompany.get(op.company);
      if (!toId) {
        row.outcome = 'deferred';
        row.error = `company ${op.company} is not in the CRM yet`;
        p.problem ??= row.error;
        return;
      }
      const item = { p, row, fromId: p.sides.crmId, toId, primary: op.op === 'associate' && op.primary };
      (op.op === 'associate' ? associate : dissociate).push(item);
    });
  }
  const settle = (
    items: { p: Pending; row: LinkRow }[],
    results: readonly { ok: boolean; error?: { message: string } }[],
  ) =>
    items.forEach((item, k) => {
      const r = results[k];
      if (r?.ok) item.row.outcome = 'done';
      else {
        item.row.outcome = 'failed';
        item.row.error = r?.error?.message ?? 'no result';
        item.p.problem ??= item.row.error;
      }
    });
  if (associate.length > 0) settle(associate, await ports.crm.associate(associate));
  if (dissociate.length > 0) settle(dissociate, await ports.crm.dissociate(dissociate));
  if (titles.length > 0 && ports.titles)
    settle(titles, await ports.titles.write(titles.map((t) => ({ crmId: t.crmId, title: t.title }))));
}

async function commit(
  ports: LinksPorts,
  options: LinksOptions,
  pending: readonly Pending[],
  shadows: ReadonlyMap<string, StateLink>,
  read: Pick<ReadResult, 'deferred' | 'gone'>,
  touched: Pick<Touched, 'checkpoints' | 'marks'>,
  result: LinksResult,
  relinked: readonly StateLink[],
  companyLinks: CompanyLinks,
): Promise<void> {
  const { store, scope } = ports;
  const now = ports.clock.now();
  const earlier = new Map(
    (await store.listFailures(scope)).map((f) => [`${f.side}:${f.recordId}`, f] as const),
  );
  const retryAt = new Date(now.getTime() + (options.retrySeconds ?? 300) * 1000).toISOString();
  const failure = (recordId: string, error: string): Failure => {
    const before = earlier.get(`propstreet:${recordId}`);
    return {
      side: 'propstreet',
      recordId,
      attempts: (before?.attempts ?? 0) + 1,
      // Before clipping: a token cut in two is no longer found (bug 62).
      lastError: clipText(options.redactor.redact(error), MESSAGE_MAX),
      nextRetryAt: retryAt,
      quarantined: false,
      firstFailedAt: before?.firstFailedAt ?? now.toISOString(),
    };
  };
  const upsertLinks: StateLink[] = [...relinked];
  const upsertFailures: Failure[] = [];
  const clearFailures: { side: 'propstreet'; recordId: string }[] = [];
  for (const p of pending) {
    const id = p.sides.propstreetId;
    const old = shadows.get(id);
    let agreed = p.merge.result;
    if (p.problem) {
      upsertFailures.push(failure(id, p.problem));
      const deferredOnly = p.rows.every((r) => r.outcome !== 'failed');
      if (deferredOnly) result.deferred.push({ contact: id, reason: p.problem });
      else result.failed.push({ contact: id, error: p.problem });
      agreed = landedShadow(shadowFor(old, p.sides.crmId), agreed, p.rows, p.sides.crm.primaryTitle);
    } else if (earlier.has(`propstreet:${id}`)) clearFailures.push({ side: 'propstreet', recordId: id });
    // Each company with the CRM company it is synced with now (company-links.ts).
    const shadow = toShadow(companyLinks.recorded(agreed), linkIdsFor(agreed, p.sides.crm));
    if (old && old.crmId === p.sides.crmId && JSON.stringify(old.shadow) === JSON.stringify(shadow)) continue;
    upsertLinks.push({
      propstreetId: id,
      crmId: p.sides.crmId,
      shadow,
      propstreetEtag: null,
      crmModifiedAt: null,
      updatedAt: now.toISOString(),
    });
  }
  for (const u of read.deferred) upsertFailures.push(failure(u.propstreetId, u.reason));
  for (const id of read.gone)
    if (earlier.has(`propstreet:${id}`)) clearFailures.push({ side: 'propstreet', recordId: id });
  const deleteLinks = read.gone.filter((id) => shadows.has(id));
  const changes: StateChanges = {
    ...(upsertLinks.length ? { upsertLinks } : {}),
    ...(deleteLinks.length ? { deleteLinks } : {}),
    ...(upsertFailures.length ? { upsertFailures } : {}),
    ...(clearFailures.length ? { clearFailures } : {}),
    ...(touched.marks.length ? { deleteMeta: touched.marks } : {}),
    checkpoints: touched.checkpoints,
  };
  await store.commit(scope, changes);
}
