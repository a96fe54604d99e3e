/** Deterministic bulk contacts, companies and links for seeding (tests, demo, benchmarks). */
import type { SeedCompany, SeedLink } from './company-types.js';
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
  /**
   * Also seeds this many companies (generateCompanies) and links the live generated contacts
   * to them (planLinks); default 0.
   */
  readonly companies?: number;
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

export interface GenerateCompanyOptions {
  /** First updatedUtc; default 2025-01-01T00:00:00Z. */
  readonly startUtc?: string;
  /** Time between companies; default 1000 ms. */
  readonly stepMs?: number;
  /** Adds an external ref `{namespace, id: "ext-company-<i>"}` to each company. */
  readonly namespace?: string;
}

const COUNTRIES = ['SE', 'NO', 'DK', 'FI', 'DE', 'GB'];
const KINDS = ['Fastigheter', 'Capital', 'Invest', 'Properties', 'Förvaltning'];
const TITLES = ['CEO', 'CFO', 'Head of Transactions', 'Asset Manager', 'Analyst', null];

/** Deterministic companies with a homepage (so a derived domain), a country and some tags. */
export function generateCompanies(count: number, o: GenerateCompanyOptions = {}): SeedCompany[] {
  const start = Date.parse(o.startUtc ?? '2025-01-01T00:00:00Z');
  if (Number.isNaN(start)) throw new Error(`startUtc is not a date: ${o.startUtc}`);
  const step = o.stepMs ?? 1000;
  return Array.from({ length: count }, (_, i) => {
    const updated = new Date(start + i * step).toISOString();
    return {
      name: `Company ${i} ${KINDS[i % KINDS.length]} AB`,
      homepageUrl: `https://www.company${i}.example`,
      countryCode: COUNTRIES[i % COUNTRIES.length] ?? null,
      tags: i % 5 === 0 ? ['investor'] : [],
      externalRefs: o.namespace ? [{ namespace: o.namespace, id: `ext-company-${i}` }] : [],
      createdUtc: updated,
      updatedUtc: updated,
    };
  });
}

/**
 * Who works where, deterministically: one contact in ten works nowhere, one in six also at a
 * second company (its first company stays the primary one); the rest at one company each.
 */
export function planLinks(contactIds: readonly string[], companyIds: readonly string[]): SeedLink[] {
  const n = companyIds.length;
  if (n === 0) return [];
  const out: SeedLink[] = [];
  contactIds.forEach((contactId, k) => {
    if (k % 10 === 9) return;
    const first = companyIds[k % n] as string;
    out.push({ contactId, companyId: first, jobTitle: TITLES[k % TITLES.length] ?? null, isPrimary: true });
    const second = companyIds[(k + Math.floor(n / 2) + 1) % n] as string;
    if (k % 6 === 0 && second !== first)
      out.push({ contactId, companyId: second, jobTitle: 'Board Member', isPrimary: false });
  });
  return out;
}
