/**
 * Routes /crm/v3/… and /account-info/v3/details requests: bearer auth (401), granted scopes
 * (403 MISSING_SCOPES), rate limits (429 with HubSpot's body and headers), then the endpoint.
 * Every answer is JSON.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { ACCOUNT_DETAILS_PATH, accountDetails } from './account-routes.js';
import { batchArchive, batchRead } from './batch-read.js';
import { batchWrite } from './batch-write.js';
import type { FakeContext } from './fake-context.js';
import { errorBody, errorResponse } from './fake-errors.js';
import type { FakeRateLimits } from './fake-rate-limits.js';
import {
  archiveContact,
  createContact,
  getContact,
  listContacts,
  mergeContacts,
  updateContact,
} from './object-routes.js';
import { createProperty, getProperty, listProperties } from './property-routes.js';
import { search } from './search.js';

const OBJECTS = '/crm/v3/objects/contacts';
const PROPERTIES = '/crm/v3/properties/contacts';

interface Route {
  readonly scope: string;
  readonly search?: boolean;
  readonly run: () => FakeResponse;
}

function route(ctx: FakeContext, req: FakeRequest): Route | undefined {
  const { method, path } = req;
  const read = 'crm.objects.contacts.read';
  const write = 'crm.objects.contacts.write';
  if (path === OBJECTS) {
    if (method === 'GET') return { scope: read, run: () => listContacts(ctx, req) };
    if (method === 'POST') return { scope: write, run: () => createContact(ctx, req) };
    return undefined;
  }
  if (path === `${OBJECTS}/search` && method === 'POST')
    return { scope: read, search: true, run: () => search(ctx.store, req.body) };
  if (path === `${OBJECTS}/merge` && method === 'POST')
    return { scope: write, run: () => mergeContacts(ctx, req.body) };
  if (path.startsWith(`${OBJECTS}/batch/`) && method === 'POST') {
    const op = path.slice(`${OBJECTS}/batch/`.length);
    if (op === 'read')
      return { scope: read, run: () => batchRead(ctx, req.body, req.query.get('archived') === 'true') };
    if (op === 'archive') return { scope: write, run: () => batchArchive(ctx, req.body) };
    if (op === 'create' || op === 'update' || op === 'upsert')
      return { scope: write, run: () => batchWrite(ctx, op, req.body) };
    return undefined;
  }
  if (path.startsWith(`${OBJECTS}/`)) {
    const id = decodeURIComponent(path.slice(OBJECTS.length + 1));
    if (id.includes('/')) return undefined;
    if (method === 'GET') return { scope: read, run: () => getContact(ctx, req, id) };
    if (method === 'PATCH') return { scope: write, run: () => updateContact(ctx, req, id) };
    if (method === 'DELETE') return { scope: write, run: () => archiveContact(ctx, id) };
    return undefined;
  }
  if (path === PROPERTIES) {
    if (method === 'GET') return { scope: 'crm.schemas.contacts.read', run: () => listProperties(ctx) };
    if (method === 'POST')
      return { scope: 'crm.schemas.contacts.write', run: () => createProperty(ctx, req) };
    return undefined;
  }
  // No scope beyond a valid token: HubSpot lists only `oauth`, which every app has.
  if (path === ACCOUNT_DETAILS_PATH && method === 'GET')
    return { scope: 'oauth', run: () => accountDetails(ctx.portalId) };
  if (path.startsWith(`${PROPERTIES}/`) && method === 'GET') {
    const name = decodeURIComponent(path.slice(PROPERTIES.length + 1));
    return { scope: 'crm.schemas.contacts.read', run: () => getProperty(ctx, name) };
  }
  return undefined;
}

function bearer(req: FakeRequest): string {
  const auth = req.headers.authorization;
  return typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
}

function authorised(ctx: FakeContext, token: string): boolean {
  if (!token) return false;
  return ctx.acceptedTokens === null || ctx.acceptedTokens.has(token);
}

export function handleApi(ctx: FakeContext, limits: FakeRateLimits, req: FakeRequest): FakeResponse {
  const token = bearer(req);
  const expired = ctx.oauth.rejection(token);
  if (expired) return expired;
  if (!authorised(ctx, token))
    return errorResponse(
      401,
      'INVALID_AUTHENTICATION',
      'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
    );
  const r = route(ctx, req);
  if (!r) return errorResponse(404, 'OBJECT_NOT_FOUND', `No endpoint ${req.method} ${req.path}`);
  if (req.bodyError) return errorResponse(400, 'VALIDATION_ERROR', `Invalid input JSON: ${req.bodyError}`);
  if (ctx.deniedScopes.has(r.scope)) {
    return {
      status: 403,
      body: {
        ...errorBody(
          'MISSING_SCOPES',
          "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
          {
            errors: [
              {
                message: 'One or more of the following scopes are required.',
                context: { requiredGranularScopes: [r.scope] },
              },
            ],
          },
        ),
        links: { scopes: 'https://developers.hubspot.com/scopes' },
      },
    };
  }
  const admission = limits.admit(r.search ? 'search' : 'general');
  if (!admission.ok) return admission.response;
  const out = r.run();
  return { ...out, headers: { ...admission.headers, ...(out.headers ?? {}) } };
}
