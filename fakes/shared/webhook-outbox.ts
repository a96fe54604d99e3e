/**
 * Between a fake's recorded changes and its `WebhookSender`: the events of one tick (one API
 * request, one control call) are gathered and handed to the sender together, so HubSpot's
 * batches hold what one request changed (up to 100 an HTTP request, as it documents), after a
 * delivery latency drawn per batch (vendors deliver asynchronously, seconds later; a jittered
 * latency also delivers batches out of the order they happened in).
 *
 * `idle()` resolves when nothing is gathered, waiting out its latency, in flight or waiting
 * for a retry: tests and the bench wait on it, never on time.
 */
import { seededRandom } from './seeded-random.js';
import {
  type DeliveryAttempt,
  type HubspotWebhookEvent,
  type PropstreetWebhookEvent,
  WebhookSender,
  type WebhookVendor,
} from './webhook-sender.js';

/** A subscription as a fake's control API takes it. */
export interface WebhookSubscriptionSpec {
  /** The target URL (any scheme here; the vendors require HTTPS). */
  readonly url: string;
  /** Propstreet: `whsec_…` secrets, each signing (several while rotating); HubSpot: the app's client secret. */
  readonly secrets: readonly string[];
  /** Event types delivered; default every type the fake sends. */
  readonly events?: readonly string[];
  /** HubSpot: the properties with a propertyChange subscription; default every property. */
  readonly properties?: readonly string[];
  /** Waits before attempt 2, 3, …; default the vendor's schedule; `[]` never retries. */
  readonly retryDelaysMs?: readonly number[];
  /** Share (0…1) of messages delivered a second time. */
  readonly duplicateRate?: number;
  /** Shuffle the messages of one batch. */
  readonly reorder?: boolean;
  /** Delay between a change and its delivery, ms [min, max], drawn per batch; default none. */
  readonly latencyMs?: readonly [number, number];
  /** HubSpot: events per request (at most 100, the default). */
  readonly batchSize?: number;
  readonly seed?: number;
}

export interface SenderIdentity {
  readonly portalId?: number;
  readonly appId?: number;
}

export class WebhookOutbox<E extends PropstreetWebhookEvent | HubspotWebhookEvent> {
  readonly sender: WebhookSender;
  /** Events handed to this outbox so far. */
  events = 0;
  private gathered: E[] = [];
  private scheduled = false;
  private readonly waiting = new Set<NodeJS.Timeout>();
  private quietWaiters: (() => void)[] = [];
  private readonly random: () => number;

  constructor(
    vendor: WebhookVendor,
    readonly spec: WebhookSubscriptionSpec,
    identity: SenderIdentity = {},
  ) {
    this.random = seededRandom((spec.seed ?? 1) + 17);
    this.sender = new WebhookSender({
      vendor,
      url: spec.url,
      secrets: spec.secrets,
      ...(spec.retryDelaysMs ? { retryDelaysMs: spec.retryDelaysMs } : {}),
      ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
      ...(spec.seed === undefined ? {} : { seed: spec.seed }),
      faults: {
        ...(spec.duplicateRate === undefined ? {} : { duplicateRate: spec.duplicateRate }),
        ...(spec.reorder === undefined ? {} : { reorder: spec.reorder }),
      },
      ...identity,
    });
  }

  push(events: readonly E[]): void {
    if (events.length === 0 || this.sender.disabled) return;
    this.events += events.length;
    this.gathered.push(...events);
    if (this.scheduled) return;
    this.scheduled = true;
    // After the current request's handler: everything it changed goes in one batch.
    setImmediate(() => this.flush());
  }

  /** Resolves when nothing is gathered, delayed, in flight or waiting for a retry. */
  async idle(): Promise<void> {
    for (;;) {
      while (this.scheduled || this.waiting.size > 0)
        await new Promise<void>((resolve) => this.quietWaiters.push(resolve));
      await this.sender.idle();
      if (!this.scheduled && this.waiting.size === 0) return;
    }
  }

  /** Drops what waits for its latency and the sender's waiting retries. */
  close(): void {
    for (const t of this.waiting) clearTimeout(t);
    this.waiting.clear();
    this.gathered = [];
    this.sender.close();
    this.checkQuiet();
  }

  /** Something is gathered, waiting for its latency, in flight or waiting for a retry. */
  get busy(): boolean {
    return this.scheduled || this.waiting.size > 0 || this.sender.busy;
  }

  get attempts(): readonly DeliveryAttempt[] {
    return this.sender.attempts;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.gathered;
    this.gathered = [];
    const [min, max] = this.spec.latencyMs ?? [0, 0];
    const wait = min + this.random() * Math.max(0, max - min);
    if (wait <= 0) this.sender.send(batch);
    else {
      const t = setTimeout(() => {
        this.waiting.delete(t);
        this.sender.send(batch);
        this.checkQuiet();
      }, wait);
      t.unref();
      this.waiting.add(t);
    }
    this.checkQuiet();
  }

  private checkQuiet(): void {
    if (this.scheduled || this.waiting.size > 0) return;
    const waiters = this.quietWaiters;
    this.quietWaiters = [];
    for (const w of waiters) w();
  }
}
