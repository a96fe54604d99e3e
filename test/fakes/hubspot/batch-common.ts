/** Bits shared by the batch endpoints. */
import { createHash } from 'node:crypto';

export const NOT_FOUND_MESSAGE =
  'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.';

/** HubSpot does not return batch results in input order; the fake uses a stable scramble. */
export function byTieRank(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ra = rank(String(a.id));
  const rb = rank(String(b.id));
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

function rank(id: string): string {
  return createHash('md5').update(id).digest('hex').slice(0, 8);
}
