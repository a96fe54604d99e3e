/**
 * The fake's wire shapes of companies and contact–company links, every field present and
 * `null` when empty, as the reference's models show them (docs.propstreet.com/api-reference/
 * model/Company; the Link sample of `GET /api/v1/network/links`).
 */
import type { FakeExternalRef } from './contact-types.js';
import type { ChangeType, FakeVersioned } from './versioned-store.js';

/** A contact as a company embeds it (model ContactLink). */
export interface FakeContactLink {
  id: string;
  uri: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  jobTitle: string | null;
  isPrimary: boolean;
}

export interface FakeCompany extends FakeVersioned {
  uri: string | null;
  externalRefs: FakeExternalRef[];
  name: string;
  domain: string | null;
  homepageUrl: string | null;
  linkedInUrl: string | null;
  countryCode: string | null;
  strategy: string | null;
  tags: string[];
  /** Filled in from links when served (network.ts); empty as stored. */
  contacts: FakeContactLink[];
}

/** A link carries no `isPrimary`: the primary company is the contact's (network.ts). */
export interface FakeLink extends FakeVersioned {
  contactId: string;
  companyId: string;
  jobTitle: string | null;
}

/** The company members a write may set; absent = unchanged, null = clear. Already validated. */
export interface ValidCompanyWrite {
  name?: string;
  domain?: string | null;
  homepageUrl?: string | null;
  linkedInUrl?: string | null;
  countryCode?: string | null;
  strategy?: string | null;
  tags?: string[] | null;
  externalRefs?: FakeExternalRef[];
}

export interface SeedCompany extends ValidCompanyWrite {
  name: string;
  /** Numeric string; assigned when absent. */
  id?: string;
  createdUtc?: string;
  updatedUtc?: string;
  deletedUtc?: string | null;
  changeType?: ChangeType | null;
  changeOrigin?: string | null;
}

export interface SeedLink {
  /** Numeric string; assigned when absent. */
  id?: string;
  contactId: string;
  companyId: string;
  jobTitle?: string | null;
  /** Makes the company the contact's primary one; a contact's first link is primary anyway. */
  isPrimary?: boolean;
  /** Default: now on the fake's clock. */
  updatedUtc?: string;
}
