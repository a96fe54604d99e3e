/**
 * The chunk's creates in Propstreet through the batch upsert, when the kind's port offers one
 * (contacts, with `propstreet.batchUpsertPath` set): one call per ≤ 100 CRM records instead of
 * one each, before the pairs' own writes (propstreet-phase.ts), which then carry on from what
 * the batch made (the PATCH of members the upsert lacks, the links recorded at commit).
 *
 * Keyed by the connection's namespace and the CRM id, like the single upsert: a rerun after a
 * crash between the call and the commit updates the contacts the lost run created, never adds
 * them twice. An item the batch refused fails alone and is recorded like a refused single
 * upsert. A whole call that fails fails its items (or stops the run, for auth and daily limits);
 * one the port answers with null (no batch upsert, or its path answered 404/405) leaves its
 * items to the one-by-one upsert.
 */
import pLimit from 'p-limit';
import type { PropstreetRecord } from '../engine/records.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { Progress } from './chunk-progress.js';
import { stopsTheRun } from './crm-batches.js';
import type { ExecuteDeps } from './execute-chunk.js';
import { failureOf } from './propstreet-phase.js';
import { valuesOf } from './propstreet-writes.js';

/** BatchUpsertContactsRequest: "Maximum 100 items per batch". */
const BATCH = 100;

export async function batchCreates<R extends PropstreetRecord, W>(
  progress: readonly Progress<R>[],
  deps: ExecuteDeps<R, W>,
  abort: RunAbort,
): Promise<void> {
  if (!deps.propstreet.upsertManyByExternalRef || abort.stopped) return;
  const creates = progress.filter((p) => p.pp.plan.action === 'create-in-propstreet' && !p.failed);
  const groups: Progress<R>[][] = [];
  for (let k = 0; k < creates.length; k += BATCH) groups.push(creates.slice(k, k + BATCH));
  const limit = pLimit(deps.settings.propstreetConcurrency);
  await Promise.all(groups.map((group) => limit(() => batchGroup(group, deps, abort))));
}

async function batchGroup<R extends PropstreetRecord, W>(
  group: readonly Progress<R>[],
  deps: ExecuteDeps<R, W>,
  abort: RunAbort,
): Promise<void> {
  const upsertMany = deps.propstreet.upsertManyByExternalRef;
  if (!upsertMany || abort.stopped) return;
  const items = group.map((p) => {
    const { plan } = p.pp;
    if (plan.action !== 'create-in-propstreet') throw new Error(`not a create: ${plan.action}`);
    const body = deps.kind.writes.splitCreate(
      deps.mapper.toPropstreet(valuesOf(plan.toPropstreet), null),
    ).byRef;
    return { externalId: plan.crmId, body };
  });
  // Sent and not answered until the results are in: a run stopped meanwhile records nothing of them.
  for (const p of group) p.unanswered.add('propstreet');
  let results: Awaited<ReturnType<typeof upsertMany>>;
  try {
    results = await upsertMany.call(deps.propstreet, deps.settings.namespace, items);
  } catch (error) {
    if (stopsTheRun(error)) {
      abort.fail(error);
      return;
    }
    for (const p of group) {
      p.failed = failureOf(p, deps, error);
      p.unanswered.delete('propstreet');
    }
    return;
  }
  for (const [i, p] of group.entries()) {
    p.unanswered.delete('propstreet');
    const r = results?.[i];
    // No batch upsert (any more): the pair's own write upserts it alone.
    if (!r) continue;
    if (r.ok) p.batched = { id: r.id, etag: r.etag, action: r.action };
    else p.failed = failureOf(p, deps, r.error);
  }
}
