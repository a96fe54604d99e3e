/**
 * The Propstreet fake's webhooks (docs/VENDOR-BEHAVIOUR.md, "Webhooks", PW1/PW2/SW1): every
 * committed version of a contact, company or link — a user's edit, an API write (the
 * connector's own included: those are the echoes `serve` must absorb), a seed, a bump of a
 * related record — becomes one `contact|company|link.created|updated|deleted` event for each
 * subscription that takes that type, signed and delivered as Standard Webhooks by the shared
 * sender. The event type follows the version's `changeType` (a revive is an update, as in the
 * delta). The body is `{type, timestamp, data}` with the record as the API serves it (SW1's
 * recommended shape with a "full" payload: a guess, no Propstreet page shows a body).
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import type { WebhookSubscriptionSpec } from '../shared/webhook-outbox.js';
import type { DeliveryAttempt, PropstreetWebhookEvent } from '../shared/webhook-sender.js';
import { type SubscriptionStatus, WebhookSubscriptions } from '../shared/webhook-subscriptions.js';
import type { FakeCompany } from './company-types.js';
import type { FakeContact } from './contact-types.js';
import type { FakeNetwork } from './network.js';
import type { Commit } from './versioned-store.js';

/**
 * The valid values of `events` (PW2): the nine of PW1, and project.* and prospect.*, which a
 * subscription may name but this fake never sends (it holds no projects or prospects).
 */
export const PROPSTREET_EVENT_TYPES: readonly string[] = [
  'contact',
  'company',
  'link',
  'project',
  'prospect',
].flatMap((r) => ['created', 'updated', 'deleted'].map((a) => `${r}.${a}`));

const RESOURCE: Readonly<Record<string, string>> = { Contact: 'contact', Company: 'company', Link: 'link' };
const ACTION = { create: 'created', update: 'updated', delete: 'deleted' } as const;

/** The control surface of the fake's webhook subscriptions (also over HTTP, see webhook-subscriptions.ts). */
export interface PropstreetWebhooks {
  /** Starts sending to `spec.url`; returns the subscription's id. */
  subscribe(spec: WebhookSubscriptionSpec): string;
  /** Ends one subscription, or all. */
  unsubscribe(id?: string): void;
  subscriptions(): SubscriptionStatus[];
  attempts(id?: string): DeliveryAttempt[];
  /** Resolves when every subscription delivered (or gave up on) what it was handed. */
  idle(): Promise<void>;
  /** Sends again the messages given up on after `sinceMs` (at most 100); undefined: no such subscription. */
  replay(id: string, sinceMs: number): number | undefined;
  /** Sends again after the fake disabled the subscription (410, or 10 failures in a row). */
  enable(id: string): boolean;
}

export interface PropstreetWebhookHub extends PropstreetWebhooks {
  /** `/__control/webhooks…`, or undefined for other paths. */
  handle(req: FakeRequest): FakeResponse | undefined;
}

export function createPropstreetWebhooks(net: FakeNetwork): PropstreetWebhookHub {
  const view = ({ noun, record }: Commit): Record<string, unknown> => {
    if (noun === 'Contact') return { ...net.contactView(record as FakeContact) };
    if (noun === 'Company') return { ...net.companyView(record as FakeCompany) };
    return { ...record };
  };
  const subs = new WebhookSubscriptions<PropstreetWebhookEvent>({
    vendor: 'propstreet',
    eventTypes: PROPSTREET_EVENT_TYPES,
    accepts: (spec, e) => spec.events === undefined || spec.events.includes(e.type),
    onActive(active) {
      net.db.onCommit = active
        ? (commit) => {
            const resource = RESOURCE[commit.noun];
            if (resource === undefined) return;
            // The record now: the delivery goes out after this request, when it may have changed again.
            const data = structuredClone(view(commit));
            subs.emit([{ type: `${resource}.${ACTION[commit.type]}`, data, occurredAt: Date.now() }]);
          }
        : undefined;
    },
  });
  return {
    subscribe: (spec) => subs.subscribe(spec),
    unsubscribe: (id) => subs.unsubscribe(id),
    subscriptions: () => subs.list(),
    attempts: (id) => subs.attempts(id),
    idle: () => subs.idle(),
    replay: (id, since) => subs.replay(id, since),
    enable: (id) => subs.enable(id),
    handle: (req) => subs.handle(req),
  };
}
