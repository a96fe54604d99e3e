/**
 * The PropstreetApi port: what the engine needs of Propstreet, one interface per resource so a
 * kind binds only the part it reads and writes. The undici client implements all of it.
 */
import type { AccountIdentity } from '../core/account-identity.js';
import type { PropsyncError } from '../core/errors.js';
import type { Company, CompanyWrite } from './company-schema.js';
import type { Link, LinkCreate, LinkPatch } from './link-schema.js';
import type { Contact, ContactWrite } from './schema.js';

/** The query every versioned V1 list takes (contacts, companies, links). */
export interface ListOptions {
  readonly updatedSince?: string | undefined;
  readonly includeDeleted?: boolean;
  readonly pageSize?: number;
  /** Resume from a cursor saved from an earlier page. */
  readonly cursor?: string | undefined;
  readonly signal?: AbortSignal;
}

export type ListContactsOptions = ListOptions;

/** The link list also filters by either end (`contact_id`, `company_id`). */
export interface ListLinksOptions extends ListOptions {
  readonly contactId?: string | undefined;
  readonly companyId?: string | undefined;
}

/** A record in a page that failed validation: isolated, reported, never a crash. */
export interface InvalidItem {
  readonly id: string | undefined;
  readonly jsonPath: string;
  readonly message: string;
}

interface PageOf {
  readonly invalid: readonly InvalidItem[];
  /** Cursor for the page after this one; null on the last page. */
  readonly nextCursor: string | null;
}

export interface ContactPage extends PageOf {
  readonly contacts: readonly Contact[];
}

export interface CompanyPage extends PageOf {
  readonly companies: readonly Company[];
}

export interface LinkPage extends PageOf {
  readonly links: readonly Link[];
}

export type UpsertAction = 'created' | 'updated' | 'revived';

/** One contact of a batch upsert: addressed by the external ref (namespace shared by the batch). */
export interface BatchUpsertItem {
  readonly externalId: string;
  /** UpsertContactRequest members only, as for the single upsert. */
  readonly body: ContactWrite;
}

/** One item's result: the contact's id and etag (the result model carries no contact), or why it failed. */
export type BatchItemOutcome =
  | { readonly ok: true; readonly id: string; readonly etag: string | null; readonly action: UpsertAction }
  | { readonly ok: false; readonly error: PropsyncError };

export interface PropstreetContactsApi {
  listContacts(options?: ListContactsOptions): AsyncIterable<ContactPage>;
  /** Null when the contact does not exist (404). */
  getContact(id: string): Promise<Contact | null>;
  /**
   * UpdateContactRequest members only (no `emails`/`phones`: write-models.ts). Throws
   * PreconditionFailedError on a stale etag (412, or a 409 that says so).
   */
  patchContact(id: string, patch: ContactWrite, options: { ifMatch?: string | undefined }): Promise<Contact>;
  /**
   * UpsertContactRequest members only (no `externalRefs`, no `linkedInUrl`). Takes no If-Match,
   * and offers no `match=email`: pairing records is the engine's job alone.
   */
  upsertByExternalRef(
    namespace: string,
    externalId: string,
    body: ContactWrite,
    options?: { revive?: boolean },
  ): Promise<{ contact: Contact; action: UpsertAction }>;
  /**
   * The batch upsert by external ref (≤ 100 items a request; results in the order of `items`),
   * when the tenant configured its path. Null when there is none, or the path answered 404/405:
   * the caller then upserts one by one. A failure of the whole request throws.
   */
  upsertContactsByExternalRef(
    namespace: string,
    items: readonly BatchUpsertItem[],
  ): Promise<readonly BatchItemOutcome[] | null>;
  /** Why a configured batch upsert fell back to one request per contact; null when it did not. */
  batchUpsertFallback(): string | null;
  /** If-Match is best-effort on DELETE: a stale one throws PreconditionFailedError. */
  deleteContact(id: string, options?: { ifMatch?: string | undefined }): Promise<void>;
}

export interface PropstreetCompaniesApi {
  listCompanies(options?: ListOptions): AsyncIterable<CompanyPage>;
  /** Null when the company does not exist (404). */
  getCompany(id: string): Promise<Company | null>;
  /** `POST /companies` (CreateCompanyRequest: `name` required); a taken external ref is a ConflictError. */
  createCompany(body: CompanyWrite): Promise<Company>;
  /** UpdateCompanyRequest; throws PreconditionFailedError on a stale etag. */
  patchCompany(id: string, patch: CompanyWrite, options: { ifMatch?: string | undefined }): Promise<Company>;
  /**
   * Create-or-update by external ref, as for contacts (no `externalRefs` in the body, no
   * If-Match, no `match`). The company reference documents no such operation: the path is
   * the contacts' one by analogy (docs/VENDOR-BEHAVIOUR.md marks it a guess).
   */
  upsertCompanyByExternalRef(
    namespace: string,
    externalId: string,
    body: CompanyWrite,
    options?: { revive?: boolean },
  ): Promise<{ company: Company; action: UpsertAction }>;
  deleteCompany(id: string, options?: { ifMatch?: string | undefined }): Promise<void>;
}

/** Contact–company links: who works where. A link's `isPrimary` is written here, read on the contact. */
export interface PropstreetLinksApi {
  listLinks(options?: ListLinksOptions): AsyncIterable<LinkPage>;
  /** A live link between the same contact and company already exists: ConflictError. */
  createLink(body: LinkCreate): Promise<Link>;
  /** If-Match is required here (the reference): a stale one throws PreconditionFailedError. */
  patchLink(id: string, patch: LinkPatch, options: { ifMatch: string }): Promise<Link>;
  deleteLink(id: string, options?: { ifMatch?: string | undefined }): Promise<void>;
}

export interface PropstreetAccountApi {
  /** The organisation this token reaches (one read); null when the API does not say. */
  identity(): Promise<AccountIdentity | null>;
  /** Calls made by this client, by kind ('read' | 'write'), for run reports and benchmarks. */
  usage(): { readonly calls: Readonly<Record<string, number>> };
}

export interface PropstreetApi
  extends PropstreetContactsApi,
    PropstreetCompaniesApi,
    PropstreetLinksApi,
    PropstreetAccountApi {}
