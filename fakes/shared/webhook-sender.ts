/**
 * A fake's webhook sender: signs and delivers events as Propstreet or HubSpot do, retries
 * failed deliveries on the vendor's schedule, and can inject the faults a receiver must
 * survive: duplicates (a message delivered twice) and reordering (a batch of messages in
 * another order than it happened). What no vendor page states is marked as a guess.
 *
 * Propstreet (Standard Webhooks, PW1/PW2): one message per event, a `webhook-id` kept across
 * retries, each attempt signed anew with its own timestamp; answer expected within 10 s;
 * 9 attempts over ~35 h (the delays are a guess with that count and span); a 410 disables the
 * subscription at once, and so do 10 consecutive failed attempts.
 *
 * HubSpot (HW2/HW6): events batched, up to 100 a request, as a JSON array; `attemptNumber`
 * counts retries (so a retry's body and signature differ); answer expected within 5 s;
 * 10 attempts over ~24 h (third-party accounts; the delays are a guess).
 *
 * The fakes hold one sender per subscription (webhook-subscriptions.ts, set through their
 * control API), fed by an outbox that gathers each request's changes and adds the delivery
 * latency (webhook-outbox.ts); what each fake sends on which change is in
 * fakes/propstreet/webhooks.ts and fakes/hubspot/webhooks.ts. Tests wait on `idle()`;
 * `timers` and `now` take a manual clock.
 */
import { randomUUID } from 'node:crypto';
import { seededRandom } from './seeded-random.js';
import { hubspotV3Headers, standardWebhookHeaders } from './webhook-signing.js';

export type WebhookVendor = 'propstreet' | 'hubspot';

/** A Propstreet event: its type (`contact.updated`, …) and data (the record, or its id). */
export interface PropstreetWebhookEvent {
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** When it happened (ms); default the sender's now. */
  readonly occurredAt?: number;
}

/** A HubSpot event; ids, portal and attempt number are filled in by the sender. */
export interface HubspotWebhookEvent {
  readonly subscriptionType: string;
  readonly objectId: number;
  readonly propertyName?: string;
  readonly propertyValue?: string;
  readonly changeSource?: string;
  /** Who made the change: the app's id for `INTEGRATION` writes (captured payloads, HW6). */
  readonly sourceId?: string;
  readonly occurredAt?: number;
  /** Merge events (HW7): the records merged and the record they became. */
  readonly primaryObjectId?: number;
  readonly mergedObjectIds?: readonly number[];
  readonly newObjectId?: number;
  readonly numberOfPropertiesMoved?: number;
  /** Association changes (HW7): the pair, seen from `objectId`'s side, and whether it ended. */
  readonly associationType?: string;
  readonly fromObjectId?: number;
  readonly toObjectId?: number;
  readonly associationRemoved?: boolean;
  /** Generic events (`object.*`, HW11): the record's object type id (`0-1` contact, `0-2` company). */
  readonly objectTypeId?: string;
  /** Generic association changes (HW11): both sides' object type ids, the type id and its category. */
  readonly fromObjectTypeId?: string;
  readonly toObjectTypeId?: string;
  readonly associationTypeId?: number;
  readonly associationCategory?: string;
}

/** Timers as the sender needs them (the connector's `Timers` port has the same shape). */
export interface SenderTimers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: SenderTimers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** Waits before attempts 2…9: ~35.6 h in all (guess: PW1 gives only "9 attempts over ~35 hours"). */
const PROPSTREET_RETRY_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
  8 * HOUR,
];
/** Waits before attempts 2…10: ~23.9 h in all (guess on third-party accounts of "10 attempts in 24 h"). */
const HUBSPOT_RETRY_MS = [
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  6 * HOUR,
  10 * HOUR,
];

export interface WebhookSenderOptions {
  readonly vendor: WebhookVendor;
  /** The subscription's target URL. */
  readonly url: string;
  /**
   * Propstreet: `whsec_…` secrets, each signing (several while Propstreet rotates).
   * HubSpot: the app's client secret (the first one signs).
   */
  readonly secrets: readonly string[];
  /** Time for timestamps (ms); default Date.now. */
  readonly now?: () => number;
  /** Retry waits are scheduled here; default real, unref'd timers. */
  readonly timers?: SenderTimers;
  /** Waits before attempt 2, 3, …; default the vendor's (see above). */
  readonly retryDelaysMs?: readonly number[];
  /** HubSpot: events per request; default 100. */
  readonly batchSize?: number;
  readonly portalId?: number;
  readonly appId?: number;
  /** Fault knobs: a share (0…1) of messages delivered a second time, and shuffled batches. */
  readonly faults?: { readonly duplicateRate?: number; readonly reorder?: boolean };
  readonly seed?: number;
  /** Propstreet: mark deliveries as tests (`X-Propstreet-Test: true`, PW3). */
  readonly test?: boolean;
}

