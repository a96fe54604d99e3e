/**
 * A HubSpot CRM fake (contacts and companies) on a real HTTP server, faithful enough that the
 * real `@hubspot/api-client` runs against it unmodified (basePath = fake.url). What was checked
 * against what is in README.md next to this file.
 */
import { type HttpFake, startHttpFake } from '../shared/http-fake.js';
import { newPortalId } from './account-routes.js';
import { handleApi } from './api-router.js';
import { AssociationStore } from './association-store.js';
import { handleControl } from './control-routes.js';
import type { FakeContext } from './fake-context.js';
import { createControl, type HubSpotFakeControl } from './fake-control.js';
import { DEFAULT_RATE_LIMIT, type FakeRateLimitOptions, FakeRateLimits } from './fake-rate-limits.js';
import { FakeOAuth, type FakeOAuthOptions, isOAuthTokenPath } from './oauth-routes.js';
import type { PropertyInput } from './object-control.js';
import { OBJECT_SCHEMAS } from './object-schema.js';
import { ObjectStore, type SeedRecord } from './object-store.js';
import { PortalClock } from './portal-clock.js';
import { createHubspotWebhooks, type HubspotWebhooks } from './webhooks.js';
import { isRecord } from './wire.js';

export interface HubSpotFakeOptions {
  /** Ten-secondly bucket and daily allowance (default 190 / 10 s, 625,000 a day). */
  readonly rateLimit?: Partial<FakeRateLimitOptions>;
  /** Search requests per second (HubSpot: 5). */
  readonly searchPerSecond?: number;
  /** How long a write takes to show in search (default 0). */
  readonly searchIndexDelayMs?: number;
  /** Seed of the fault injector's random numbers. */
  readonly seed?: number;
  /** Contacts present from the start. */
  readonly contacts?: readonly SeedRecord[];
  /** Companies present from the start. */
  readonly companies?: readonly SeedRecord[];
  /** Custom contact properties present from the start, e.g. `[{name:'propstreet_id', hasUniqueValue:true}]`. */
  readonly customProperties?: readonly PropertyInput[];
  /** Custom company properties present from the start. */
  readonly companyProperties?: readonly PropertyInput[];
  readonly port?: number;
  /** The portal id `/account-info/v3/details` answers; default: random per instance. */
  readonly portalId?: number;
  /** The installed OAuth app and its token lifetime (default 1800 s, HubSpot's). */
  readonly oauth?: FakeOAuthOptions;
}

export interface HubSpotFake {
  readonly url: string;
  readonly portalId: number;
  readonly http: HttpFake;
  readonly control: HubSpotFakeControl;
  /** The OAuth app: credentials, lifetime, revocation. */
  readonly oauth: FakeOAuth;
  /** Webhook subscriptions of the app: every change is sent to each (webhooks.ts); none by default. */
  readonly webhooks: HubspotWebhooks;
  close(): Promise<void>;
}

/** Search and batch read are POSTs that change nothing. */
const READ_ONLY_POST = /\/(search|batch\/read)$/;

export async function startHubSpotFake(options: HubSpotFakeOptions = {}): Promise<HubSpotFake> {
  const clock = new PortalClock();
  const delay = options.searchIndexDelayMs ?? 0;
  const associations = new AssociationStore();
  const objects = {
    contacts: new ObjectStore(OBJECT_SCHEMAS.contacts, clock, delay),
    companies: new ObjectStore(OBJECT_SCHEMAS.companies, clock, delay),
  };
  // HubSpot's rollup of a company's contact associations, worked out when read.
  objects.companies.calculate('num_associated_contacts', (c) =>
    String(associations.contactCount(c.id, (contact) => objects.contacts.getLive(contact) !== undefined)),
  );
  // A merge keeps the merged records' associations on the new record.
  for (const store of Object.values(objects))
    store.onMerged = (oldId, intoId) => associations.moveRecord(store.schema.objectType, oldId, intoId);
  const portalId = newPortalId(options.portalId);
  const ctx: FakeContext = {
    clock,
    objects,
    associations,
    rejections: [],
    traceIdMultiStatus: 'create-only',
    duplicateBody: 'object-already-exists',
    deniedScopes: new Set(),
    acceptedTokens: null,
    portalId,
    oauth: new FakeOAuth({ hubId: portalId, ...options.oauth }),
  };
  const webhooks = createHubspotWebhooks(Object.values(objects), associations, ctx.portalId);
  const limits = new FakeRateLimits(
    { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
    options.searchPerSecond ?? 5,
  );
  let http: HttpFake | undefined;
  const getHttp = () => {
    if (!http) throw new Error('hubspot fake not started');
    return http;
  };
  const control = createControl(ctx, limits, getHttp);
  for (const p of options.customProperties ?? []) control.contacts.defineProperty(p);
  for (const p of options.companyProperties ?? []) control.companies.defineProperty(p);
  if (options.contacts) control.contacts.seed(options.contacts);
  if (options.companies) control.companies.seed(options.companies);
  http = await startHttpFake({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.port === undefined ? {} : { port: options.port }),
    handler: (req) => {
      const out = req.path.startsWith('/__control')
        ? (webhooks.handle(req) ?? handleControl(control, getHttp, req))
        : isOAuthTokenPath(req.path)
          ? ctx.oauth.token(req)
          : webhooks.asIntegration(() => handleApi(ctx, limits, req));
      return { ...out, headers: { 'Content-Type': 'application/json', ...(out.headers ?? {}) } };
    },
    countRecords: (req) =>
      isRecord(req.body) && Array.isArray(req.body.inputs) ? req.body.inputs.length : 1,
    isWrite: (req) =>
      req.method !== 'GET' &&
      !req.path.startsWith('/__control') &&
      !isOAuthTokenPath(req.path) &&
      !READ_ONLY_POST.test(req.path),
  });
  const started = http;
  return {
    url: started.url,
    portalId: ctx.portalId,
    http: started,
    control,
    oauth: ctx.oauth,
    webhooks,
    close: () => {
      webhooks.unsubscribe();
      return started.close();
    },
  };
}
