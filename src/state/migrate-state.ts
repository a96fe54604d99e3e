/**
 * Copies state between two stores (e.g. SQLite → PostgreSQL when an install grows), through
 * the port only, so any pair of implementations works. Upserts make a rerun harmless. A scope
 * is a tenant's connection's object kind: each kind's state is copied as its own scope.
 */
import { PropsyncError } from '../core/errors.js';
import type { Scope, Side, StateStore } from './port.js';
import { scopeName } from './rows.js';

export interface MigrateStateResult {
  readonly scopes: number;
  readonly links: number;
  readonly failures: number;
  readonly checkpoints: number;
  readonly runs: number;
  readonly ownEtags: number;
}

export interface MigrateStateOptions {
  /** Links (and contacts with own etags) per read and per commit. */
  readonly pageSize?: number;
  /** Lock owner name held on each source scope while it is copied. */
  readonly owner?: string;
}

const SIDES: readonly Side[] = ['propstreet', 'crm'];
const LOCK_TTL_MS = 60 * 60 * 1000;

export async function migrateState(
  from: StateStore,
  to: StateStore,
  scopes?: readonly Scope[],
  options: MigrateStateOptions = {},
): Promise<MigrateStateResult> {
  const pageSize = options.pageSize ?? 500;
  const owner = options.owner ?? `migrate-state-${process.pid}`;
  await to.migrate();
  const todo = scopes ?? (await from.listScopes());
  const total = { scopes: 0, links: 0, failures: 0, checkpoints: 0, runs: 0, ownEtags: 0 };
  for (const scope of todo) {
    // A run writing the source mid-copy would leave the target behind it; one writing the
    // target would have its state overwritten by the copy.
    if (!(await from.acquireLock(scope, owner, LOCK_TTL_MS))) {
      throw new PropsyncError('LOCKED', `${scopeName(scope)} is locked by a running sync; stop it and retry`);
    }
    try {
      if (!(await to.acquireLock(scope, owner, LOCK_TTL_MS)))
        throw new PropsyncError(
          'LOCKED',
          `${scopeName(scope)} is locked by a running sync on the target; stop it and retry`,
        );
    } catch (error) {
      await from.releaseLock(scope, owner);
      throw error;
    }
    try {
      await refuseNewerTarget(from, to, scope);
      const copied = await copyScope(from, to, scope, pageSize);
      await verify(from, to, scope, copied);
      total.scopes += 1;
      total.links += copied.links;
      total.failures += copied.failures;
      total.checkpoints += copied.checkpoints;
      total.runs += copied.runs;
      total.ownEtags += copied.ownEtags;
    } finally {
      await to.releaseLock(scope, owner);
      await from.releaseLock(scope, owner);
    }
  }
  return total;
}

/**
 * A target whose runs include one the source never had has been synced on since the state was
 * copied (or holds another install's state): its links, shadows and checkpoints are newer than
 * the source's, and copying over them would bring old shadows back — the next run would take
 * a person's later edit for a conflict and could revert it, and ended links would return. A
 * rerun of a copy cut short finds only the source's runs there, and goes on.
 */
async function refuseNewerTarget(from: StateStore, to: StateStore, scope: Scope): Promise<void> {
  const known = new Set((await from.listRuns(scope, Number.MAX_SAFE_INTEGER)).map((r) => r.id));
  const unknown = (await to.listRuns(scope, Number.MAX_SAFE_INTEGER)).filter((r) => !known.has(r.id));
  const newest = unknown[0];
  if (!newest) return;
  throw new PropsyncError(
    'STATE',
    `${scopeName(scope)}: the target holds ${unknown.length} run(s) the source does not (the newest ${newest.id}, started ${newest.startedAt}): its state is newer than the source's, and copying would overwrite it; nothing was copied for it. Point the syncs at one store; to start over on the target, empty it first`,
  );
}

