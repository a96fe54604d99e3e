/**
 * The state of one fake org (data, clock, tokens, API usage) and the response helpers every route
 * uses. Errors are always `application/json` `[{message, errorCode, fields?}]`, like Salesforce's.
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { AccountContactRelationSchema } from './account-contact-relation-schema.js';
import { AccountSchema } from './account-schema.js';
import { ContactSchema } from './contact-schema.js';
import { allowSaveFrom } from './duplicate-rule.js';
import { FakeClock } from './fake-clock.js';
import {
  ACCOUNT_BEHAVIOUR,
  ACCOUNT_CONTACT_RELATION_BEHAVIOUR,
  CONTACT_BEHAVIOUR,
} from './object-behaviours.js';
import { relateContactsToAccounts } from './org-relations.js';
import { QueryService } from './query-service.js';
import { RequestError } from './save-rules.js';
import type { CustomFieldOptions } from './sobject-schema.js';
import { SObjectStore, type WriteContext } from './sobject-store.js';

export interface FakeOrgOptions {
  readonly version?: string;
  readonly dailyLimit?: number;
  /** The key field; `null` makes an org where it was never created (setup must fail). */
  readonly externalIdField?: string | null;
  readonly users?: { readonly api?: string; readonly ui?: string };
  /** The standard-like Contact duplicate rule (default on, as in real orgs). */
  readonly duplicateRule?: boolean;
  /**
   * The Contact rule's action on edit: `report` (default, as the standard rule ships, S31) or
   * `alert` (an admin changed it: an API edit that makes a match fails unless allowSave).
   */
  readonly duplicateRuleOnEdit?: 'report' | 'alert';
  /** Account's key field (default: the same as `externalIdField`); `null`: never created on Account. */
  readonly accountExternalIdField?: string | null;
  /** The standard-like Account duplicate rule (default on, as in real orgs). */
  readonly accountDuplicateRule?: boolean;
  /** Other custom Account fields, as `customFields` for Contact. */
  readonly accountCustomFields?: readonly CustomFieldOptions[];
  /**
   * "Allow users to relate a contact to multiple accounts" (Setup → Account Settings): the org
   * has AccountContactRelation (default off: the object does not exist).
   */
  readonly contactsToMultipleAccounts?: boolean;
  /** The org's id (`SELECT Id FROM Organization`); default: random per instance. */
  readonly orgId?: string;
  readonly orgName?: string;
  /** Other custom Contact fields, e.g. one that is not unique, to try keys the run must refuse. */
  readonly customFields?: readonly CustomFieldOptions[];
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /**
   * How long a session lives after it is issued (default 2 h, Salesforce's default session
   * timeout); then the API answers 401 INVALID_SESSION_ID.
   */
  readonly sessionLifetimeMs?: number;
  /** Time source (ms) for session expiry; default Date.now (not the data clock). */
  readonly tokenNow?: () => number;
  /** Each refresh issues a new refresh token and invalidates the old one (a connected-app setting). */
  readonly rotateRefreshTokens?: boolean;
}

export class FakeOrg {
  readonly version: string;
  /** Contact's schema and store (the object most routes and tests speak of). */
  readonly schema: ContactSchema;
  readonly clock = new FakeClock();
  readonly store: SObjectStore;
  readonly accounts: SObjectStore;
  /** AccountContactRelation, when the org relates contacts to multiple accounts. */
  readonly accountContactRelations: SObjectStore | undefined;
  /** Every object the org holds. */
  readonly objects: readonly SObjectStore[];
  readonly queries: QueryService;
  readonly apiUserId: string;
  readonly uiUserId: string;
  readonly orgId: string;
  readonly orgName: string;
  /** The refresh token the token endpoint accepts now (null once revoked). */
  refreshToken: string | null;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Live sessions: access token → when it was issued (ms on `tokenNow`). */
  readonly tokens = new Map<string, number>();
  sessionLifetimeMs: number;
  readonly tokenNow: () => number;
  readonly rotateRefreshTokens: boolean;
  /** Every access and refresh token handed out by the token endpoint (for leak scans). */
  readonly issued: string[] = [];
  private refreshCounter = 0;
  dailyLimit: number;
  used = 0;
  url = '';
  private tokenCounter = 0;

