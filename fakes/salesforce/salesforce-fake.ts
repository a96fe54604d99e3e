/**
 * A Salesforce REST fake faithful enough for jsforce 3.10.16 over real HTTP: bearer sessions that
 * expire after `sessionLifetimeMs` or on `expireToken()` (401 INVALID_SESSION_ID) and refresh at
 * /services/oauth2/token (400 invalid_grant once the refresh token is revoked), a daily API counter in
 * `Sforce-Limit-Info` on every response (403 REQUEST_LIMIT_EXCEEDED past it), Contact and Account
 * records, collections, SOQL query/queryAll with paging, and a control API. See README.md for sources.
 */
import { type FakeRequest, type FakeResponse, type HttpFake, startHttpFake } from '../shared/http-fake.js';
import { type ChangeEvent, ChangeEventLog, type ChangeEventOptions } from './change-events.js';
import { type CometdFaults, type CometdOptions, CometdServer } from './cometd-server.js';
import { controlRoute } from './control-routes.js';
import { createControl, type SalesforceFakeControl, type SeedContact } from './fake-control.js';
import { FakeOrg, type FakeOrgOptions, json, notFoundResource, sfError } from './fake-org.js';
import { restRoute } from './rest-router.js';

export interface SalesforceFakeOptions extends FakeOrgOptions {
  /** Seed of the fault injector's random numbers. */
  readonly seed?: number;
  readonly contacts?: readonly SeedContact[];
  readonly accounts?: readonly SeedContact[];
  readonly port?: number;
  /** Change Data Capture: event retention (72 h) and the objects selected (Contact, Account). */
  readonly changeEvents?: ChangeEventOptions;
  /** The Streaming API endpoint: how long `/meta/connect` is held (110 s, as Salesforce). */
  readonly cometd?: CometdOptions;
}

/** Change Data Capture on the fake: the event bus and the streaming endpoint's fault knobs. */
export interface SalesforceFakeCdc extends CometdFaults {
  /** Every change event still retained, oldest first. */
  events(): readonly ChangeEvent[];
  /** Calls `listener` with each new change event; returns the unsubscribe. */
  onEvent(listener: (e: ChangeEvent) => void): () => void;
  /** Streaming clients with a session. */
  clientCount(): number;
}

export interface SalesforceFake {
  readonly url: string;
  readonly http: HttpFake;
  readonly control: SalesforceFakeControl;
  readonly version: string;
  /** The org's id, as `SELECT Id FROM Organization` answers it. */
  readonly orgId: string;
  /** A token that is valid now (changes after a refresh or `control.expireToken()`). */
  readonly accessToken: string;
  /** The refresh token the fake accepts at the start. */
  readonly refreshToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly cdc: SalesforceFakeCdc;
  close(): Promise<void>;
}

