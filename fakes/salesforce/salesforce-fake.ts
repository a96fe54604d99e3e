/**
 * A Salesforce REST fake faithful enough for jsforce 3.10.16 over real HTTP: bearer sessions that
 * expire after `sessionLifetimeMs` or on `expireToken()` (401 INVALID_SESSION_ID) and refresh at
 * /services/oauth2/token (400 invalid_grant once the refresh token is revoked), a daily API counter in
 * `Sforce-Limit-Info` on every response (403 REQUEST_LIMIT_EXCEEDED past it), Contact and Account
 * records, collections, SOQL query/queryAll with paging, and a control API. See README.md for sources.
 */
import { type FakeRequest, type FakeResponse, type HttpFake, startHttpFake } from '../shared/http-fake.js';
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

function dataRoute(org: FakeOrg, req: FakeRequest): FakeResponse {
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
  const res = restRoute(org, req, m[2] ?? '', m[1] as string);
  return { ...res, headers: { ...(res.headers ?? {}), ...org.limitHeader() } };
}

export async function startSalesforceFake(options: SalesforceFakeOptions = {}): Promise<SalesforceFake> {
  const org = new FakeOrg(options);
  const control = createControl(org);
  if (options.accounts?.length) control.accounts.seed(options.accounts);
  if (options.contacts?.length) control.seed(options.contacts);
  let http: HttpFake | undefined;
  const self = () => http as HttpFake;
  http = await startHttpFake({
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    countRecords,
    isWrite: (req) => WRITES.has(req.method) && req.path.startsWith('/services/data'),
    handler: (req) => {
      if (req.path.startsWith('/__control/')) return controlRoute(control, self, req);
      if (req.path === '/services/oauth2/token') return tokenRoute(org, req);
      return dataRoute(org, req);
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
    close: () => self().close(),
  };
}
