/**
 * HubSpot OAuth for one installed app. The refresh grant, form-encoded
 * `grant_type=refresh_token&client_id&client_secret&refresh_token`, is answered on the three
 * token paths HubSpot documents: `/oauth/2026-03/token` (what its v1 migration guide points to),
 * `/oauth/v3/token` (its v3 guide) and `/oauth/v1/token` (deprecated on 16 February 2027).
 * The answer is `{token_type, refresh_token, access_token, expires_in}` (HubSpot: 1800 s; here
 * `accessTokenLifetimeSeconds`), plus `token_use`, `hub_id` and `scopes` on the two new paths.
 * An access token used after its lifetime gets HubSpot's 401 `{status:"error", message:"The
 * OAuth token used to make this call expired N minute(s) ago.", category:"EXPIRED_AUTHENTICATION"}`;
 * a refused grant gets 400 with the standardized body of HubSpot's changelog on every path:
 * RFC 6749's `error`/`error_description` beside HubSpot's `status`/`message`. Sources in
 * README.md. Tokens the app did not issue (private-app tokens) are left to the router's own check.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { errorResponse } from './fake-errors.js';

/** The token endpoints HubSpot documents, by the version in their path. */
const OAUTH_TOKEN_PATHS = ['/oauth/2026-03/token', '/oauth/v3/token', '/oauth/v1/token'] as const;
const V1_TOKEN_PATH = '/oauth/v1/token';

export function isOAuthTokenPath(path: string): boolean {
  return (OAUTH_TOKEN_PATHS as readonly string[]).includes(path);
}

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
  /** The portal the app is installed in (`hub_id` of the new paths' answers). */
  readonly hubId?: number;
}

/** The scopes the fake app was granted (the new paths' `scopes`; access is not checked by them). */
const GRANTED_SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.contacts.write'];

export class FakeOAuth {
  readonly app: FakeOAuthApp;
  lifetimeSeconds: number;
  private readonly now: () => number;
  private readonly hubId: number | undefined;
  private readonly expiresAt = new Map<string, number>();
  private refreshTokenValid = true;

  constructor(options: FakeOAuthOptions = {}) {
    this.app = options.app ?? HUBSPOT_FAKE_OAUTH_APP;
    this.lifetimeSeconds = options.accessTokenLifetimeSeconds ?? 1800;
    this.now = options.now ?? Date.now;
    this.hubId = options.hubId;
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

  /** Whether this app issued `token` (live or expired). */
  issued(token: string): boolean {
    return this.expiresAt.has(token);
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
      return refused('unsupported_grant_type', 'BAD_GRANT_TYPE', 'missing or unsupported grant_type');
    if (form.get('client_id') !== this.app.clientId)
      return refused('invalid_client', 'BAD_CLIENT_ID', 'missing or invalid client id');
    if (form.get('client_secret') !== this.app.clientSecret)
      return refused('invalid_client', 'BAD_CLIENT_SECRET', 'missing or invalid client secret');
    if (!this.refreshTokenValid || form.get('refresh_token') !== this.app.refreshToken)
      return refused('invalid_grant', 'BAD_REFRESH_TOKEN', 'refresh token is invalid, expired or revoked');
    const accessToken = `CN-fake-${randomBytes(24).toString('base64url')}`;
    this.expiresAt.set(accessToken, this.now() + this.lifetimeSeconds * 1000);
    const body: Record<string, unknown> = {
      token_type: 'bearer',
      refresh_token: this.app.refreshToken,
      access_token: accessToken,
      expires_in: this.lifetimeSeconds,
    };
    if (req.path !== V1_TOKEN_PATH) {
      body.token_use = 'access_token';
      body.scopes = GRANTED_SCOPES;
      if (this.hubId !== undefined) body.hub_id = this.hubId;
    }
    return { status: 200, body };
  }
}

/** HubSpot's standardized OAuth error: RFC 6749's fields, and its own kept for older clients. */
function refused(error: string, status: string, message: string): FakeResponse {
  return {
    status: 400,
    body: { error, error_description: message, status, message, correlationId: randomUUID() },
  };
}