/** The fields an event carries only when it has them, in the order a delivery lists them. */
const OPTIONAL_FIELDS = [
  'propertyName',
  'propertyValue',
  'sourceId',
  'primaryObjectId',
  'mergedObjectIds',
  'newObjectId',
  'numberOfPropertiesMoved',
  'associationType',
  'fromObjectTypeId',
  'fromObjectId',
  'toObjectTypeId',
  'toObjectId',
  'associationTypeId',
  'associationCategory',
] as const satisfies readonly (keyof HubspotWebhookEvent)[];

function definedOf<K extends keyof HubspotWebhookEvent>(
  e: HubspotWebhookEvent,
  keys: readonly K[],
): Partial<Pick<HubspotWebhookEvent, K>> {
  const out: Partial<Pick<HubspotWebhookEvent, K>> = {};
  for (const k of keys) if (e[k] !== undefined) out[k] = e[k];
  return out;
}

export interface DeliveryAttempt {
  /** Propstreet: the webhook-id; HubSpot: the first event id of the batch. */
  readonly message: string;
  readonly attempt: number;
  /** The answer's status, or 0 when none came (refused, reset, timed out). */
  readonly status: number;
  readonly at: number;
  readonly duplicate: boolean;
}

interface Message {
  readonly id: string;
  /** The body of an attempt (HubSpot's changes with the attempt number). */
  readonly body: (attempt: number) => string;
  readonly duplicate: boolean;
}

export class WebhookSender {
  readonly attempts: DeliveryAttempt[] = [];
  private readonly now: () => number;
  private readonly timers: SenderTimers;
  private readonly delays: readonly number[];
  private readonly random: () => number;
  private readonly retrying = new Map<unknown, Message>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private consecutiveFailures = 0;
  private nextEventId = 1;
  /** Propstreet disabled the subscription (a 410, or 10 failures in a row). */
  disabled = false;
  /** Messages given up on (retries spent, or the subscription disabled), for a replay. */
  private readonly exhausted: { readonly message: Message; readonly at: number }[] = [];

  constructor(private readonly options: WebhookSenderOptions) {
    if (options.secrets.length === 0) throw new Error('a webhook sender needs a secret');
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
    this.delays =
      options.retryDelaysMs ?? (options.vendor === 'propstreet' ? PROPSTREET_RETRY_MS : HUBSPOT_RETRY_MS);
    this.random = seededRandom(options.seed ?? 1);
  }

  /** Delivers these events: Propstreet one message each, HubSpot in batches. */
  send(events: readonly (PropstreetWebhookEvent | HubspotWebhookEvent)[]): void {
    const messages =
      this.options.vendor === 'propstreet'
        ? events.map((e) => this.propstreetMessage(e as PropstreetWebhookEvent))
        : this.hubspotMessages(events as HubspotWebhookEvent[]);
    if (this.options.faults?.reorder) this.shuffle(messages);
    for (const m of messages) this.deliver(m, 1);
  }

  /** Something is in flight or a retry is waiting. */
  get busy(): boolean {
    return this.inFlight > 0 || this.retrying.size > 0;
  }

