/**
 * A fake's webhook subscriptions, set through its control API (in process, or over HTTP under
 * `/__control/webhooks`): each one an outbox with its own sender, target, secret and fault
 * knobs. With none set, the fake's stores have no change hook at all (`onActive(false)`), so a
 * fake nobody subscribed to pays nothing.
 *
 *   POST   /__control/webhooks            a WebhookSubscriptionSpec (`secret` or `secrets`) → {id}
 *   GET    /__control/webhooks            {subscriptions: SubscriptionStatus[]}
 *   GET    /__control/webhooks/{id}/attempts   the delivery attempts, in order
 *   DELETE /__control/webhooks[/{id}]     ends one subscription, or all
 */
import type { FakeRequest, FakeResponse } from './http-fake.js';
import { type SenderIdentity, WebhookOutbox, type WebhookSubscriptionSpec } from './webhook-outbox.js';
import type {
  DeliveryAttempt,
  HubspotWebhookEvent,
  PropstreetWebhookEvent,
  WebhookVendor,
} from './webhook-sender.js';

const WEBHOOK_CONTROL_PATH = '/__control/webhooks';

export interface SubscriptionStatus {
  readonly id: string;
  readonly url: string;
  /** The event types it takes (null: all). */
  readonly eventTypes: readonly string[] | null;
  /** Events handed to it so far. */
  readonly events: number;
  readonly attempts: number;
  readonly failedAttempts: number;
  /** Something is gathered, waiting for its latency, in flight or waiting for a retry. */
  readonly busy: boolean;
  /** The vendor disabled it (Propstreet: a 410, or 10 failures in a row). */
  readonly disabled: boolean;
}

export interface WebhookSubscriptionsOptions<E> {
  readonly vendor: WebhookVendor;
  /** The event types the fake sends: a subscription naming another is refused, as the vendors' APIs do. */
  readonly eventTypes: readonly string[];
  /** The portal and app a HubSpot sender names. */
  readonly identity?: SenderIdentity;
  /** Whether a subscription gets this event (its `events` and, for HubSpot, `properties`). */
  readonly accepts: (spec: WebhookSubscriptionSpec, event: E) => boolean;
  /** Called when the first subscription starts and the last one ends: hook the stores in or out. */
  readonly onActive: (active: boolean) => void;
}

export class WebhookSubscriptions<E extends PropstreetWebhookEvent | HubspotWebhookEvent> {
  private readonly outboxes = new Map<string, WebhookOutbox<E>>();
  private nextId = 1;

  constructor(private readonly options: WebhookSubscriptionsOptions<E>) {}

  get active(): boolean {
    return this.outboxes.size > 0;
  }

  subscribe(spec: WebhookSubscriptionSpec): string {
    const checked = parseSubscription(spec);
    const unknown = (checked.events ?? []).filter((e) => !this.options.eventTypes.includes(e));
    if (unknown.length > 0)
      throw new Error(
        `unknown event types: ${unknown.join(', ')} (known: ${this.options.eventTypes.join(', ')})`,
      );
    const id = `sub-${this.nextId++}`;
    const wasActive = this.active;
    this.outboxes.set(id, new WebhookOutbox<E>(this.options.vendor, checked, this.options.identity));
    if (!wasActive) this.options.onActive(true);
    return id;
  }

  /** Ends one subscription (or every one): waiting retries and delayed batches are dropped. */
  unsubscribe(id?: string): void {
    const ids = id === undefined ? [...this.outboxes.keys()] : [id];
    for (const i of ids) {
      this.outboxes.get(i)?.close();
      this.outboxes.delete(i);
    }
    if (!this.active) this.options.onActive(false);
  }

  /** Propstreet's replay of messages given up on after `sinceMs` (undefined: no such subscription). */
  replay(id: string, sinceMs: number): number | undefined {
    return this.outboxes.get(id)?.sender.replay(sinceMs);
  }

  /** Sends again after the vendor disabled the subscription; false when there is none. */
  enable(id: string): boolean {
    const outbox = this.outboxes.get(id);
    outbox?.sender.enable();
    return outbox !== undefined;
  }

  emit(events: readonly E[]): void {
    for (const outbox of this.outboxes.values())
      outbox.push(events.filter((e) => this.options.accepts(outbox.spec, e)));
  }

  list(): SubscriptionStatus[] {
    return [...this.outboxes].map(([id, o]) => ({
      id,
      url: o.spec.url,
      eventTypes: o.spec.events ?? null,
      events: o.events,
      attempts: o.attempts.length,
      failedAttempts: o.attempts.filter((a) => a.status < 200 || a.status >= 300).length,
      busy: o.busy,
      disabled: o.sender.disabled,
    }));
  }

