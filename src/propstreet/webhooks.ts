/**
 * The tenant's Propstreet webhook subscriptions, `/api/v1/webhooks` (docs.propstreet.com,
 * "Webhooks" guide and API reference; docs/VENDOR-BEHAVIOUR.md PW1–PW4). Documented: create
 * takes `{url, events[], name?}` and answers the `secret` once (`whsec_…`). Not shown on any
 * page read, so read leniently: the model's field names (`is_active`, or `isActive`/`enabled`),
 * the list envelope (`{data}`, `{items}` or a bare array), and update as `PATCH /{id}` (PW1:
 * "CRUD"); an API that refuses the update (404/405) is reported, not worked around.
 *
 * Not part of the PropstreetApi port: the sync never calls it; `validate --setup` does.
 */
import type { Redactor } from '../core/redact.js';
import type { Transport } from './http.js';
import { parseJson } from './payload.js';
import { seg } from './resource.js';

const WEBHOOKS_PATH = '/api/v1/webhooks';

export interface PropstreetWebhook {
  readonly id: string;
  readonly url: string;
  readonly name: string | null;
  readonly events: readonly string[];
  /** False when Propstreet disabled it (10 failures, a 410) or it was switched off. */
  readonly active: boolean;
}

export interface PropstreetWebhookCalls {
  listWebhooks(): Promise<PropstreetWebhook[]>;
  /** The secret is in this answer only: the caller must keep it. */
  createWebhook(spec: {
    url: string;
    events: readonly string[];
    name?: string;
  }): Promise<PropstreetWebhook & { readonly secret: string }>;
  updateWebhook(
    id: string,
    patch: { events?: readonly string[]; is_active?: boolean },
  ): Promise<PropstreetWebhook>;
}

function webhookFrom(raw: unknown): PropstreetWebhook | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : undefined;
  if (id === undefined || typeof r.url !== 'string') return undefined;
  const flag = [r.is_active, r.isActive, r.enabled, r.active].find((v) => typeof v === 'boolean');
  return {
    id,
    url: r.url,
    name: typeof r.name === 'string' ? r.name : null,
    events: Array.isArray(r.events) ? r.events.filter((e): e is string => typeof e === 'string') : [],
    // A model without such a flag says nothing of being off.
    active: flag !== false,
  };
}

function listOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['data', 'items', 'webhooks']) if (Array.isArray(b[key])) return b[key] as unknown[];
  }
  return [];
}

export function webhookCalls(transport: Transport, redactor: Redactor): PropstreetWebhookCalls {
  const one = (body: unknown, what: string): PropstreetWebhook => {
    const w = webhookFrom(body);
    if (!w) throw new Error(`Propstreet ${what} answered without a webhook id and url`);
    return w;
  };
  return {
    async listWebhooks() {
      const answer = await transport.send({ method: 'GET', path: WEBHOOKS_PATH, idempotent: true });
      return listOf(parseJson(answer)).flatMap((raw) => {
        const w = webhookFrom(raw);
        return w ? [w] : [];
      });
    },
    async createWebhook(spec) {
      // Not idempotent: a repeat would make a second subscription with another secret.
      const answer = await transport.send({
        method: 'POST',
        path: WEBHOOKS_PATH,
        body: { url: spec.url, events: spec.events, ...(spec.name ? { name: spec.name } : {}) },
        idempotent: false,
      });
      const body = parseJson(answer) as { secret?: unknown };
      if (typeof body.secret !== 'string' || body.secret === '')
        throw new Error('Propstreet created the webhook but sent no secret; delete it and create it again');
      redactor.register(body.secret);
      return { ...one(body, 'POST /api/v1/webhooks'), secret: body.secret };
    },
    async updateWebhook(id, patch) {
      const answer = await transport.send({
        method: 'PATCH',
        path: `${WEBHOOKS_PATH}/${seg(id)}`,
        body: patch,
        idempotent: true,
      });
      return one(parseJson(answer), 'PATCH /api/v1/webhooks/{id}');
    },
  };
}