  /** Resolves when nothing is in flight and no retry is waiting. */
  idle(): Promise<void> {
    if (this.inFlight === 0 && this.retrying.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Propstreet's replay (PW4): up to 100 messages given up on after `sinceMs` are sent again
   * from attempt 1, in the order they were given up. Returns how many.
   */
  replay(sinceMs: number): number {
    const chosen = this.exhausted.filter((e) => e.at > sinceMs).slice(0, 100);
    for (const e of chosen) this.exhausted.splice(this.exhausted.indexOf(e), 1);
    for (const e of chosen) this.deliver(e.message, 1);
    return chosen.length;
  }

  /** Sends again after Propstreet disabled the subscription (it was enabled again through the API). */
  enable(): void {
    this.disabled = false;
    this.consecutiveFailures = 0;
  }

  /** Cancels waiting retries. */
  close(): void {
    for (const handle of this.retrying.keys()) this.timers.clear(handle);
    this.retrying.clear();
    this.checkIdle();
  }

  private propstreetMessage(event: PropstreetWebhookEvent): Message {
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    const at = event.occurredAt ?? this.now();
    // Guess: the body shape is not shown on the pages read; the receiver reads only `type`.
    const body = JSON.stringify({
      type: event.type,
      timestamp: new Date(at).toISOString(),
      data: event.data,
    });
    return { id, body: () => body, duplicate: false };
  }

  private hubspotMessages(events: readonly HubspotWebhookEvent[]): Message[] {
    const size = Math.max(1, Math.min(100, this.options.batchSize ?? 100));
    const stamped = events.map((e) => ({
      eventId: this.nextEventId++,
      subscriptionId: subscriptionIdOf(
        e.objectTypeId === undefined ? e.subscriptionType : `${e.subscriptionType}/${e.objectTypeId}`,
      ),
      portalId: this.options.portalId ?? 62515,
      appId: this.options.appId ?? 1,
      occurredAt: e.occurredAt ?? this.now(),
      subscriptionType: e.subscriptionType,
      objectId: e.objectId,
      changeSource: e.changeSource ?? 'CRM_UI',
      ...(e.objectTypeId === undefined ? {} : { objectTypeId: e.objectTypeId }),
      ...definedOf(e, OPTIONAL_FIELDS),
      ...(e.fromObjectId === undefined ? {} : { associationRemoved: e.associationRemoved ?? false }),
    }));
    const messages: Message[] = [];
    for (let i = 0; i < stamped.length; i += size) {
      const batch = stamped.slice(i, i + size);
      messages.push({
        id: String(batch[0]?.eventId ?? 0),
        body: (attempt) => JSON.stringify(batch.map((e) => ({ ...e, attemptNumber: attempt - 1 }))),
        duplicate: false,
      });
    }
    return messages;
  }

  private headers(message: Message, body: string): Record<string, string> {
    const now = this.now();
    const signed =
      this.options.vendor === 'propstreet'
        ? standardWebhookHeaders(this.options.secrets, message.id, Math.floor(now / 1000), body)
        : hubspotV3Headers(this.options.secrets[0] ?? '', 'POST', this.options.url, body, now);
    return {
      'content-type': 'application/json',
      ...signed,
      ...(this.options.test && this.options.vendor === 'propstreet' ? { 'X-Propstreet-Test': 'true' } : {}),
    };
  }

  private deliver(message: Message, attempt: number): void {
    if (this.disabled) return;
    this.inFlight++;
    void this.post(message, attempt).finally(() => {
      this.inFlight--;
      this.checkIdle();
    });
  }

  private async post(message: Message, attempt: number): Promise<void> {
    const body = message.body(attempt);
    let status = 0;
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers: this.headers(message, body),
        body,
        signal: AbortSignal.timeout(this.options.vendor === 'propstreet' ? 10_000 : 5_000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = 0;
    }
    this.attempts.push({
      message: message.id,
      attempt,
      status,
      at: this.now(),
      duplicate: message.duplicate,
    });
    if (status >= 200 && status < 300) {
      this.consecutiveFailures = 0;
      const rate = this.options.faults?.duplicateRate ?? 0;
      if (!message.duplicate && rate > 0 && this.random() < rate)
        this.deliver({ ...message, duplicate: true }, 1);
      return;
    }
    this.consecutiveFailures++;
    if (this.options.vendor === 'propstreet' && (status === 410 || this.consecutiveFailures >= 10)) {
      this.exhausted.push({ message, at: this.now() });
      this.disabled = true;
      this.close();
      return;
    }
    const wait = this.delays[attempt - 1];
    if (wait === undefined) {
      // Retries spent: the vendor gives up (and keeps it for a replay).
      this.exhausted.push({ message, at: this.now() });
      return;
    }
    const handle = this.timers.set(() => {
      this.retrying.delete(handle);
      this.deliver(message, attempt + 1);
    }, wait);
    this.retrying.set(handle, message);
  }

  private shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
  }

  private checkIdle(): void {
    if (this.inFlight > 0 || this.retrying.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** A stable subscription id per event type (a real app has one per subscription). */
function subscriptionIdOf(type: string): number {
  let h = 7;
  for (const c of type) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return h;
}
