/**
 * The Propstreet fake's `/api/v1/webhooks` (docs/VENDOR-BEHAVIOUR.md, PW1–PW4): the API a
 * tenant's token manages its organisation's subscriptions with, on top of the fake's sending
 * subscriptions (webhooks.ts). What the reference shows is followed: create with
 * `{url, events[], name?}` (events required, from PW2's 15 valid values; HTTPS only) answering
 * the `secret` (`whsec_` + base64) once and never again; test (synchronous, `X-Propstreet-Test:
 * true`, not kept in the history, `{success, status_code, duration_ms, error}`); replay
 * (`{since}` → `{replayed_count, message}`, at most 100). What no page read shows is a guess:
 * the model's fields (snake case, like the test and replay answers), the list envelope
 * `{data}`, update as `PATCH /{id}` (PW1 says "CRUD"), delete as 204, and plain HTTP allowed
 * to loopback hosts (the fake's tests and demo have no TLS).
 */
import { randomBytes } from 'node:crypto';
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { WebhookSender } from '../shared/webhook-sender.js';
import { problem } from './problem.js';
import { PROPSTREET_EVENT_TYPES, type PropstreetWebhooks } from './webhooks.js';

export const WEBHOOKS_API_PATH = '/api/v1/webhooks';

interface ApiWebhook {
  readonly id: string;
  url: string;
  name: string | null;
  events: string[];
  readonly secret: string;
  /** The sending subscription behind it (webhooks.ts). */
  subscription: string;
  /** Switched off through the API (`is_active: false`). */
  paused: boolean;
  readonly createdAt: string;
  updatedAt: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function checkUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || !URL.canParse(url))
    return 'The url field is required and must be an absolute URL.';
  const u = new URL(url);
  if (u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname))) return undefined;
  return 'The URL must be HTTPS.';
}

function checkEvents(events: unknown): string | undefined {
  if (!Array.isArray(events) || events.length === 0) return 'The events field is required.';
  const unknown = events.filter((e) => typeof e !== 'string' || !PROPSTREET_EVENT_TYPES.includes(e));
  return unknown.length === 0
    ? undefined
    : `Invalid event types: ${unknown.join(', ')}. Valid values: ${PROPSTREET_EVENT_TYPES.join(', ')}`;
}

