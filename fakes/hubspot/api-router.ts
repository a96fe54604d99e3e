/**
 * Routes /crm/v3/… (contacts and companies alike) and /account-info/v3/details requests:
 * bearer auth (401), granted scopes (403 MISSING_SCOPES), rate limits (429 with HubSpot's body
 * and headers), then the endpoint. Every answer is JSON.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { ACCOUNT_DETAILS_PATH, accountDetails } from './account-routes.js';
import { associationRoute } from './association-routes.js';
import { batchArchive, batchRead } from './batch-read.js';
import { batchWrite } from './batch-write.js';
import type { FakeContext } from './fake-context.js';
import { errorBody, errorResponse } from './fake-errors.js';
import type { FakeRateLimits } from './fake-rate-limits.js';
import {
  archiveObject,
  createObject,
  getObject,
  listObjects,
  mergeObjects,
  updateObject,
} from './object-routes.js';
import { isObjectType } from './object-schema.js';
import type { ObjectStore } from './object-store.js';
import { createProperty, getProperty, listProperties } from './property-routes.js';
import { search } from './search.js';

/** `/crm/v3/objects/{type}/rest` or `/crm/v3/properties/{type}/rest`, for a type the fake serves. */
const OBJECT_PATH = /^\/crm\/v3\/(objects|properties)\/([^/]+)(\/.*)?$/;

interface Route {
  readonly scope: string;
  readonly search?: boolean;
  readonly run: () => FakeResponse;
}

function objectRoute(
  ctx: FakeContext,
  store: ObjectStore,
  rest: string,
  req: FakeRequest,
): Route | undefined {
  const { method } = req;
  const type = store.schema.objectType;
  const read = `crm.objects.${type}.read`;
  const write = `crm.objects.${type}.write`;
  if (rest === '') {
    if (method === 'GET') return { scope: read, run: () => listObjects(store, req) };
    if (method === 'POST') return { scope: write, run: () => createObject(ctx, store, req) };
    return undefined;
  }
  if (rest === '/search' && method === 'POST')
    return { scope: read, search: true, run: () => search(store, req.body, req.rawBody.length) };
  if (rest === '/merge' && method === 'POST')
    return { scope: write, run: () => mergeObjects(store, req.body) };
  if (rest.startsWith('/batch/') && method === 'POST') {
    const op = rest.slice('/batch/'.length);
    if (op === 'read')
      return { scope: read, run: () => batchRead(store, req.body, req.query.get('archived') === 'true') };
    if (op === 'archive') return { scope: write, run: () => batchArchive(store, req.body) };
    if (op === 'create' || op === 'update' || op === 'upsert')
      return { scope: write, run: () => batchWrite(ctx, store, op, req.body) };
    return undefined;
  }
  const id = decodeURIComponent(rest.slice(1));
  if (id.includes('/')) return undefined;
  if (method === 'GET') return { scope: read, run: () => getObject(store, req, id) };
  if (method === 'PATCH') return { scope: write, run: () => updateObject(ctx, store, req, id) };
  if (method === 'DELETE') return { scope: write, run: () => archiveObject(store, id) };
  return undefined;
}

function propertyRoute(store: ObjectStore, rest: string, req: FakeRequest): Route | undefined {
  const type = store.schema.objectType;
  if (rest === '') {
    if (req.method === 'GET') return { scope: `crm.schemas.${type}.read`, run: () => listProperties(store) };
    if (req.method === 'POST')
      return { scope: `crm.schemas.${type}.write`, run: () => createProperty(store, req) };
    return undefined;
  }
  if (req.method !== 'GET') return undefined;
  const name = decodeURIComponent(rest.slice(1));
  return { scope: `crm.schemas.${type}.read`, run: () => getProperty(store, name) };
}

function route(ctx: FakeContext, req: FakeRequest): Route | undefined {
  // No scope beyond a valid token: HubSpot lists only `oauth`, which every app has.
  if (req.path === ACCOUNT_DETAILS_PATH && req.method === 'GET')
    return { scope: 'oauth', run: () => accountDetails(ctx.portalId) };
  // Associations need the `from` object's scope (a guess: HubSpot lists the objects' scopes).
  const association = associationRoute(ctx.associations, ctx.objects, req);
  if (association)
    return {
      scope: `crm.objects.${association.from}.${association.write ? 'write' : 'read'}`,
      run: association.run,
    };
  const m = OBJECT_PATH.exec(req.path);
  const type = m?.[2];
  if (!m || !isObjectType(type)) return undefined;
  const store = ctx.objects[type];
  const rest = m[3] ?? '';
  return m[1] === 'objects' ? objectRoute(ctx, store, rest, req) : propertyRoute(store, rest, req);
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
  const admission = limits.admit(r.search ? 'search' : 'general', ctx.oauth.issued(token));
  if (!admission.ok) return admission.response;
  const out = r.run();
  return { ...out, headers: { ...admission.headers, ...(out.headers ?? {}) } };
}
