/**
 * Applies a validated write to a company's data: true PATCH semantics (absent = unchanged,
 * null = clear), and `domain` as the reference describes it — "Normalized to lowercase without
 * www prefix. Ignored if homepageUrl is provided (domain is derived from URL instead)"
 * (docs.propstreet.com/api-reference/model/UpdateCompanyRequest).
 */
import type { FakeCompany, ValidCompanyWrite } from './company-types.js';

export type CompanyData = Pick<
  FakeCompany,
  'name' | 'domain' | 'homepageUrl' | 'linkedInUrl' | 'countryCode' | 'strategy' | 'tags' | 'externalRefs'
>;

export const EMPTY_COMPANY: CompanyData = {
  name: '',
  domain: null,
  homepageUrl: null,
  linkedInUrl: null,
  countryCode: null,
  strategy: null,
  tags: [],
  externalRefs: [],
};

/**
 * Lower-case, no `www.`. A scheme, path or port someone puts in `domain` is cut off too: the
 * reference only says "acme.com", so this part is a guess.
 */
function normalizeDomain(input: string): string | null {
  const host = input
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#:].*$/, '')
    .replace(/^www\./, '');
  return host.length > 0 ? host : null;
}

/** The host of a homepage URL, with or without a scheme; null when it has none. */
function domainOf(url: string): string | null {
  const trimmed = url.trim();
  try {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
    return normalizeDomain(new URL(withScheme).hostname);
  } catch {
    return null;
  }
}

export function applyCompanyWrite(current: CompanyData, w: ValidCompanyWrite): CompanyData {
  const next: CompanyData = { ...current };
  if (w.name !== undefined) next.name = w.name.trim();
  if (w.linkedInUrl !== undefined) next.linkedInUrl = w.linkedInUrl;
  if (w.countryCode !== undefined) next.countryCode = w.countryCode;
  if (w.strategy !== undefined) next.strategy = w.strategy;
  if (w.tags !== undefined) next.tags = w.tags ?? [];
  if (w.externalRefs !== undefined) next.externalRefs = w.externalRefs.map((r) => ({ ...r }));
  if (w.homepageUrl !== undefined) next.homepageUrl = w.homepageUrl;
  // A homepage sent wins over a domain sent; clearing the homepage leaves the domain alone
  // unless the same write sets one (guess: the reference covers only "provided").
  if (typeof w.homepageUrl === 'string') next.domain = domainOf(w.homepageUrl);
  else if (w.domain !== undefined) next.domain = w.domain === null ? null : normalizeDomain(w.domain);
  return next;
}

export function companyDataOf(c: CompanyData): CompanyData {
  return {
    name: c.name,
    domain: c.domain,
    homepageUrl: c.homepageUrl,
    linkedInUrl: c.linkedInUrl,
    countryCode: c.countryCode,
    strategy: c.strategy,
    tags: c.tags,
    externalRefs: c.externalRefs,
  };
}

export const sameCompanyData = (a: CompanyData, b: CompanyData): boolean =>
  JSON.stringify(companyDataOf(a)) === JSON.stringify(companyDataOf(b));
