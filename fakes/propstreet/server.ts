/**
 * A faithful HTTP fake of the Propstreet network API — contacts, companies and the links
 * between them (see README.md beside this file) — on the shared http-fake base: bearer auth,
 * per-token rate limits with RateLimit-* headers, problem+json errors, keyset paging, ETags,
 * soft deletes and external-ref upserts.
 *
 * The same control surface is offered in process (the returned object) and over HTTP under
 * `/__control/…` (control.ts) for the demo and child processes.
 */
import { createHash } from 'node:crypto';
import {
  type FakeRequest,
  type FakeResponse,
  type HttpFake,
  type RequestLogEntry,
  startHttpFake,
} from '../shared/http-fake.js';
import { type FakeOrganisation, handleMe, ME_PATH, newOrganisation } from './auth-me.js';
import { COMPANIES_PATH, handleCompanies } from './companies-api.js';
import type { FakeCompany, FakeLink, SeedCompany, SeedLink, ValidCompanyWrite } from './company-types.js';
import { validateCompanyWrite } from './company-validation.js';
import type { FakeContact, SeedContact, ValidWrite } from './contact-types.js';
import { validateWrite } from './contact-validation.js';
import { CONTACTS_PATH, type ContactKnobs, handleContacts } from './contacts-api.js';
import { CONTROL_PATH, handleControl } from './control.js';
import { wireStamps } from './fake-time.js';
import { type GenerateOptions, generateCompanies, generateContacts, planLinks } from './generate.js';
import { handleLinks, LINKS_PATH } from './links-api.js';
import { FakeNetwork, type LinkPatch, type RelationBumps } from './network.js';
import { problem } from './problem.js';
import { RateWindows } from './rate-window.js';
import { type FakeOAuthClient, handleToken, TOKEN_PATH } from './token-endpoint.js';
import type { Outcome, StaleEtagStatus } from './versioned-store.js';
import { createPropstreetWebhooks, type PropstreetWebhooks } from './webhooks.js';
import { createWebhooksApi, WEBHOOKS_API_PATH } from './webhooks-api.js';

/** The token the fake accepts when none are configured. */
export const PROPSTREET_FAKE_TOKEN = 'ps-fake-token-0123456789abcdef';
export const USER_ORIGIN = 'ui:user';
/** The OAuth client the token endpoint accepts when none are configured. */
export const PROPSTREET_FAKE_CLIENT: FakeOAuthClient = {
  clientId: 'ps-fake-client',
  clientSecret: 'ps-fake-client-secret-0123456789',
};

export interface PropstreetFakeOptions {
  /** Bearer tokens the fake accepts; default [PROPSTREET_FAKE_TOKEN]. */
  readonly tokens?: readonly string[];
  /** Requests per window per token; default 600 per 60 s (bot/OAuth tokens). */
  readonly rateLimit?: { readonly limit: number; readonly windowMs?: number };
  /** Time source for rate windows (ms); default Date.now. Tests link it to a fake client clock. */
  readonly rateNow?: () => number;
  /**
   * Rate windows to count in, shared with other instances (a harness knob, not a vendor
   * behaviour): several fakes then stand for one Propstreet whose token several tenants use.
   * `rateLimit` and `rateNow` are the shared windows' then.
   */
  readonly rateWindows?: RateWindows;
  /** OAuth clients for `POST /openid/token`; default [PROPSTREET_FAKE_CLIENT]. */
  readonly clients?: readonly FakeOAuthClient[];
  /** `expires_in` of client-credentials tokens, after which the API answers 401; default 3600. */
  readonly tokenLifetimeSeconds?: number;
  /** Time source (ms) for token expiry; default Date.now. Tests link it to a fake client clock. */
  readonly tokenNow?: () => number;
  readonly port?: number;
  /** Seed for the fault injector's randomness. */
  readonly seed?: number;
  /** The organisation `/api/v1/auth/me` names (its primary team); default: a random team id. */
  readonly organisation?: Partial<FakeOrganisation>;
}

