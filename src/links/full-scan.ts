/**
 * When the links phase re-reads every linked contact: HubSpot does not stamp a contact whose
 * associations alone changed, so a periodic full scan is how those edits are found (and what
 * Salesforce's deleted relations could not be traced by, deleted-links.ts). The last one's time is kept
 * in the links scope's meta (one scope per connection); a run that wrote nothing (dry run, guard)
 * does not move it.
 */
import type { LinksOptions, LinksPorts } from './ports.js';

export const FULL_SCAN_META = 'links.fullScanAt';

/** Pure: due when asked, or when `everyMs` is set and has passed since the last scan (never: due). */
export function fullScanDue(
  last: string | null,
  everyMs: number | undefined,
  now: Date,
  asked = false,
): boolean {
  if (asked) return true;
  if (everyMs === undefined || everyMs <= 0) return false;
  const at = last === null ? Number.NaN : Date.parse(last);
  // An unreadable stamp is no stamp: scanning once too often is the safe mistake.
  return Number.isNaN(at) || now.getTime() - at >= everyMs;
}

export async function isFullScanDue(ports: LinksPorts, options: LinksOptions): Promise<boolean> {
  if (options.fullScan) return true;
  if (!options.fullScanEveryMs) return false;
  const last = await ports.store.getMeta(ports.scope, FULL_SCAN_META);
  return fullScanDue(last, options.fullScanEveryMs, ports.clock.now());
}
