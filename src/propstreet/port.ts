/** The PropstreetApi port: what the engine needs of Propstreet. The undici client implements it. */
import type { AccountIdentity } from '../core/account-identity.js';
import type { Contact, ContactWrite } from './schema.js';

export interface ListContactsOptions {
  readonly updatedSince?: string | undefined;
  readonly includeDeleted?: boolean;
  readonly pageSize?: number;
  /** Resume from a cursor saved from an earlier page. */
  readonly cursor?: string | undefined;
  readonly signal?: AbortSignal;
}

/** A contact in a page that failed validation: isolated, reported, never a crash. */
export interface InvalidContact {
  readonly id: string | undefined;
  readonly jsonPath: string;
  readonly message: string;
}

export interface ContactPage {
  readonly contacts: readonly Contact[];
  readonly invalid: readonly InvalidContact[];
  /** Cursor for the page after this one; null on the last page. */
  readonly nextCursor: string | null;
}

export type UpsertAction = 'created' | 'updated' | 'revived';

export interface PropstreetApi {
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
  /** If-Match is best-effort on DELETE: a stale one throws PreconditionFailedError. */
  deleteContact(id: string, options?: { ifMatch?: string | undefined }): Promise<void>;
  /** The organisation this token reaches (one read); null when the API does not say. */
  identity(): Promise<AccountIdentity | null>;
  /** Calls made by this client, by kind ('read' | 'write'), for run reports and benchmarks. */
  usage(): { readonly calls: Readonly<Record<string, number>> };
}
