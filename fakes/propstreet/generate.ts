/** Deterministic bulk contacts for seeding (tests, demo, benchmarks). */
import type { SeedContact } from './contact-types.js';

export interface GenerateOptions {
  /** First updatedUtc; default 2025-01-01T00:00:00Z. */
  readonly startUtc?: string;
  /** Time between timestamp groups; default 1000 ms. */
  readonly stepMs?: number;
  /** How many consecutive contacts share one updatedUtc (ties); default 1. */
  readonly tieGroup?: number;
  /** Every n-th contact is soft-deleted; default 0 (none). */
  readonly deletedEvery?: number;
  /** Adds an external ref `{namespace, id: "ext-<i>"}` to each contact. */
  readonly namespace?: string;
  /** Number of the first contact in names and emails, so several calls do not collide. */
  readonly offset?: number;
}

/** `first`: position of the first contact in a larger run made in batches (timestamps, deletes). */
export function generateContacts(count: number, o: GenerateOptions = {}, first = 0): SeedContact[] {
  const start = Date.parse(o.startUtc ?? '2025-01-01T00:00:00Z');
  if (Number.isNaN(start)) throw new Error(`startUtc is not a date: ${o.startUtc}`);
  const step = o.stepMs ?? 1000;
  const group = Math.max(1, o.tieGroup ?? 1);
  const out: SeedContact[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const i = first + k + (o.offset ?? 0);
    const pos = first + k;
    const updated = new Date(start + Math.floor(pos / group) * step).toISOString();
    const deleted = o.deletedEvery && (pos + 1) % o.deletedEvery === 0;
    out[k] = {
      firstName: `First${i}`,
      lastName: `Last${i}`,
      email: `contact${i}@example.com`,
      phone: `+4670${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`,
      tags: i % 3 === 0 ? ['investor'] : [],
      externalRefs: o.namespace ? [{ namespace: o.namespace, id: `ext-${i}` }] : [],
      createdUtc: updated,
      updatedUtc: updated,
      ...(deleted ? { deletedUtc: updated } : {}),
    };
  }
  return out;
}
