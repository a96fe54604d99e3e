/**
 * The control surface over HTTP under /__control/…, for fakes driven from a child process
 * (e.g. the CLI under test). Predicates cannot travel, so rejections are data here. Record
 * endpoints exist per object (`/contacts/…`, `/companies/…`); the others take an optional
 * `objectType` (default `contacts`).
 */
import type { FaultRule } from '../shared/faults.js';
import type { FakeRequest, FakeResponse, HttpFake } from '../shared/http-fake.js';
import type { RejectOptions } from './fake-context.js';
import type { HubSpotFakeControl } from './fake-control.js';
import type { HubSpotObjectControl, PropertyInput } from './object-control.js';
import { type FakeObjectType, isObjectType } from './object-schema.js';
import type { SeedRecord } from './object-store.js';
import { isRecord } from './wire.js';

const ok = (body: unknown = { ok: true }): FakeResponse => ({ status: 200, body });
const bad = (message: string): FakeResponse => ({ status: 400, body: { status: 'error', message } });

function props(body: unknown): Record<string, string | null> {
  return isRecord(body) && isRecord(body.properties)
    ? (body.properties as Record<string, string | null>)
    : {};
}

export function handleControl(
  control: HubSpotFakeControl,
  http: () => HttpFake,
  req: FakeRequest,
): FakeResponse {
  const path = req.path.slice('/__control'.length);
  const body = req.body;
  try {
    if (req.method === 'POST' && path === '/seed') {
      const list = (name: FakeObjectType) =>
        isRecord(body) && Array.isArray(body[name]) ? (body[name] as SeedRecord[]) : [];
      return ok({
        ids: control.contacts.seed(list('contacts')),
        companyIds: control.companies.seed(list('companies')),
      });
    }
    const records = recordRoute(control, path, req.method, body);
    if (records) return records;
    if (req.method === 'POST' && path === '/merge' && isRecord(body))
      return ok({ id: target(control, body).mergeAsUser(String(body.primaryId), String(body.mergedId)) });
    if (req.method === 'POST' && path === '/clock' && isRecord(body)) {
      if (typeof body.advanceMs === 'number') control.advanceClock(body.advanceMs);
      else control.setClock((body.at as number | string | null | undefined) ?? null);
      return ok({ now: control.now() });
    }
    if (req.method === 'GET' && path === '/dump')
      return ok({ contacts: control.contacts.dump(), companies: control.companies.dump() });
    if (req.method === 'GET' && path === '/requests') return ok({ requests: control.apiRequests() });
    if (req.method === 'POST' && path === '/associations' && isRecord(body))
      return ok(
        control.associate(String(body.contactId), String(body.companyId), { primary: body.primary === true }),
      );
    const associated = /^\/associations\/([^/]+)$/.exec(path);
    if (associated?.[1] && req.method === 'GET') return ok(control.associatedCompanies(associated[1]));
    if (req.method === 'POST' && path === '/properties' && isRecord(body)) {
      const { objectType: _type, ...def } = body;
      return ok(target(control, body).defineProperty(def as unknown as PropertyInput));
    }
    if (req.method === 'POST' && path === '/property-options' && isRecord(body) && Array.isArray(body.values))
      return ok(target(control, body).setPropertyOptions(String(body.name), body.values.map(String)));
    if (req.method === 'POST' && path === '/reject' && isRecord(body)) {
      const property = String(body.property);
      const pattern = typeof body.matches === 'string' ? new RegExp(body.matches) : undefined;
      const equals = typeof body.equals === 'string' ? body.equals : undefined;
      control.rejectWhen(
        (p) => {
          const v = p[property];
          if (v === undefined || v === null) return false;
          return equals !== undefined ? String(v) === equals : (pattern?.test(String(v)) ?? true);
        },
        { property, ...(body as RejectOptions) },
      );
      return ok();
    }
    if (req.method === 'DELETE' && path === '/reject') return ok(control.clearRejections());
    if (req.method === 'POST' && path === '/faults' && isRecord(body)) {
      const { pathRegex, ...rule } = body as unknown as FaultRule & { pathRegex?: string };
      http().faults.add(pathRegex ? { ...rule, path: new RegExp(pathRegex) } : rule);
      return ok();
    }
    if (req.method === 'DELETE' && path === '/faults') return ok(http().faults.clear());
    if (req.method === 'POST' && path === '/scopes' && isRecord(body))
      return ok(control.denyScopes(Array.isArray(body.denied) ? body.denied.map(String) : []));
    if (req.method === 'POST' && path === '/tokens' && isRecord(body))
      return ok(control.acceptTokens(Array.isArray(body.accepted) ? body.accepted.map(String) : null));
    if (req.method === 'POST' && path === '/oauth' && isRecord(body)) {
      const oauth = control.oauth();
      if (typeof body.accessTokenLifetimeSeconds === 'number')
        oauth.lifetimeSeconds = body.accessTokenLifetimeSeconds;
      if (body.expireAccessTokens === true) oauth.expireAccessTokens();
      if (body.revokeRefreshToken === true) oauth.revokeRefreshToken();
      return ok();
    }
    if (req.method === 'POST' && path === '/rate-limit' && isRecord(body)) {
      if (body.reset === true) control.resetRateLimits();
      if (body.exhaustDaily === true) control.exhaustDailyLimit();
      const { reset: _r, exhaustDaily: _e, ...options } = body;
      control.setRateLimit(options as Parameters<HubSpotFakeControl['setRateLimit']>[0]);
      return ok();
    }
    return {
      status: 404,
      body: { status: 'error', message: `No control endpoint ${req.method} ${req.path}` },
    };
  } catch (e) {
    return bad((e as Error).message);
  }
}

/** The object a control request names in `objectType` (default contacts). */
function target(control: HubSpotFakeControl, body: Record<string, unknown>): HubSpotObjectControl {
  const type = body.objectType ?? 'contacts';
  if (!isObjectType(type)) throw new Error(`Unknown objectType ${String(type)}`);
  return control.objects(type);
}

/** `POST /{type}`, `GET|PATCH|DELETE /{type}/:id` for contacts and companies. */
function recordRoute(
  control: HubSpotFakeControl,
  path: string,
  method: string,
  body: unknown,
): FakeResponse | undefined {
  const m = /^\/([a-z]+)(?:\/([^/]+))?$/.exec(path);
  const type = m?.[1];
  if (!m || !isObjectType(type)) return undefined;
  const objects = control.objects(type);
  const id = m[2];
  if (id === undefined) return method === 'POST' ? ok({ id: objects.createAsUser(props(body)) }) : undefined;
  if (method === 'PATCH') return ok(objects.editAsUser(id, props(body)));
  if (method === 'DELETE') return ok(objects.deleteAsUser(id));
  if (method === 'GET') return ok(objects.get(id) ?? null);
  return undefined;
}
