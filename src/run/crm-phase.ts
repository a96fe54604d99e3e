/**
 * The CRM side of a chunk, in full batches: phase A creates (upserts by key) and deletes,
 * phase B updates (values, and the key on records just created in Propstreet). Each result is
 * applied to its pair; a batch that must stop the run leaves its pairs unanswered.
 */
import type { WriteResult } from '../crm/port.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { Progress } from './chunk-progress.js';
import { inBatches } from './crm-batches.js';
import { holdChangedSinceRead } from './crm-recheck.js';
import type { ExecuteDeps } from './execute-chunk.js';

export async function crmCreatesAndDeletes(
  progress: readonly Progress<PropstreetRecord>[],
  deps: Pick<ExecuteDeps, 'crm' | 'store' | 'scope'>,
  abort: RunAbort,
) {
  const creates = progress.flatMap((p) =>
    p.pp.plan.action === 'create-in-crm' ? [{ p, key: p.pp.plan.propstreetId }] : [],
  );
  const deletes = progress.flatMap((p) =>
    p.pp.plan.action === 'delete-in-crm' ? [{ p, id: p.pp.plan.crmId }] : [],
  );
  for (const { p } of [...creates, ...deletes]) p.unanswered.add('crm');
  const { crm } = deps;
  const send = <T>(inputs: readonly T[], write: (batch: T[]) => Promise<WriteResult[]>) =>
    inBatches(inputs, crm.limits.writeBatchSize, crm.limits.maxConcurrency, write);
  try {
    const created = await send(creates, (batch) =>
      crm.upsertByKey(batch.map((c) => ({ key: c.key, properties: c.p.pp.crmProperties }))),
    );
    const taken = await holdersOfExisting(created, progress, deps);
    for (const [i, { p }] of creates.entries()) applyCrm(p, created[i], taken);
    const deleted = await send(deletes, (batch) => crm.delete(batch.map((d) => d.id)));
    for (const [i, { p }] of deletes.entries()) {
      const r = deleted[i];
      applyCrm(p, r);
      if (r?.ok) p.unlink = true;
    }
  } catch (error) {
    abort.fail(error);
  }
}

export interface CrmUpdate {
  readonly p: Progress<PropstreetRecord>;
  readonly id: string;
  /** Only the key: the record was just created in Propstreet. */
  readonly keyOnly: boolean;
}

/** The pairs phase B updates in the CRM: after phase A, because a 412 there re-plans the pair. */
export function crmUpdatesOf(progress: readonly Progress<PropstreetRecord>[]): CrmUpdate[] {
  return progress.flatMap((p): CrmUpdate[] => {
    if (p.failed || p.unlink || p.unanswered.size > 0) return [];
    const { plan } = p.pp;
    if (plan.action === 'create-in-propstreet')
      return p.psId !== null ? [{ p, id: plan.crmId, keyOnly: true }] : [];
    if (plan.action !== 'update' && plan.action !== 'link') return [];
    return Object.keys(p.pp.crmProperties).length > 0 || plan.writeCrmKey
      ? [{ p, id: plan.crmId, keyOnly: false }]
      : [];
  });
}

export async function crmUpdates(
  all: readonly CrmUpdate[],
  deps: Pick<ExecuteDeps, 'crm' | 'mapper' | 'clock' | 'settings' | 'crmReadAt'>,
  abort: RunAbort,
) {
  const { crm } = deps;
  // Unanswered from here: a run stopped by the re-read records none of these pairs as written.
  for (const { p } of all) p.unanswered.add('crm');
  try {
    await holdChangedSinceRead(all, deps);
    const updates = all.filter((u) => {
      if (!u.p.failed) return true;
      u.p.unanswered.delete('crm');
      return false;
    });
    const results = await inBatches(updates, crm.limits.writeBatchSize, crm.limits.maxConcurrency, (batch) =>
      crm.update(
        batch.map(({ p, id, keyOnly }) => {
          const properties: Record<string, string | null> = keyOnly ? {} : { ...p.pp.crmProperties };
          if (keyOnly || p.pp.plan.writeCrmKey) properties[crm.keyProperty] = p.psId;
          return { id, properties };
        }),
      ),
    );
    for (const [i, { p, keyOnly }] of updates.entries()) {
      const r = results[i];
      if (r && !r.ok && keyOnly) {
        p.unanswered.delete('crm');
        p.mirrorFailed = `CRM key write-back: ${r.error.message}`;
        p.mirrorSide = 'crm';
      } else applyCrm(p, r);
    }
  } catch (error) {
    abort.fail(error);
  }
}

