/**
 * The Propstreet organisation a token reaches: `GET /api/v1/auth/me` (docs.propstreet.com,
 * "Identity & Teams", and the API reference's `Me` model) returns the caller and its
 * `primaryTeam`. The reference does not say in so many words that `/network/contacts` is the
 * primary team's network; it is the best evidence the API offers (a token's contacts are its
 * organisation's: "email unique per organisation"), so the team is what state is bound to. A
 * caller without a team is bound by its user id instead.
 */
import type { AccountIdentity } from '../core/account-identity.js';
import { NotFoundError, PayloadError, PropsyncError } from '../core/errors.js';
import type { Transport } from './http.js';
import { parseJson } from './payload.js';

const ME_PATH = '/api/v1/auth/me';

/** Null when this deployment or token cannot answer `/auth/me` (404/403): identity unknown. */
export async function fetchIdentity(transport: Transport): Promise<AccountIdentity | null> {
  let raw: unknown;
  try {
    raw = parseJson(await transport.send({ method: 'GET', path: ME_PATH, idempotent: true }));
  } catch (e) {
    if (e instanceof NotFoundError || (e instanceof PropsyncError && e.code === 'FORBIDDEN')) return null;
    throw e;
  }
  const me = raw as { id?: unknown; primaryTeam?: { id?: unknown; name?: unknown } | null } | null;
  const team = me?.primaryTeam;
  if (team && (typeof team.id === 'string' || typeof team.id === 'number'))
    return {
      id: `propstreet-team:${String(team.id)}`,
      ...(typeof team.name === 'string' ? { label: team.name } : {}),
    };
  if (me && (typeof me.id === 'string' || typeof me.id === 'number'))
    return { id: `propstreet-user:${String(me.id)}` };
  throw new PayloadError(`Propstreet GET ${ME_PATH} sent no id and no primaryTeam.id`, 'primaryTeam.id');
}
