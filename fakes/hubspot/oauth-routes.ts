/**
 * HubSpot OAuth for one installed app: `POST /oauth/v1/token` with
 * `grant_type=refresh_token&client_id&client_secret&refresh_token` (form-encoded) answers
 * `{token_type, refresh_token, access_token, expires_in}` (HubSpot: 1800 s; here
 * `accessTokenLifetimeSeconds`). An access token used after its lifetime gets HubSpot's 401
 * `{status:"error", message:"The OAuth token used to make this call expired N minute(s) ago.",
 * category:"EXPIRED_AUTHENTICATION"}`; a revoked or unknown refresh token gets 400
 * `{status:"BAD_REFRESH_TOKEN", message:"missing or invalid refresh token"}`. Sources in README.md.
 * Tokens the app did not issue (private-app tokens) are left to the router's own check.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { errorResponse } from './fake-errors.js';

export const OAUTH_TOKEN_PATH = '/oauth/v1/token';

export interface FakeOAuthApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

const HUBSPOT_FAKE_OAUTH_APP: FakeOAuthApp = {
  clientId: 'hs-fake-client-0000-1111-2222',
  clientSecret: 'hs-fake-client-secret-0123456789',
  refreshToken: 'na1-fake-refresh-0123-4567-89ab',
};

export interface FakeOAuthOptions {
  readonly app?: FakeOAuthApp;
  /** `expires_in` of issued access tokens; HubSpot's is 1800. */
  readonly accessTokenLifetimeSeconds?: number;
  /** Time source (ms) for expiry; default Date.now. */
  readonly now?: () => number;
}

export class FakeOAuth {
  readonly app: FakeOAuthApp;
  lifetimeSeconds: number;
  private readonly now: () => number;
  private readonly expiresAt = new Map<string, number>();
  private refreshTokenValid = true;

  constructor(options: FakeOAuthOptions = {}) {
    this.app = options.app ?? HUBSPOT_FAKE_OAUTH_APP;
    this.lifetimeSeconds = options.accessTokenLifetimeSeconds ?? 1800;
    this.now = options.now ?? Date.now;
  }

  /** The app was uninstalled: its refresh token no longer works. */
  revokeRefreshToken(): void {
    this.refreshTokenValid = false;
  }

  /** Every access token issued so far is past its lifetime now. */
  expireAccessTokens(): void {
    const now = this.now();
    for (const t of this.expiresAt.keys()) this.expiresAt.set(t, now);
  }

  /** Every access token issued (for leak scans). */
  issuedTokens(): string[] {
    return [...this.expiresAt.keys()];
  }

  reset(): void {
    this.expiresAt.clear();
    this.refreshTokenValid = true;
  }

  /** The 401 for an expired access token this app issued; undefined for a live or foreign token. */
  rejection(token: string): FakeResponse | undefined {
    const expiry = this.expiresAt.get(token);
    if (expiry === undefined || this.now() < expiry) return undefined;
    const minutes = Math.floor((this.now() - expiry) / 60_000);
    return errorResponse(
      401,
      'EXPIRED_AUTHENTICATION',
      `The OAuth token used to make this call expired ${minutes} minute(s) ago.`,
    );
  }

  token(req: FakeRequest): FakeResponse {
    const form = new URLSearchParams(req.rawBody);
    if (req.method !== 'POST' || form.get('grant_type') !== 'refresh_token')
      // Only the refresh grant is modelled (the authorization-code step happens at install).
      return badRequest('BAD_GRANT_TYPE', 'missing or unsupported grant_type');
    if (form.get('client_id') !== this.app.clientId)
      return badRequest('BAD_CLIENT_ID', 'missing or invalid client id');
    if (form.get('client_secret') !== this.app.clientSecret)
      return badRequest('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    if (!this.refreshTokenValid || form.get('refresh_token') !== this.app.refreshToken)
      return badRequest('BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    const accessToken = `CN-fake-${randomBytes(24).toString('base64url')}`;
    this.expiresAt.set(accessToken, this.now() + this.lifetimeSeconds * 1000);
    return {
      status: 200,
      body: {
        token_type: 'bearer',
        refresh_token: this.app.refreshToken,
        access_token: accessToken,
        expires_in: this.lifetimeSeconds,
      },
    };
  }
}

function badRequest(status: string, message: string): FakeResponse {
  return { status: 400, body: { status, message, correlationId: randomUUID() } };
}