export function createWebhooksApi(hub: PropstreetWebhooks): (req: FakeRequest) => Promise<FakeResponse> {
  const webhooks = new Map<string, ApiWebhook>();
  let nextId = 1;

  const disabled = (w: ApiWebhook) =>
    hub.subscriptions().find((s) => s.id === w.subscription)?.disabled ?? false;
  const view = (w: ApiWebhook) => ({
    id: w.id,
    url: w.url,
    name: w.name,
    events: [...w.events],
    is_active: !w.paused && !disabled(w),
    created_at: w.createdAt,
    updated_at: w.updatedAt,
  });
  const start = (w: Pick<ApiWebhook, 'url' | 'events' | 'secret'>) =>
    hub.subscribe({ url: w.url, secrets: [w.secret], events: w.events });

  const invalid = (req: FakeRequest, field: string, message: string) =>
    problem(400, 'One or more validation errors occurred.', req.path, { errors: { [field]: [message] } });

  const create = (req: FakeRequest): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const urlError = checkUrl(b.url);
    if (urlError) return invalid(req, 'url', urlError);
    const eventsError = checkEvents(b.events);
    if (eventsError) return invalid(req, 'events', eventsError);
    if (b.name !== undefined && b.name !== null && typeof b.name !== 'string')
      return invalid(req, 'name', 'The name must be a string.');
    const now = new Date().toISOString();
    const base = {
      url: b.url as string,
      events: [...new Set(b.events as string[])],
      secret: `whsec_${randomBytes(32).toString('base64')}`,
    };
    const w: ApiWebhook = {
      id: String(nextId++),
      name: typeof b.name === 'string' ? b.name : null,
      subscription: start(base),
      paused: false,
      createdAt: now,
      updatedAt: now,
      ...base,
    };
    webhooks.set(w.id, w);
    // The only answer that carries the secret (PW2).
    return {
      status: 201,
      headers: { location: `${WEBHOOKS_API_PATH}/${w.id}` },
      body: { ...view(w), secret: w.secret },
    };
  };

  const update = (req: FakeRequest, w: ApiWebhook): FakeResponse => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.url !== undefined) {
      const e = checkUrl(b.url);
      if (e) return invalid(req, 'url', e);
    }
    if (b.events !== undefined) {
      const e = checkEvents(b.events);
      if (e) return invalid(req, 'events', e);
    }
    if (b.is_active !== undefined && typeof b.is_active !== 'boolean')
      return invalid(req, 'is_active', 'The is_active field must be a boolean.');
    const wasDisabled = disabled(w);
    if (typeof b.url === 'string') w.url = b.url;
    if (Array.isArray(b.events)) w.events = [...new Set(b.events as string[])];
    if (typeof b.name === 'string' || b.name === null) w.name = b.name;
    if (typeof b.is_active === 'boolean') w.paused = !b.is_active;
    // A new target or event list is a new sending subscription; enabling one the fake disabled resumes it.
    const stop = () => {
      if (w.subscription !== '') hub.unsubscribe(w.subscription);
      w.subscription = '';
    };
    if (w.paused) stop();
    else if (b.url !== undefined || b.events !== undefined || w.subscription === '') {
      stop();
      w.subscription = start(w);
    } else if (wasDisabled) hub.enable(w.subscription);
    w.updatedAt = new Date().toISOString();
    return { status: 200, body: view(w) };
  };

  const test = async (req: FakeRequest, w: ApiWebhook): Promise<FakeResponse> => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const type = typeof b.event_type === 'string' ? b.event_type : 'contact.created';
    if (!PROPSTREET_EVENT_TYPES.includes(type))
      return invalid(req, 'event_type', `Invalid event type: ${type}`);
    // Its own sender: a test is synchronous, never retried, and not in the delivery history (PW3).
    const sender = new WebhookSender({
      vendor: 'propstreet',
      url: w.url,
      secrets: [w.secret],
      retryDelaysMs: [],
      test: true,
    });
    const started = Date.now();
    sender.send([{ type, data: { id: 'test', test: true } }]);
    await sender.idle();
    const status = sender.attempts[0]?.status ?? 0;
    const success = status >= 200 && status < 300;
    return {
      status: 200,
      body: {
        success,
        status_code: status === 0 ? null : status,
        duration_ms: Date.now() - started,
        error: success ? null : status === 0 ? 'No response' : `HTTP ${status}`,
      },
    };
  };

  const replay = (req: FakeRequest, w: ApiWebhook): FakeResponse => {
    const since = (req.body as { since?: unknown } | undefined)?.since;
    if (typeof since !== 'string' || Number.isNaN(Date.parse(since)))
      return invalid(req, 'since', 'The since field is required (ISO 8601 UTC).');
    const n = hub.replay(w.subscription, Date.parse(since)) ?? 0;
    return { status: 200, body: { replayed_count: n, message: `${n} deliveries re-queued for retry` } };
  };

  return async (req) => {
    const [id, action, ...rest] = req.path.slice(WEBHOOKS_API_PATH.length).split('/').filter(Boolean);
    if (rest.length > 0) return problem(404, 'No such resource.', req.path);
    if (id === undefined) {
      if (req.method === 'GET') return { status: 200, body: { data: [...webhooks.values()].map(view) } };
      if (req.method === 'POST') return create(req);
      return problem(405, `${req.method} is not allowed here.`, req.path);
    }
    const w = webhooks.get(id);
    if (!w) return problem(404, `Webhook ${id} not found.`, req.path);
    if (action === undefined) {
      if (req.method === 'GET') return { status: 200, body: view(w) };
      if (req.method === 'PATCH') return update(req, w);
      if (req.method === 'DELETE') {
        if (w.subscription !== '') hub.unsubscribe(w.subscription);
        webhooks.delete(id);
        return { status: 204 };
      }
    }
    if (action === 'test' && req.method === 'POST') return test(req, w);
    if (action === 'replay' && req.method === 'POST') return replay(req, w);
    if (action === 'deliveries' && req.method === 'GET')
      return {
        status: 200,
        body: {
          data: hub.attempts(w.subscription).map((a) => ({
            message_id: a.message,
            attempt: a.attempt,
            status_code: a.status === 0 ? null : a.status,
            created_at: new Date(a.at).toISOString(),
          })),
        },
      };
    return problem(action === undefined ? 405 : 404, 'No such resource.', req.path);
  };
}