/**
 * The Propstreet ids already holding the CRM records that refused creates as duplicates name, by
 * CRM id: linked in this scope, paired with that record in this chunk, or named by its key
 * property (a pair of a later chunk, a state rebuilt from refs). Such a record is someone
 * else's: linking it too would break the one-link-a-record rule, whose commit failure stopped
 * every later run at the same chunk, and merging into it would overwrite that contact. A record
 * no link names is read (a duplicate is rare: one batch read a chunk that meets any).
 */
async function holdersOfExisting(
  results: readonly (WriteResult | undefined)[],
  progress: readonly Progress<PropstreetRecord>[],
  deps: Pick<ExecuteDeps, 'crm' | 'store' | 'scope'>,
): Promise<ReadonlyMap<string, string>> {
  const named = new Set(
    results.flatMap((r) =>
      r && !r.ok && r.error.code === 'duplicate' && r.error.existingId ? [r.error.existingId] : [],
    ),
  );
  const holders = new Map<string, string>();
  if (named.size === 0) return holders;
  for (const link of await deps.store.linksByCrmIds(deps.scope, [...named]))
    holders.set(link.crmId, link.propstreetId);
  for (const p of progress)
    if (p.crmId !== null && named.has(p.crmId) && p.pp.plan.action !== 'create-in-crm')
      holders.set(p.crmId, p.pp.plan.propstreetId ?? p.psId ?? 'created in Propstreet by this run');
  const unread = [...named].filter((id) => !holders.has(id));
  if (unread.length === 0) return holders;
  try {
    for (const r of await deps.crm.readByIds(unread)) {
      const key = r.properties[deps.crm.keyProperty];
      if (key) holders.set(r.id, key);
    }
  } catch {
    // Not known whose they are: not linked, and tried again by the next run.
    for (const id of unread) holders.set(id, UNCHECKED);
  }
  return holders;
}

/** A holder that could not be read: the create fails, retried by the next run. */
const UNCHECKED = '';

/** Applies one CRM answer to its pair; none (the batch stopped the run) leaves it unanswered. */
function applyCrm(
  p: Progress<PropstreetRecord>,
  r: WriteResult | undefined,
  taken: ReadonlyMap<string, string> = new Map(),
): void {
  if (!r) return;
  p.unanswered.delete('crm');
  const existing = r.ok ? undefined : r.error.existingId;
  const holder = existing === undefined ? undefined : taken.get(existing);
  if (r.ok) {
    p.crmId = r.id;
    p.crmModifiedAt = r.modifiedAt ?? p.crmModifiedAt;
  } else if (
    r.error.code === 'duplicate' &&
    r.error.existingId &&
    p.pp.plan.action === 'create-in-crm' &&
    (holder === undefined || holder === p.pp.plan.propstreetId)
  ) {
    // The CRM already has this person: link it, and merge on the retry with both sides read.
    p.crmId = r.error.existingId;
    p.mirrorFailed = `linked to existing CRM record ${r.error.existingId} (${r.error.message}); merging on retry`;
    p.pp = { ...p.pp, shadow: null };
  } else if (r.error.code === 'not-found' && p.pp.plan.action === 'delete-in-crm') {
    p.unlink = true;
  } else if (r.error.code === 'not-found' && (p.pp.plan.action === 'update' || p.pp.plan.action === 'link')) {
    p.crmGone = true;
  } else {
    // A duplicate of a record another contact holds fails like any refusal, saying whose it is.
    const whose =
      holder === undefined
        ? ''
        : holder === UNCHECKED
          ? `; CRM record ${existing} could not be read to tell whose it is: tried again by the next run`
          : `; CRM record ${existing} belongs to Propstreet contact ${holder}, not to this one`;
    p.failed = {
      message: withCode(r.error.crmCode ?? r.error.code, r.error.message) + whose,
      retryable: holder === UNCHECKED || r.error.retryable,
      ...(holder === UNCHECKED ? { transient: true } : {}),
      ...(r.error.untilChanged ? { untilChanged: true } : {}),
      // The CRM failed, not the record: a 5xx or 429 that outlived the retries (bug 59).
      ...(r.error.code === 'server' || r.error.code === 'rate-limited' ? { transient: true } : {}),
    };
  }
}

/** `CODE: message`, unless the CRM's message already starts with its code. */
function withCode(code: string, text: string): string {
  return text.startsWith(code) ? text : `${code}: ${text}`;
}