const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function tokenRoute(org: FakeOrg, req: FakeRequest): FakeResponse {
  const form = new URLSearchParams(req.rawBody);
  const grant = form.get('grant_type');
  if (req.method !== 'POST' || grant !== 'refresh_token') {
    return json(400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  }
  const secret = form.get('client_secret');
  if (
    org.refreshToken === null ||
    form.get('refresh_token') !== org.refreshToken ||
    form.get('client_id') !== org.clientId ||
    (secret !== null && secret !== org.clientSecret)
  ) {
    return json(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
  }
  const rotated = org.rotateRefreshToken();
  return json(200, {
    access_token: org.issueToken(),
    ...(rotated ? { refresh_token: rotated } : {}),
    instance_url: org.url,
    id: `${org.url}/id/${org.orgId}/${org.apiUserId}`,
    token_type: 'Bearer',
    issued_at: String(Date.now()),
    signature: 'ZmFrZS1zaWduYXR1cmU=',
    scope: 'api refresh_token',
  });
}

function countRecords(req: FakeRequest): number {
  const records = (req.body as { records?: unknown } | undefined)?.records;
  if (Array.isArray(records)) return records.length;
  const ids = req.query.get('ids');
  return ids ? ids.split(',').length : 1;
}

/** `changeOrigin` of a REST change: the API, its version and the `Sforce-Call-Options` client. */
function restOrigin(req: FakeRequest, version: string): string {
  const client = /(?:^|,)\s*client=([^,]+)/.exec(String(req.headers['sforce-call-options'] ?? ''))?.[1];
  return `com/salesforce/api/rest/${version}${client ? `;client=${client.trim()}` : ''}`;
}

function dataRoute(org: FakeOrg, cdc: ChangeEventLog, req: FakeRequest): FakeResponse {
  if (req.path === '/services/data' || req.path === '/services/data/') {
    // The versions list is free and needs no session.
    return json(
      200,
      ['58.0', '59.0', '60.0', '61.0', org.version].map((v) => ({
        label: `v${v}`,
        url: `/services/data/v${v}`,
        version: v,
      })),
    );
  }
  const m = /^\/services\/data\/v(\d+\.\d)(\/.*)?$/.exec(req.path);
  if (!m) return notFoundResource();
  const auth = req.headers.authorization ?? '';
  const token = /^(Bearer|OAuth)\s+(.+)$/i.exec(auth)?.[2];
  const limit = org.limitHeader();
  if (!token || !org.isLive(token)) {
    return {
      ...sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
      headers: { 'content-type': 'application/json;charset=UTF-8', ...limit },
    };
  }
  if (org.used >= org.dailyLimit) {
    const res = sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    return { ...res, headers: { ...res.headers, ...limit } };
  }
  org.used++;
  const version = m[1] as string;
  const res = cdc.inRequest(restOrigin(req, version), () => restRoute(org, req, m[2] ?? '', version));
  return { ...res, headers: { ...(res.headers ?? {}), ...org.limitHeader() } };
}

export async function startSalesforceFake(options: SalesforceFakeOptions = {}): Promise<SalesforceFake> {
  const org = new FakeOrg(options);
  const control = createControl(org);
  const cdc = new ChangeEventLog(org.clock, org.objects, options.changeEvents);
  let http: HttpFake | undefined;
  const cometd = new CometdServer(cdc, (token) => org.isLive(token), {
    ...options.cometd,
    answerLatencyMs: () => http?.faults.latencyMs() ?? 0,
  });
  if (options.accounts?.length) control.accounts.seed(options.accounts);
  if (options.contacts?.length) control.seed(options.contacts);
  const self = () => http as HttpFake;
  http = await startHttpFake({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    countRecords,
    isWrite: (req) => WRITES.has(req.method) && req.path.startsWith('/services/data'),
    handler: (req) => {
      if (req.path === '/__control/cdc') return cdcControl(cometd, cdc, req);
      if (req.path.startsWith('/__control/')) return controlRoute(control, self, req);
      if (req.path === '/services/oauth2/token') return tokenRoute(org, req);
      if (req.path.startsWith('/cometd/')) return cometd.handle(req);
      return dataRoute(org, cdc, req);
    },
  });
  org.url = http.url;
  return {
    url: http.url,
    http,
    control,
    version: org.version,
    orgId: org.orgId,
    get accessToken() {
      return org.accessToken;
    },
    refreshToken: org.refreshToken ?? '',
    clientId: org.clientId,
    clientSecret: org.clientSecret,
    cdc: {
      events: () => cdc.retained(),
      onEvent: (listener) => cdc.onEvent(listener),
      clientCount: () => cometd.clientCount(),
      rejectHandshakes: (n) => cometd.rejectHandshakes(n),
      duplicateNext: (n) => cometd.duplicateNext(n),
      dropClients: () => cometd.dropClients(),
    },
    close: async () => {
      cometd.dropClients();
      await self().close();
    },
  };
}

/** `GET /__control/cdc`: the retained events; `POST /__control/cdc {rejectHandshakes?, duplicateNext?, dropClients?}`. */
function cdcControl(cometd: CometdServer, cdc: ChangeEventLog, req: FakeRequest): FakeResponse {
  if (req.method === 'GET') return json(200, { clients: cometd.clientCount(), events: cdc.retained() });
  const body = (req.body ?? {}) as {
    rejectHandshakes?: number;
    duplicateNext?: number;
    dropClients?: boolean;
  };
  if (typeof body.rejectHandshakes === 'number') cometd.rejectHandshakes(body.rejectHandshakes);
  if (typeof body.duplicateNext === 'number') cometd.duplicateNext(body.duplicateNext);
  if (body.dropClients) cometd.dropClients();
  return json(200, { clients: cometd.clientCount() });
}
