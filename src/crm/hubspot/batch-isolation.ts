/**
 * When HubSpot fails a whole batch because of one input (an invalid value, a duplicate
 * email), the others must not sink with it: blame the culprits when the error names them,
 * else split the batch in halves until the failing inputs stand alone. Errors no single
 * input can cause (auth, limits, outages) are thrown, never spread over the records.
 */
import { PropsyncError } from '../../core/errors.js';
import { isAttributable } from './hubspot-write-errors.js';

export interface Isolation<I> {
  /** Sends the batch; throws the mapped error when HubSpot rejects it as a whole. */
  readonly attempt: (items: I[]) => Promise<void>;
  /** Inputs the error names (may be empty: then the batch is split). */
  readonly blame: (error: PropsyncError, items: I[]) => Promise<I[]>;
  /** Records the failure of an input the error is pinned on. */
  readonly fail: (item: I, error: PropsyncError) => void;
}

export async function sendIsolating<I>(items: I[], isolation: Isolation<I>): Promise<void> {
  if (items.length === 0) return;
  try {
    await isolation.attempt(items);
  } catch (e) {
    if (!(e instanceof PropsyncError) || !isAttributable(e)) throw e;
    const [single] = items;
    if (items.length === 1 && single !== undefined) {
      isolation.fail(single, e);
      return;
    }
    const blamed = new Set(await isolation.blame(e, items));
    if (blamed.size > 0) {
      for (const item of blamed) isolation.fail(item, e);
      await sendIsolating(
        items.filter((i) => !blamed.has(i)),
        isolation,
      );
      return;
    }
    const mid = Math.ceil(items.length / 2);
    await sendIsolating(items.slice(0, mid), isolation);
    await sendIsolating(items.slice(mid), isolation);
  }
}