async function copyScope(from: StateStore, to: StateStore, scope: Scope, pageSize: number) {
  let links = 0;
  let after: string | undefined;
  for (;;) {
    const page = await from.listLinks(scope, { ...(after === undefined ? {} : { after }), limit: pageSize });
    if (page.length === 0) break;
    await to.commit(scope, { upsertLinks: page });
    links += page.length;
    after = page.at(-1)?.propstreetId;
  }

  let ownEtags = 0;
  after = undefined;
  for (;;) {
    const page = await from.listOwnEtags(scope, {
      ...(after === undefined ? {} : { after }),
      limit: pageSize,
    });
    if (page.length === 0) break;
    // Oldest first, so the target keeps the same most recent ones.
    const pairs = page.flatMap((c) => c.etags.map((etag) => ({ propstreetId: c.propstreetId, etag })));
    await to.commit(scope, { ownEtags: pairs });
    ownEtags += pairs.length;
    after = page.at(-1)?.propstreetId;
  }

  const failures = await from.listFailures(scope);
  for (let i = 0; i < failures.length; i += pageSize) {
    await to.commit(scope, { upsertFailures: failures.slice(i, i + pageSize) });
  }

  const runs = await from.listRuns(scope, Number.MAX_SAFE_INTEGER);
  for (const run of runs.reverse()) {
    await to.startRun(scope, run);
    if (run.finishedAt === null) continue;
    await to.finishRun(scope, run.id, {
      finishedAt: run.finishedAt,
      status: run.status,
      summary: run.summary,
    });
  }

  // Meta carries the accounts the state is bound to: moving it with the state is what keeps
  // the copy bound to the same Propstreet organisation and CRM account.
  const meta = await from.listMeta(scope);
  for (const { key, value } of meta) await to.setMeta(scope, key, value);

  // Tombstones keep contacts ended by a CRM deletion from coming back; conflicts carry the
  // resolutions people made. Both are small (one row per ended link or open conflict).
  const tombstones = await from.listTombstones(scope, { limit: Number.MAX_SAFE_INTEGER });
  for (let i = 0; i < tombstones.length; i += pageSize)
    await to.commit(scope, { upsertTombstones: tombstones.slice(i, i + pageSize) });
  const conflicts = await from.listConflicts(scope, { limit: Number.MAX_SAFE_INTEGER });
  const byPair = new Map<string, typeof conflicts>();
  for (const c of conflicts) byPair.set(c.propstreetId, [...(byPair.get(c.propstreetId) ?? []), c]);
  const pairs = [...byPair].map(([propstreetId, list]) => ({
    propstreetId,
    conflicts: list.map(({ resolution: _, ...open }) => open),
  }));
  for (let i = 0; i < pairs.length; i += pageSize)
    await to.commit(scope, { replaceConflicts: pairs.slice(i, i + pageSize) });
  for (const c of conflicts)
    if (c.resolution)
      await to.resolveConflict(scope, { propstreetId: c.propstreetId, field: c.field }, c.resolution);

  const refs = await copyRefOutbox(from, to, scope, pageSize);

  // Checkpoints last: a copy cut short then leaves the target re-reading, never skipping.
  const checkpoints: Partial<Record<Side, string>> = {};
  for (const side of SIDES) {
    const value = await from.getCheckpoint(scope, side);
    if (value !== null) checkpoints[side] = value;
  }
  await to.commit(scope, { checkpoints });

  return {
    links,
    ownEtags,
    failures: failures.length,
    runs: runs.length,
    checkpoints: Object.keys(checkpoints).length,
    refs,
  };
}

/**
 * The scope's pending ref write-backs (their attempt counts start again). The outbox is read per
 * tenant and kind in record order: a full page may end inside a record's rows, so its last
 * record is read again with the next page.
 */
async function copyRefOutbox(from: StateStore, to: StateStore, scope: Scope, pageSize: number) {
  let copied = 0;
  let after: string | undefined;
  const limit = Math.max(2 * pageSize, 2);
  for (;;) {
    const rows = await from.queuedRefs(scope, {
      dueBy: '9999-12-31T23:59:59.999Z',
      limit,
      ...(after === undefined ? {} : { after }),
    });
    const full = rows.length === limit;
    const last = rows.at(-1)?.propstreetId;
    const whole = full ? rows.filter((r) => r.propstreetId !== last) : rows;
    const mine = whole.filter((r) => r.connection === scope.connection);
    if (mine.length > 0) await to.commit(scope, { enqueueRefs: mine });
    copied += mine.length;
    if (!full) break;
    after = whole.at(-1)?.propstreetId ?? last;
  }
  return copied;
}

async function verify(
  from: StateStore,
  to: StateStore,
  scope: Scope,
  copied: { links: number; failures: number },
): Promise<void> {
  const problems: string[] = [];
  const [srcLinks, dstLinks] = [await from.countLinks(scope), await to.countLinks(scope)];
  if (srcLinks !== dstLinks || dstLinks !== copied.links) {
    problems.push(`links: source ${srcLinks}, copied ${copied.links}, target ${dstLinks}`);
  }
  const dstFailures = (await to.listFailures(scope)).length;
  if (dstFailures !== copied.failures)
    problems.push(`failures: copied ${copied.failures}, target ${dstFailures}`);
  for (const side of SIDES) {
    const [a, b] = [await from.getCheckpoint(scope, side), await to.getCheckpoint(scope, side)];
    if (a !== b) problems.push(`${side} checkpoint: source ${a}, target ${b}`);
  }
  if (problems.length) {
    throw new PropsyncError(
      'STATE',
      `migrate-state of ${scopeName(scope)} does not match: ${problems.join('; ')}`,
    );
  }
}
