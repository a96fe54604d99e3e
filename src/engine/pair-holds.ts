/** What the run adds to a pair before it is planned: a hold on a quarantined record, a person's resolutions. */
import type { ConflictResolution, Failure } from '../state/port.js';
import type { PairState } from './plan-pair.js';
import type { PropstreetRecord } from './records.js';

/**
 * A quarantined record comes back in every overlap window; it is left alone until it
 * changes after it was quarantined (or `propsync retry` forces it).
 */
export function holdQuarantined<R extends PropstreetRecord>(
  pair: PairState<R>,
  failures: ReadonlyMap<string, Failure>,
): PairState<R> {
  // Asked of every pair of a run; most runs know of no failure at all.
  if (failures.size === 0) return pair;
  const id = pair.propstreet?.id ?? pair.link?.propstreetId;
  const failure =
    (id ? failures.get(`propstreet:${id}`) : undefined) ??
    (pair.crm ? failures.get(`crm:${pair.crm.id}`) : undefined);
  if (!failure?.quarantined) return pair;
  const stamps = [pair.propstreet?.updatedUtc, pair.crm?.modifiedAt].filter((s): s is string => Boolean(s));
  const changedSince = stamps.some((s) => Date.parse(s) > Date.parse(failure.nextRetryAt));
  if (changedSince) return pair;
  return {
    ...pair,
    skipReason: `quarantined after ${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'} (${failure.lastError}); edit the record or run \`propsync retry\``,
  };
}

/** The pair with a person's resolutions of its conflicts (`propsync resolve`), when it has any. */
export function withResolutions<R extends PropstreetRecord>(
  pair: PairState<R>,
  resolutions: ReadonlyMap<string, ReadonlyMap<string, ConflictResolution>>,
): PairState<R> {
  const id = pair.link?.propstreetId ?? pair.propstreet?.id;
  const mine = id === undefined ? undefined : resolutions.get(id);
  return mine ? { ...pair, resolutions: mine } : pair;
}
