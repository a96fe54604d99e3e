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

export const COMPANY_MATCH_FIELDS: readonly MatchField<Company>[] = [
  {
    name: 'domain',
    propstreetValue: (company) => company.domain ?? company.homepageUrl,
    // A host many companies share (a Facebook page, a site builder's subdomain) pairs nothing.
    key: (domain) => {
      const host = domain.toLowerCase();
      return isSharedHost(host) ? '' : host;
    },
    // The CRM stores what a person typed: `www.acme.se`, `xn--bcher-kva.de` for `bücher.de`.
    spellings: (domain) => {
      const ascii = domainToASCII(domain) || domain;
      return [...new Set([domain, ascii, `www.${domain}`, `www.${ascii}`])];
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
