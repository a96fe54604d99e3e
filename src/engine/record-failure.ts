/** A record's failure with its attempt count, backoff and quarantine, ready to store. */
import { clipText, MESSAGE_MAX } from '../core/clip-text.js';
import type { Redactor } from '../core/redact.js';
import type { Failure, Side } from '../state/port.js';
import type { SyncSettings } from './types.js';

/**
 * `soon`: retry on the next run (a write-back, not the record's values). `untilChanged`: the CRM
 * refuses the record as it stands, so retrying an unchanged record can only fail again: it is
 * held at once, the way a quarantined record is, until either side changes or `propsync retry`.
 * `transient`: the service failed, not the record (a 5xx, 429 or timeout that outlived the
 * request's retries): never quarantined, retried with the longest backoff a record that counts
 * toward quarantine can reach. Counted toward quarantine, an outage of one CRM for
 * `maxAttempts` runs held every record edited meanwhile after it ended (bug 59).
 */
export function nextFailure(
  settings: Pick<SyncSettings, 'retryBaseMs' | 'maxAttempts'>,
  redactor: Pick<Redactor, 'redact'>,
  known: Map<string, Failure>,
  side: Side,
  recordId: string,
  error: string,
  now: Date,
  soon = false,
  untilChanged = false,
  transient = false,
): Failure {
  const key = `${side}:${recordId}`;
  const prior = known.get(key);
  const attempts = (prior?.attempts ?? 0) + 1;
  const quarantined = untilChanged || (!transient && attempts >= settings.maxAttempts);
  // A quarantined record has no next retry: the field then says when it was quarantined.
  const exponent = Math.min(attempts, Math.max(1, settings.maxAttempts - 1)) - 1;
  const wait = soon || quarantined ? 0 : settings.retryBaseMs * 2 ** exponent;
  const failure: Failure = {
    side,
    recordId,
    attempts,
    // A CRM or Propstreet error may echo a token back: never store one; nor a whole field value.
    lastError: clipText(redactor.redact(error), MESSAGE_MAX),
    nextRetryAt: new Date(now.getTime() + wait).toISOString(),
    quarantined,
    firstFailedAt: prior?.firstFailedAt ?? now.toISOString(),
  };
  known.set(key, failure);
  return failure;
}