export interface PropstreetFake {
  readonly url: string;
  readonly http: HttpFake;
  /** The first accepted token. */
  readonly token: string;
  /** This instance's organisation, as `/api/v1/auth/me` names it. */
  readonly organisation: FakeOrganisation;
  /** Webhook subscriptions: every recorded change is sent to each (webhooks.ts); none by default. */
  readonly webhooks: PropstreetWebhooks;
  /** The `changeOrigin` value that writes with `token` get. */
  originOf(token: string): string;
  /** A seed's `companies` become links (and companies it names that do not exist yet). */
  seed(contacts: readonly SeedContact[]): FakeContact[];
  seedCompanies(companies: readonly SeedCompany[]): FakeCompany[];
  /** Links between seeded contacts and companies; a contact's first link is its primary one. */
  seedLinks(links: readonly SeedLink[]): FakeLink[];
  /**
   * Seeds `count` generated contacts (and, with `companies`, that many companies and the
   * links of planLinks); returns how many contacts.
   */
  generate(count: number, options?: GenerateOptions): number;
  /** A user edit in the Propstreet UI (lists included), changeOrigin `ui:user`. */
  editAsUser(id: string, patch: ValidWrite): FakeContact;
  /** Deletes the contact and its links, as a UI user. */
  deleteAsUser(id: string): FakeContact;
  editCompanyAsUser(id: string, patch: ValidCompanyWrite): FakeCompany;
  /** Deletes the company and its links, as a UI user. */
  deleteCompanyAsUser(id: string): FakeCompany;
  /** A UI user links a contact to a company (`isPrimary` makes it the primary one). */
  linkAsUser(contactId: string, companyId: string, options?: LinkPatch): FakeLink;
  editLinkAsUser(id: string, patch: LinkPatch): FakeLink;
  unlinkAsUser(id: string): FakeLink;
  /** Freeze the data clock at an ISO time (writes then tie), or null to follow the wall clock. */
  setClock(iso: string | null): void;
  advanceClock(ms: number): void;
  /** Every contact, deleted ones included (copies, companies from links). */
  allContacts(): FakeContact[];
  contact(id: string): FakeContact | undefined;
  allCompanies(): FakeCompany[];
  company(id: string): FakeCompany | undefined;
  /** Every link, deleted ones included. */
  allLinks(): FakeLink[];
  link(id: string): FakeLink | undefined;
  /** What a link change or a company rename bumps besides itself (network.ts); default `own`. */
  setRelationBumps(mode: RelationBumps): void;
  setRateLimit(limit: number, windowMs?: number): void;
  addToken(token: string): void;
  /** 412 (the reference; default) or 409 (the errors guide) for a stale If-Match, on every resource. */
  setStaleEtagStatus(status: StaleEtagStatus): void;
  /** Body members every contact or company write then drops silently (a 2xx that does not apply them); [] ends it. */
  ignoreWriteMembers(members: readonly string[]): void;
  /**
   * The (guessed) batch upsert path answers 404 or 405 from now on, as a server without the
   * operation would; null serves it again.
   */
  setBatchUpsertMissing(status: 404 | 405 | null): void;
  /** Batch items with these external ids fail with `status` (per item; the rest apply); [] ends it. */
  failBatchItems(externalIds: readonly string[], status?: number): void;
  /** Lifetime of tokens issued from now on (seconds). */
  setTokenLifetime(seconds: number): void;
  /** Every client-credentials token issued so far stops working (the API answers 401). */
  expireIssuedTokens(): void;
  /** The token endpoint refuses this client from now on (its registration was deleted). */
  revokeClient(clientId: string): void;
  /** Requests to `POST /openid/token`. */
  tokenRequests(): RequestLogEntry[];
  /** Every client-credentials token issued (for leak scans). */
  issuedTokens(): string[];
  /** Requests to the API proper (control calls left out). */
  apiRequests(): RequestLogEntry[];
  apiWriteCount(): number;
  /** Back to the start: no records, wall clock, initial tokens and limits, no faults, empty log, no webhooks. */
  reset(): void;
  close(): Promise<void>;
}

