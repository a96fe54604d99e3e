/**
 * How companies may be paired (each opt-in, by its match rule): by domain — Propstreet's
 * `domain`, else the host of its `homepageUrl`, compared after the mapping's `domain`
 * transform, so `https://www.acme.com/` on the CRM pairs with `acme.com` — and then, only when
 * the tenant lists `name`, by exact name, compared case-insensitively with runs of spaces as
 * one. Propstreet keeps neither unique, so a value two records share is ambiguous: reported,
 * never guessed (the engine's rule for every match field). A host many companies share
 * (shared-hosts.ts) pairs nothing by domain.
 */
import { domainToASCII } from 'node:url';
import type { MatchField } from '../../engine/kind-rules.js';
import type { Company } from '../../propstreet/company-schema.js';
import { isSharedHost } from './shared-hosts.js';

/** `host` as a site's address is typed: no scheme, `http://` or `https://`, with and without a final `/`. */
function asTyped(host: string): string[] {
  return ['', 'http://', 'https://'].flatMap((scheme) => [`${scheme}${host}`, `${scheme}${host}/`]);
}

export const COMPANY_MATCH_FIELDS: readonly MatchField<Company>[] = [
  {
    name: 'domain',
    propstreetValue: (company) => company.domain ?? company.homepageUrl,
    // A host many companies share (a Facebook page, a site builder's subdomain) pairs nothing.
    key: (domain) => {
      const host = domain.toLowerCase();
      return isSharedHost(host) ? '' : host;
    },
    // The CRM stores what a person typed: `www.acme.se`, `xn--bcher-kva.de` for `bücher.de`,
    // or the site's address: `https://www.acme.se/`, `http://acme.se`, `acme.se/`.
    spellings: (domain) => {
      const ascii = domainToASCII(domain) || domain;
      const hosts = [...new Set([domain, ascii])].flatMap((host) => [host, `www.${host}`]);
      return hosts.flatMap(asTyped);
    },
    uniqueInPropstreet: false,
  },
  {
    name: 'name',
    propstreetValue: (company) => company.name,
    key: (name) => name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim(),
    uniqueInPropstreet: false,
  },
];
