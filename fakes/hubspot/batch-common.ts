/** Bits shared by the batch endpoints. */
export function notFoundMessage(noun: string): string {
  return `Could not get some ${noun.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`;
}

/** HubSpot does not return batch results in input order; the fake uses a stable scramble. */
export function byTieRank(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ra = rank(String(a.id));
  const rb = rank(String(b.id));
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}

/** FNV-1a: a cheap, stable scramble (search ranks tens of thousands of records per call). */
export function rank(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