export async function startPropstreetFake(options: PropstreetFakeOptions = {}): Promise<PropstreetFake> {
  const net = new FakeNetwork();
  const initialTokens = options.tokens ?? [PROPSTREET_FAKE_TOKEN];
  const tokens = new Set(initialTokens);
  // Client-credentials tokens expire; configured tokens (PATs, bot tokens) do not.
  const expiresAt = new Map<string, number>();
  const tokenNow = options.tokenNow ?? Date.now;
  let lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
  const revokedClients = new Set<string>();
  const rate =
    options.rateWindows ??
    new RateWindows(
      { limit: options.rateLimit?.limit ?? 600, windowMs: options.rateLimit?.windowMs ?? 60_000 },
      options.rateNow ?? Date.now,
    );
  /** Issued token → the OAuth client it was issued to (its rate window). */
  const clientOf = new Map<string, string>();
  const originOf = (token: string) => `api:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`;
  const copy = <T>(v: T): T => structuredClone(v);
  const knobs: ContactKnobs = { ignoredMembers: new Set(), batch: { missing: null, failItems: new Map() } };
  const organisation = newOrganisation(options.organisation);
  const webhooks = createPropstreetWebhooks(net);
  const webhooksApi = createWebhooksApi(webhooks);

  const must = <T>(what: string, o: Outcome<T>): T => {
    if (!o.ok) throw new Error(`${what} failed: ${o.status} ${o.detail}`);
    return o.record;
  };
  const exists = (what: string, record: unknown, id: string): void => {
    if (!record) throw new Error(`no ${what} ${id}`);
  };
  const contactCopy = (c: FakeContact) => copy(net.contactView(c));
  const companyCopy = (k: FakeCompany) => copy(net.companyView(k));

  let fake: PropstreetFake | undefined;
  const handler = (req: FakeRequest): FakeResponse | Promise<FakeResponse> => {
    if (req.path.startsWith(CONTROL_PATH))
      return webhooks.handle(req) ?? handleControl(fake as PropstreetFake, req);
    if (req.path === TOKEN_PATH) {
      const clients = (options.clients ?? [PROPSTREET_FAKE_CLIENT]).filter(
        (c) => !revokedClients.has(c.clientId),
      );
      const issue = (t: string, clientId: string) => {
        tokens.add(t);
        expiresAt.set(t, tokenNow() + lifetimeSeconds * 1000);
        clientOf.set(t, clientId);
      };
      return handleToken(req, clients, issue, lifetimeSeconds);
    }
    const auth = req.headers.authorization ?? '';
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim();
    if (!token || !tokens.has(token))
      return problem(401, 'A valid bearer token is required.', req.path, {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    const expiry = expiresAt.get(token);
    if (expiry !== undefined && tokenNow() >= expiry)
      // RFC 6750 §3.1: an expired token is `invalid_token`; Propstreet does not document its text.
      return problem(401, 'The access token expired.', req.path, {
        headers: {
          'WWW-Authenticate': 'Bearer error="invalid_token", error_description="The access token expired"',
        },
      });
    // The limit is the caller's (P9, P10: "OAuth Client (Bot User) | 600 req/min"): every token
    // a client is issued draws on one window; a configured token is a caller of its own.
    const decision = rate.take(clientOf.has(token) ? `client:${clientOf.get(token)}` : token);
    if (!decision.allowed) {
      const wait = decision.headers['Retry-After'];
      return problem(429, `Rate limit exceeded. Please retry after ${wait} seconds.`, req.path, {
        headers: decision.headers,
      });
    }
    const under = (base: string) => req.path === base || req.path.startsWith(`${base}/`);
    const origin = originOf(token);
    if (under(WEBHOOKS_API_PATH))
      return webhooksApi(req).then((res) => ({
        ...res,
        headers: { ...decision.headers, ...(res.headers ?? {}) },
      }));
    const res = under(CONTACTS_PATH)
      ? handleContacts(net, req, origin, knobs)
      : under(COMPANIES_PATH)
        ? handleCompanies(net, req, origin, knobs)
        : under(LINKS_PATH)
          ? handleLinks(net, req, origin)
          : req.path === ME_PATH
            ? handleMe(organisation, req, `bot-${origin.slice(4)}`)
            : problem(404, 'No such resource.', req.path);
    return {
      ...res,
      headers: { ...decision.headers, ...(res.headers ?? {}) },
      ...(res.body === undefined ? {} : { body: wireStamps(res.body) }),
    };
  };

  const http = await startHttpFake({
    handler,
    contentType: () => 'application/json; charset=utf-8',
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const isApi = (r: RequestLogEntry) => r.path.startsWith('/api/');

  fake = {
    url: http.url,
    http,
    token: [...tokens][0] ?? PROPSTREET_FAKE_TOKEN,
    organisation,
    webhooks,
    originOf,
    seed: (contacts) => net.seedContacts(contacts).map(copy),
    seedCompanies: (companies) => net.companies.seed(companies).map(companyCopy),
    seedLinks: (links) => net.seedLinks(links).map(copy),
    generate(count, generateOptions = {}) {
      const batch = 10_000;
      const live: string[] = [];
      for (let k = 0; k < count; k += batch) {
        const n = Math.min(batch, count - k);
        for (const c of net.contacts.seed(generateContacts(n, generateOptions, k)))
          if (c.deletedUtc === null) live.push(c.id);
      }
      const companies = generateOptions.companies ?? 0;
      if (companies > 0) {
        const { startUtc, stepMs, namespace } = generateOptions;
        const ids = net.companies
          .seed(
            generateCompanies(companies, {
              ...(startUtc ? { startUtc } : {}),
              ...(stepMs ? { stepMs } : {}),
              ...(namespace ? { namespace } : {}),
            }),
          )
          .map((k) => k.id);
        net.seedLinks(planLinks(live, ids));
      }
      return count;
    },
    editAsUser(id, patch) {
      exists('contact', net.contacts.get(id), id);
      const v = validateWrite(patch, 'ui');
      if (!v.ok) throw new Error(`invalid user edit: ${JSON.stringify(v.errors)}`);
      return contactCopy(must('user edit', net.contacts.update(id, v.write, USER_ORIGIN)));
    },
    deleteAsUser(id) {
      exists('contact', net.contacts.get(id), id);
      return contactCopy(must('user delete', net.deleteContact(id, USER_ORIGIN)));
    },
    editCompanyAsUser(id, patch) {
      const before = net.companies.get(id);
      exists('company', before, id);
      const v = validateCompanyWrite(patch, 'ui');
      if (!v.ok) throw new Error(`invalid user edit: ${JSON.stringify(v.errors)}`);
      const o = net.companies.update(id, v.write, USER_ORIGIN);
      net.companyWritten(before, o, USER_ORIGIN);
      return companyCopy(must('user company edit', o));
    },
    deleteCompanyAsUser(id) {
      exists('company', net.companies.get(id), id);
      return companyCopy(must('user company delete', net.deleteCompany(id, USER_ORIGIN)));
    },
    linkAsUser(contactId, companyId, linkOptions = {}) {
      const link = must(
        'user link',
        net.createLink(contactId, companyId, linkOptions.jobTitle ?? null, USER_ORIGIN),
      );
      if (linkOptions.isPrimary === true)
        return copy(must('user link', net.patchLink(link.id, { isPrimary: true }, USER_ORIGIN, link.etag)));
      return copy(link);
    },
    editLinkAsUser(id, patch) {
      const link = net.links.get(id);
      exists('link', link, id);
      return copy(must('user link edit', net.patchLink(id, patch, USER_ORIGIN, link?.etag)));
    },
    unlinkAsUser(id) {
      exists('link', net.links.get(id), id);
      return copy(must('user unlink', net.deleteLink(id, USER_ORIGIN)));
    },
    setClock: (iso) => net.db.time.set(iso),
    advanceClock: (ms) => net.db.time.advance(ms),
    allContacts: () => net.contacts.all().map(contactCopy),
    contact: (id) => {
      const c = net.contacts.get(id);
      return c ? contactCopy(c) : undefined;
    },
    allCompanies: () => net.companies.all().map(companyCopy),
    company: (id) => {
      const k = net.companies.get(id);
      return k ? companyCopy(k) : undefined;
    },
    allLinks: () => net.links.all().map(copy),
    link: (id) => {
      const l = net.links.get(id);
      return l ? copy(l) : undefined;
    },
    setRelationBumps: (mode) => {
      net.bumps = mode;
    },
    setRateLimit: (limit, windowMs) => rate.configure(limit, windowMs),
    addToken: (token) => void tokens.add(token),
    setStaleEtagStatus: (status) => {
      net.db.staleEtagStatus = status;
    },
    ignoreWriteMembers: (members) => {
      knobs.ignoredMembers.clear();
      for (const m of members) knobs.ignoredMembers.add(m);
    },
    setBatchUpsertMissing: (status) => {
      knobs.batch.missing = status;
    },
    failBatchItems: (externalIds, status = 400) => {
      knobs.batch.failItems.clear();
      for (const id of externalIds) knobs.batch.failItems.set(id, status);
    },
    setTokenLifetime(seconds) {
      lifetimeSeconds = seconds;
    },
    expireIssuedTokens() {
      const now = tokenNow();
      for (const t of expiresAt.keys()) expiresAt.set(t, now);
    },
    revokeClient: (clientId) => void revokedClients.add(clientId),
    tokenRequests: () => http.requests.filter((r) => r.path === TOKEN_PATH),
    issuedTokens: () => [...expiresAt.keys()],
    apiRequests: () => http.requests.filter(isApi),
    apiWriteCount: () => http.requests.filter((r) => isApi(r) && r.method !== 'GET').length,
    reset() {
      webhooks.unsubscribe();
      net.reset();
      knobs.ignoredMembers.clear();
      knobs.batch.missing = null;
      knobs.batch.failItems.clear();
      rate.reset();
      tokens.clear();
      for (const t of initialTokens) tokens.add(t);
      expiresAt.clear();
      revokedClients.clear();
      lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
      http.faults.clear();
      http.requests.length = 0;
    },
    close: () => {
      webhooks.unsubscribe();
      return http.close();
    },
  };
  return fake;
}
