/**
 * The state of one fake org (data, clock, tokens, API usage) and the response helpers every route
 * uses. Errors are always `application/json` `[{message, errorCode, fields?}]`, like Salesforce's.
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { RequestError } from './contact-rules.js';
import { ContactSchema, type CustomFieldOptions } from './contact-schema.js';
import { ContactStore, type WriteContext } from './contact-store.js';
import { allowSaveFrom } from './duplicate-rule.js';
import { FakeClock } from './fake-clock.js';
import { QueryService } from './query-service.js';

export interface FakeOrgOptions {
  readonly version?: string;
  readonly dailyLimit?: number;
  /** The key field; `null` makes an org where it was never created (setup must fail). */
  readonly externalIdField?: string | null;
  readonly users?: { readonly api?: string; readonly ui?: string };
  /** The standard-like Contact duplicate rule (default on, as in real orgs). */
  readonly duplicateRule?: boolean;
  /** The org's id (`SELECT Id FROM Organization`); default: random per instance. */
  readonly orgId?: string;
  readonly orgName?: string;
  /** Other custom Contact fields, e.g. one that is not unique, to try keys the run must refuse. */
  readonly customFields?: readonly CustomFieldOptions[];
  readonly accessToken?: string;
  readonly refreshToken?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
}

export class FakeOrg {
  readonly version: string;
  readonly schema: ContactSchema;
  readonly clock = new FakeClock();
  readonly store: ContactStore;
  readonly queries: QueryService;
  readonly apiUserId: string;
  readonly uiUserId: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly refreshToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tokens = new Set<string>();
  dailyLimit: number;
  used = 0;
  url = '';
  private tokenCounter = 0;

  constructor(options: FakeOrgOptions = {}) {
    this.version = options.version ?? '62.0';
    this.schema = new ContactSchema(
      options.externalIdField === undefined ? 'Propstreet_Id__c' : options.externalIdField,
      options.customFields,
    );
    this.orgId = options.orgId ?? randomOrgId();
    this.orgName = options.orgName ?? 'Fake Org Inc.';
    this.store = new ContactStore(this.schema, this.clock, () => this.version);
    this.store.duplicateRule = options.duplicateRule ?? true;
    this.queries = new QueryService(this.store, this.schema, () => ({ Id: this.orgId, Name: this.orgName }));
    this.apiUserId = options.users?.api ?? '005000000000001AAA';
    this.uiUserId = options.users?.ui ?? '005000000000002AAA';
    this.dailyLimit = options.dailyLimit ?? 100_000;
    this.refreshToken = options.refreshToken ?? '5Aep861-fake-refresh-token';
    this.clientId = options.clientId ?? '3MVG9-fake-client-id';
    this.clientSecret = options.clientSecret ?? 'fake-client-secret';
    this.tokens.add(options.accessToken ?? '00D000000000001!fake-access-token-0');
  }

  /** The token a test should start with. */
  get accessToken(): string {
    return [...this.tokens][0] ?? '';
  }

  issueToken(): string {
    this.tokenCounter++;
    const token = `00D000000000001!fake-access-token-${this.tokenCounter}`;
    this.tokens.add(token);
    return token;
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