  constructor(options: FakeOrgOptions = {}) {
    this.version = options.version ?? '62.0';
    const contactKey = options.externalIdField === undefined ? 'Propstreet_Id__c' : options.externalIdField;
    this.schema = new ContactSchema(contactKey, options.customFields);
    const accountKey =
      options.accountExternalIdField === undefined ? contactKey : options.accountExternalIdField;
    const accountSchema = new AccountSchema(accountKey, options.accountCustomFields);
    this.orgId = options.orgId ?? randomOrgId();
    this.orgName = options.orgName ?? 'Fake Org Inc.';
    this.store = new SObjectStore(this.schema, this.clock, () => this.version, CONTACT_BEHAVIOUR);
    this.store.duplicateRule = options.duplicateRule ?? true;
    this.store.duplicateRuleAlertsOnEdit = options.duplicateRuleOnEdit === 'alert';
    this.accounts = new SObjectStore(accountSchema, this.clock, () => this.version, ACCOUNT_BEHAVIOUR);
    this.accounts.duplicateRule = options.accountDuplicateRule ?? true;
    this.accountContactRelations = options.contactsToMultipleAccounts
      ? new SObjectStore(
          new AccountContactRelationSchema(),
          this.clock,
          () => this.version,
          ACCOUNT_CONTACT_RELATION_BEHAVIOUR,
        )
      : undefined;
    this.objects = [
      this.store,
      this.accounts,
      ...(this.accountContactRelations ? [this.accountContactRelations] : []),
    ];
    relateContactsToAccounts(this.store, this.accounts, this.accountContactRelations);
    this.queries = new QueryService(this.objects, () => ({ Id: this.orgId, Name: this.orgName }), this.clock);
    this.apiUserId = options.users?.api ?? '005000000000001AAA';
    this.uiUserId = options.users?.ui ?? '005000000000002AAA';
    this.dailyLimit = options.dailyLimit ?? 100_000;
    this.refreshToken = options.refreshToken ?? '5Aep861-fake-refresh-token';
    this.clientId = options.clientId ?? '3MVG9-fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.sessionLifetimeMs = options.sessionLifetimeMs ?? 2 * 60 * 60_000;
    this.tokenNow = options.tokenNow ?? Date.now;
    this.rotateRefreshTokens = options.rotateRefreshTokens ?? false;
    this.tokens.set(options.accessToken ?? '00D000000000001!fake-access-token-0', this.tokenNow());
  }

  /** The store of an sObject by API name (any case), or undefined for one the fake does not hold. */
  storeFor(object: string): SObjectStore | undefined {
    const name = object.toLowerCase();
    return this.objects.find((s) => s.name.toLowerCase() === name);
  }

  /** The store whose key prefix an id carries (`001` Account, `003` Contact…); Contact otherwise. */
  storeForId(id: string): SObjectStore {
    return this.objects.find((s) => s.schema.keyPrefix === id.slice(0, 3)) ?? this.store;
  }

  /** One transaction across all objects (a cascade writes to several), for allOrNone. */
  begin(): void {
    for (const s of this.objects) s.begin();
  }

  commit(): void {
    for (const s of this.objects) s.commit();
  }

  rollback(): void {
    for (const s of this.objects) s.rollback();
  }

  /** The token a test should start with: the oldest live session. */
  get accessToken(): string {
    for (const token of this.tokens.keys()) if (this.isLive(token)) return token;
    return '';
  }

  isLive(token: string): boolean {
    const issuedAt = this.tokens.get(token);
    return issuedAt !== undefined && this.tokenNow() - issuedAt < this.sessionLifetimeMs;
  }

  issueToken(): string {
    this.tokenCounter++;
    const token = `00D000000000001!fake-access-token-${this.tokenCounter}`;
    this.tokens.set(token, this.tokenNow());
    this.issued.push(token);
    return token;
  }

  /** With rotation on, the refresh token that replaces the one just used. */
  rotateRefreshToken(): string | undefined {
    if (!this.rotateRefreshTokens || this.refreshToken === null) return undefined;
    this.refreshCounter++;
    this.refreshToken = `5Aep861-fake-refresh-token-r${this.refreshCounter}`;
    this.issued.push(this.refreshToken);
    return this.refreshToken;
  }

  /** The connected app's access was revoked: the refresh token stops working. */
  revokeRefreshToken(): void {
    this.refreshToken = null;
  }

  /** Every token issued so far stops working, as when a session times out. */
  expireTokens(): void {
    this.tokens.clear();
  }

  limitHeader(): Record<string, string> {
    return { 'Sforce-Limit-Info': `api-usage=${this.used}/${this.dailyLimit}` };
  }
}

/** The context of a write through the REST API: the API user, and the duplicate-rule header. */
export function apiWriteContext(org: FakeOrg, req: FakeRequest, version: string): WriteContext {
  return {
    userId: org.apiUserId,
    api: true,
    allowSave: allowSaveFrom(req.headers['sforce-duplicate-rule-header'], version),
  };
}

/** An 18-character org id (`00D` key prefix); the 3-character suffix is not a real checksum. */
function randomOrgId(): string {
  const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const bytes = randomBytes(12);
  let body = '';
  for (const b of bytes) body += chars[b % chars.length];
  return `00D${body}AAA`;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, body, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers } };
}

export function noContent(): FakeResponse {
  return { status: 204 };
}

export function sfError(
  status: number,
  errorCode: string,
  message: string,
  fields?: readonly string[],
): FakeResponse {
  return json(status, [{ message, errorCode, ...(fields?.length ? { fields } : {}) }]);
}

export function fromRequestError(e: RequestError): FakeResponse {
  return sfError(e.status, e.errorCode, e.message, e.fields);
}

export function notFoundResource(): FakeResponse {
  return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
}

export function isRequestError(e: unknown): e is RequestError {
  return e instanceof RequestError;
}
