/**
 * A tag list written to Propstreet from its canonical form (`;`-separated, as HubSpot and
 * Salesforce hold several values). A Propstreet tag that itself contains `;` reaches the CRM as
 * its pieces; written back as pieces, a later CRM edit of any tag would have split it in
 * Propstreet too. A current tag whose pieces are all still there is kept whole instead: its
 * canonical form is the same, so nothing else changes.
 */
import { normaliseTags } from './transforms.js';

export function tagsToWrite(canonical: string, current: readonly string[] | null | undefined): string[] {
  const pieces = canonical.split(';');
  const left = new Set(pieces);
  const whole: string[] = [];
  for (const tag of current ?? []) {
    if (!tag.includes(';')) continue;
    const parts = normaliseTags(tag)?.split(';') ?? [];
    if (parts.length < 2 || !parts.every((p) => left.has(p))) continue;
    for (const p of parts) left.delete(p);
    whole.push(tag);
  }
  return whole.length === 0 ? pieces : [...whole, ...pieces.filter((p) => left.has(p))];
}
