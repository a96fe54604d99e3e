/**
 * The fake's control surface: what a test (or a user in the HubSpot UI) does behind the
 * adapter's back. The record-level methods at the top level act on contacts (as they always
 * have); `companies` (or `objects(type)`) has the same for companies. Portal-wide knobs
 * (clock, rejections, scopes, tokens, rate limits) are here once.
 */
import type { HttpFake, RequestLogEntry } from '../shared/http-fake.js';
import type { FakeContext, RejectOptions } from './fake-context.js';
import type { FakeRateLimitOptions, FakeRateLimits } from './fake-rate-limits.js';
import type { FakeOAuth } from './oauth-routes.js';
import { createObjectControl, type HubSpotObjectControl } from './object-control.js';
import type { FakeObjectType } from './object-schema.js';
import type { WireValue } from './object-store.js';

/** Contacts' records at the top level (the original surface); companies under `companies`. */
export interface HubSpotFakeControl extends HubSpotObjectControl {
  readonly contacts: HubSpotObjectControl;
  readonly companies: HubSpotObjectControl;
  objects(type: FakeObjectType): HubSpotObjectControl;
  /** Fix server time (ms or ISO), so writes share one last-modified stamp; null: wall time. */
  setClock(at: number | string | null): void;
  advanceClock(ms: number): void;
  now(): number;
  /**
   * Rejects batch create/update/upsert inputs whose written values (an upsert-create adds its
   * key) match, of `options.objectType` only when given; returns a remover.
   */
  rejectWhen(
    when: (properties: Readonly<Record<string, WireValue>>) => boolean,
    options?: RejectOptions,
  ): () => void;
  clearRejections(): void;
  setTraceIdMultiStatus(mode: 'create-only' | 'all-batch-writes'): void;
  /** The 409 body of a taken contact email: the newer `object-already-exists` (default) or the older `conflict`. */
  setDuplicateBody(shape: 'object-already-exists' | 'conflict'): void;
  /** Scopes the token lacks (e.g. 'crm.schemas.contacts.write' → 403 on property create). */
  denyScopes(scopes: readonly string[]): void;
  /** Tokens the fake accepts; null (default) accepts any bearer token. */
  acceptTokens(tokens: readonly string[] | null): void;
  setRateLimit(options: Partial<FakeRateLimitOptions> & { searchPerSecond?: number }): void;
  resetRateLimits(): void;
  exhaustDailyLimit(): void;
  /** The request log without /__control calls. */
  apiRequests(): RequestLogEntry[];
  /** The OAuth app (token lifetime, revocation). */
  oauth(): FakeOAuth;
  /** Associates a contact with a company as a user would (primary: the contact's primary company). */
  associate(contactId: string, companyId: string, options?: { primary?: boolean }): void;
  /** Removes a contact's association with a company (every type), as a user would in the record's sidebar. */
  dissociate(contactId: string, companyId: string): void;
  /** The companies a contact is associated with, and which one is primary. */
  associatedCompanies(contactId: string): { companyId: string; primary: boolean }[];
}

export function createControl(
  ctx: FakeContext,
  limits: FakeRateLimits,
  http: () => HttpFake,
): HubSpotFakeControl {
  let nextRejection = 1;
  const contacts = createObjectControl(ctx.objects.contacts);
  const companies = createObjectControl(ctx.objects.companies);
  const byType: Record<FakeObjectType, HubSpotObjectControl> = { contacts, companies };
  return {
    ...contacts,
    contacts,
    companies,
    objects: (type) => byType[type],
    setClock: (at) => ctx.clock.setClock(at),
    advanceClock: (ms) => ctx.clock.advanceClock(ms),
    now: () => ctx.clock.now(),
    rejectWhen(when, options = {}) {
      const id = nextRejection++;
      ctx.rejections.push({ ...options, id, when });
      return () => {
        ctx.rejections = ctx.rejections.filter((r) => r.id !== id);
      };
    },
    clearRejections() {
      ctx.rejections = [];
    },
    setTraceIdMultiStatus(mode) {
      ctx.traceIdMultiStatus = mode;
    },
    setDuplicateBody(shape) {
      ctx.duplicateBody = shape;
    },
    denyScopes(scopes) {
      ctx.deniedScopes.clear();
      for (const s of scopes) ctx.deniedScopes.add(s);
    },
    acceptTokens(tokens) {
      ctx.acceptedTokens = tokens === null ? null : new Set(tokens);
    },
    setRateLimit: (options) => limits.configure(options),
    resetRateLimits: () => limits.reset(),
    exhaustDailyLimit: () => limits.exhaustDaily(),
    apiRequests: () => http().requests.filter((r) => !r.path.startsWith('/__control')),
    oauth: () => ctx.oauth,
    associate(contactId, companyId, options = {}) {
      if (!ctx.objects.contacts.getLive(contactId) || !ctx.objects.companies.getLive(companyId))
        throw new Error(`hubspot fake: no live contact ${contactId} or company ${companyId}`);
      ctx.associations.associate('contacts', contactId, companyId, options.primary ? [1] : []);
    },
    dissociate: (contactId, companyId) => ctx.associations.dissociate('contacts', contactId, [companyId]),
    associatedCompanies: (contactId) =>
      ctx.associations
        .associated('contacts', contactId)
        .map((a) => ({ companyId: a.toId, primary: a.typeIds.includes(1) })),
  };
}
