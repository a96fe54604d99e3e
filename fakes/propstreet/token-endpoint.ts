/**
 * `POST /openid/token` for the client-credentials grant (form-encoded, as the OAuth clients page
 * shows). A good client id/secret gets a fresh bearer token the API then accepts for
 * `expires_in` seconds (the fake's `tokenLifetimeSeconds`); anything else gets an OAuth error
 * body (`{error, error_description}`, RFC 6749 §5.2), not problem+json.
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';

export const TOKEN_PATH = '/openid/token';

export interface FakeOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export function handleToken(
  req: FakeRequest,
  clients: readonly FakeOAuthClient[],
  issue: (token: string, clientId: string) => void,
  lifetimeSeconds: number,
): FakeResponse {
  if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request' } };
  const form = new URLSearchParams(req.rawBody);
  if (form.get('grant_type') !== 'client_credentials')
    return {
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'Only client_credentials.' },
    };
  const client = clients.find((c) => c.clientId === form.get('client_id'));
  if (!client || client.clientSecret !== form.get('client_secret'))
    return {
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
    };
  const token = `ps-bot-${randomBytes(16).toString('hex')}`;
  issue(token, client.clientId);
  return {
    status: 200,
    body: {
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetimeSeconds,
      scope: form.get('scope') ?? 'api:public',
    },
  };
}
