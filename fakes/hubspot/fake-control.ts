/**
 * The fake's control surface: what a test (or a user in the HubSpot UI) does behind the
 * adapter's back. Acts on the store directly, so it never counts against rate limits.
 */
import type { HttpFake, RequestLogEntry } from '../shared/http-fake.js';
import { optionsOf, type PropertyType } from './contact-properties.js';
import type { SeedContact, StoredContact, WireValue } from './contact-store.js';
import type { FakeContext, RejectOptions } from './fake-context.js';
import type { FakeRateLimitOptions, FakeRateLimits } from './fake-rate-limits.js';
import type { FakeOAuth } from './oauth-routes.js';

export interface DumpedContact {
  readonly id: string;
  readonly properties: Readonly<Record<string, string>>;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly archived: boolean;
  readonly archivedAt?: string;
}

export interface HubSpotFakeControl {
  /** Bulk load (100k in well under a second); returns the new ids in input order. */
  seed(contacts: readonly SeedContact[]): string[];
  createAsUser(properties: Readonly<Record<string, string | null>>): string;
  editAsUser(id: string, properties: Readonly<Record<string, string | null>>): void;
  deleteAsUser(id: string): void;
  /** Merges `mergedId` into `primaryId` as HubSpot does: returns the new merged record's id. */
  mergeAsUser(primaryId: string, mergedId: string): string;
  /** Fix server time (ms or ISO), so writes share one `lastmodifieddate`; null: wall time. */
  setClock(at: number | string | null): void;
  advanceClock(ms: number): void;
  now(): number;
  /** Every stored property, archived records included; merged-away records are gone. */
  get(id: string): DumpedContact | undefined;
  dump(): DumpedContact[];
  /** Creates a custom contact property, as setup would (e.g. the key with hasUniqueValue). */
  defineProperty(def: {
    name: string;
    label?: string;
    type?: PropertyType;
    hasUniqueValue?: boolean;
    /** Values of an enumeration (`type: 'enumeration'`); writes of anything else fail. */
    options?: readonly string[];
  }): void;
  /** Replaces an enumeration's options, as a portal admin editing e.g. `hs_language` would. */
  setPropertyOptions(name: string, values: readonly string[]): void;
  hasProperty(name: string): boolean;
  /** Rejects batch create/update/upsert inputs whose written values (an upsert-create adds its key) match; returns a remover. */
  rejectWhen(
    when: (properties: Readonly<Record<string, WireValue>>) => boolean,
    options?: RejectOptions,
  ): () => void;
  clearRejections(): void;
  setTraceIdMultiStatus(mode: 'create-only' | 'all-batch-writes'): void;
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
}

function dumpContact(c: StoredContact): DumpedContact {
  return {
    id: c.id,
    properties: { ...c.props },
    createdAt: new Date(c.createdAt).toISOString(),
    updatedAt: new Date(c.updatedAt).toISOString(),
    archived: c.archived,
    ...(c.archivedAt === undefined ? {} : { archivedAt: new Date(c.archivedAt).toISOString() }),
  };
}

export function createControl(
  ctx: FakeContext,
  limits: FakeRateLimits,
  http: () => HttpFake,
): HubSpotFakeControl {
  const { store } = ctx;
  let nextRejection = 1;
  const live = (id: string) => {
    const c = store.getLive(id);
    if (!c) throw new Error(`hubspot fake: no live contact ${id}`);
    return c;
  };
  const checked = (props: Readonly<Record<string, string | null>>, selfId?: string) => {
    const issues = store.validate(props);
    if (issues.length > 0) throw new Error(`hubspot fake: ${issues.map((i) => i.message).join('; ')}`);
    const clash = store.conflict(props, selfId);
    if (clash) throw new Error(`hubspot fake: unique value clash (${clash.kind})`);
  };
  return {
    seed: (contacts) => store.seed(contacts),
    createAsUser(properties) {
      checked(properties);
      return store.create(properties).id;
    },
    editAsUser(id, properties) {
      const c = live(id);
      checked(properties, id);
      store.update(c, properties);
    },
    deleteAsUser: (id) => store.archive(live(id)),
    mergeAsUser: (primaryId, mergedId) => store.merge(live(primaryId), live(mergedId)).id,
    setClock: (at) => store.setClock(at),
    advanceClock: (ms) => store.advanceClock(ms),
    now: () => store.now(),
    get(id) {
      const c = store.contacts.get(id);
      return c ? dumpContact(c) : undefined;
    },
    dump: () => [...store.contacts.values()].map(dumpContact),
    defineProperty(def) {
      store.defineProperty({
        name: def.name,
        label: def.label ?? def.name,
        type: def.type ?? (def.options ? 'enumeration' : 'string'),
        fieldType: def.options ? 'select' : 'text',
        groupName: 'contactinformation',
        hasUniqueValue: def.hasUniqueValue ?? false,
        readOnly: false,
        hubspotDefined: false,
        createdAt: new Date().toISOString(),
        options: optionsOf((def.options ?? []).map((v) => [v, v] as const)),
      });
    },
    setPropertyOptions(name, values) {
      const def = store.property(name);
      if (def?.type !== 'enumeration') throw new Error(`hubspot fake: ${name} is not an enumeration`);
      const labels = new Map(def.options.map((o) => [o.value, o.label]));
      store.defineProperty({
        ...def,
        options: optionsOf(values.map((v) => [v, labels.get(v) ?? v] as const)),
      });
    },
    hasProperty: (name) => store.property(name) !== undefined,
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
  };
}