  /** Delivery attempts of one subscription (default: all, in subscription order). */
  attempts(id?: string): DeliveryAttempt[] {
    const chosen = id === undefined ? [...this.outboxes.values()] : [this.outboxes.get(id)];
    return chosen.flatMap((o) => (o ? [...o.attempts] : []));
  }

  /** Resolves when every subscription has delivered (or given up on) what it was handed. */
  async idle(): Promise<void> {
    await Promise.all([...this.outboxes.values()].map((o) => o.idle()));
  }

  /** Answers `/__control/webhooks…`; undefined for other paths. */
  handle(req: FakeRequest): FakeResponse | undefined {
    if (req.path !== WEBHOOK_CONTROL_PATH && !req.path.startsWith(`${WEBHOOK_CONTROL_PATH}/`))
      return undefined;
    const [id, sub] = req.path.slice(WEBHOOK_CONTROL_PATH.length).split('/').filter(Boolean);
    try {
      if (req.method === 'POST' && id === undefined)
        return { status: 200, body: { id: this.subscribe(parseSubscription(req.body)) } };
      if (req.method === 'GET' && id === undefined)
        return { status: 200, body: { subscriptions: this.list() } };
      if (req.method === 'GET' && id !== undefined && sub === 'attempts')
        return this.outboxes.has(id)
          ? { status: 200, body: { attempts: this.attempts(id) } }
          : { status: 404, body: { error: `no subscription ${id}` } };
      if (req.method === 'DELETE' && sub === undefined) {
        this.unsubscribe(id);
        return { status: 200, body: { ok: true } };
      }
    } catch (e) {
      return { status: 400, body: { error: (e as Error).message } };
    }
    return { status: 404, body: { error: `unknown control route ${req.method} ${req.path}` } };
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const strings = (v: unknown, what: string): string[] => {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new Error(`${what} must be strings`);
  return v as string[];
};

/** A subscription from a control call: `secret` or `secrets`, knobs checked; throws on a bad one. */
function parseSubscription(raw: unknown): WebhookSubscriptionSpec {
  if (raw === null || typeof raw !== 'object') throw new Error('a subscription must be an object');
  const b = raw as Record<string, unknown>;
  if (typeof b.url !== 'string' || !URL.canParse(b.url)) throw new Error('url must be an absolute URL');
  const secrets = typeof b.secret === 'string' ? [b.secret] : strings(b.secrets ?? [], 'secrets');
  if (secrets.length === 0 || secrets.some((s) => s === '')) throw new Error('secret is required');
  const latency = latencyOf(b.latencyMs);
  const rate = b.duplicateRate;
  if (rate !== undefined && (!isNumber(rate) || rate < 0 || rate > 1))
    throw new Error('duplicateRate must be between 0 and 1');
  if (
    b.retryDelaysMs !== undefined &&
    (!Array.isArray(b.retryDelaysMs) || !b.retryDelaysMs.every((d) => isNumber(d) && d >= 0))
  )
    throw new Error('retryDelaysMs must be non-negative numbers');
  if (b.batchSize !== undefined && (!isNumber(b.batchSize) || b.batchSize < 1 || b.batchSize > 100))
    throw new Error('batchSize must be 1…100');
  return {
    url: b.url,
    secrets,
    ...(b.events === undefined ? {} : { events: strings(b.events, 'events') }),
    ...(b.properties === undefined ? {} : { properties: strings(b.properties, 'properties') }),
    ...(b.retryDelaysMs === undefined ? {} : { retryDelaysMs: b.retryDelaysMs as number[] }),
    ...(rate === undefined ? {} : { duplicateRate: rate }),
    ...(b.reorder === undefined ? {} : { reorder: b.reorder === true }),
    ...(latency === undefined ? {} : { latencyMs: latency }),
    ...(b.batchSize === undefined ? {} : { batchSize: b.batchSize as number }),
    ...(isNumber(b.seed) ? { seed: b.seed } : {}),
  };
}

function latencyOf(v: unknown): readonly [number, number] | undefined {
  if (v === undefined) return undefined;
  const [min, max] = Array.isArray(v) && v.length === 2 ? (v as unknown[]) : [];
  if (!isNumber(min) || !isNumber(max) || min < 0 || min > max)
    throw new Error('latencyMs must be [min, max] with 0 ≤ min ≤ max');
  return [min, max];
}
