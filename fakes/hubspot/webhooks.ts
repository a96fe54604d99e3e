/**
 * The HubSpot fake's webhooks (docs/VENDOR-BEHAVIOUR.md, "Webhooks", HW5–HW8): every change
 * of a contact or company becomes `<object>.creation`, one `<object>.propertyChange` per
 * property whose value changed (a subscription names its properties; default all), `.deletion`
 * or `.merge` (with `primaryObjectId`, `mergedObjectIds`, `newObjectId`,
 * `numberOfPropertiesMoved`), batched by the shared sender up to 100 events a request and
 * signed with the app's client secret (v3). `changeSource`: `INTEGRATION` (with the app's id
 * as `sourceId`) for API writes — the connector's own, the echoes `serve` must absorb —,
 * `CRM_UI` for control edits (a user in the UI), `IMPORT` for seeds.
 *
 * Guesses (no page read says): a creation sends no propertyChange events for the values it
 * sets; a merge sends one merge event (no deletion of the merged records), on the new record.
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import type { WebhookSubscriptionSpec } from '../shared/webhook-outbox.js';
import type { DeliveryAttempt, HubspotWebhookEvent } from '../shared/webhook-sender.js';
import { type SubscriptionStatus, WebhookSubscriptions } from '../shared/webhook-subscriptions.js';
import type { AssociationChange, AssociationStore } from './association-store.js';
import type { ObjectStore, RecordChange } from './object-store.js';

const CHANGES = ['creation', 'propertyChange', 'deletion', 'merge', 'associationChange'] as const;
/**
 * The subscription types this fake sends (`restore` is not: the fake has no restore): the
 * legacy per-object ones and the generic `object.*` ones (HW11), which a subscription must name
 * to get (it then gets them for contacts and companies both, as two generic subscriptions with
 * `objectName: contact` and `company` would).
 */
const HUBSPOT_EVENT_TYPES: readonly string[] = [
  ...['contact', 'company'].flatMap((o) => CHANGES.map((a) => `${o}.${a}`)),
  ...CHANGES.map((a) => `object.${a}`),
];
const isGeneric = (type: string) => type.startsWith('object.');
/** HubSpot's object type ids (HW11: "raw ID format (e.g., 0-1 for contact)"). */
const OBJECT_TYPE_ID: Readonly<Record<string, string>> = { contact: '0-1', company: '0-2' };
/** The unlabeled contact→company and company→contact association types (H38, H42). */
const UNLABELED = { contactToCompany: 279, companyToContact: 280 } as const;

/** The app the fake's webhooks come from (its id is the `sourceId` of API writes). */
export const FAKE_APP_ID = 4_242_001;
/** The UI user control edits are made as. */
const UI_SOURCE_ID = 'userId:1001';

export type ChangeSource = 'INTEGRATION' | 'CRM_UI' | 'IMPORT';

export interface HubspotWebhooks {
  /** Starts sending to `spec.url`; returns the subscription's id. */
  subscribe(spec: WebhookSubscriptionSpec): string;
  /** Ends one subscription, or all. */
  unsubscribe(id?: string): void;
  subscriptions(): SubscriptionStatus[];
  attempts(id?: string): DeliveryAttempt[];
  /** Resolves when every subscription delivered (or gave up on) what it was handed. */
  idle(): Promise<void>;
}

export interface HubspotWebhookHub extends HubspotWebhooks {
  /** `/__control/webhooks…`, or undefined for other paths. */
  handle(req: FakeRequest): FakeResponse | undefined;
  /** Runs an API request's handler: its changes are `INTEGRATION` changes. */
  asIntegration<T>(handler: () => T): T;
}

export function createHubspotWebhooks(
  stores: readonly ObjectStore[],
  associations: AssociationStore,
  portalId: number,
  appId = FAKE_APP_ID,
): HubspotWebhookHub {
  let source: ChangeSource = 'CRM_UI';
  const subs = new WebhookSubscriptions<HubspotWebhookEvent>({
    vendor: 'hubspot',
    eventTypes: HUBSPOT_EVENT_TYPES,
    identity: { portalId, appId },
    accepts: (spec, e) =>
      (spec.events === undefined
        ? !isGeneric(e.subscriptionType)
        : spec.events.includes(e.subscriptionType)) &&
      (e.propertyName === undefined ||
        spec.properties === undefined ||
        spec.properties.includes(e.propertyName)),
    onActive(active) {
      for (const store of stores)
        store.onChange = active
          ? (change) => subs.emit(withGeneric(eventsOf(store, change, source, appId)))
          : undefined;
      const clock = stores[0];
      const now = () => (clock ? clock.now() : Date.now());
      associations.onChange = active
        ? (change) => subs.emit(withGeneric(associationEvents(change, sourceOf(source, appId), now())))
        : undefined;
    },
  });
  return {
    subscribe: (spec) => subs.subscribe(spec),
    unsubscribe: (id) => subs.unsubscribe(id),
    subscriptions: () => subs.list(),
    attempts: (id) => subs.attempts(id),
    idle: () => subs.idle(),
    handle: (req) => subs.handle(req),
    asIntegration(handler) {
      if (!subs.active) return handler();
      const before = source;
      source = 'INTEGRATION';
      try {
        return handler();
      } finally {
        source = before;
      }
    },
  };
}

function eventsOf(
  store: ObjectStore,
  change: RecordChange,
  current: ChangeSource,
  appId: number,
): HubspotWebhookEvent[] {
  const object = store.schema.noun;
  const changeSource = change.kind === 'creation' && change.seeded ? 'IMPORT' : current;
  const base = {
    objectId: Number(change.record.id),
    occurredAt: store.now(),
    ...sourceOf(changeSource, appId),
  };
  switch (change.kind) {
    case 'creation':
    case 'deletion':
      return [{ ...base, subscriptionType: `${object}.${change.kind}` }];
    case 'propertyChange':
      return change.changed.map(([propertyName, propertyValue]) => ({
        ...base,
        subscriptionType: `${object}.propertyChange`,
        propertyName,
        propertyValue,
      }));
    case 'merge':
      return [
        {
          ...base,
          subscriptionType: `${object}.merge`,
          primaryObjectId: Number(change.primaryId),
          mergedObjectIds: change.mergedIds.map(Number),
          newObjectId: Number(change.record.id),
          numberOfPropertiesMoved: change.moved,
        },
      ];
  }
}

function sourceOf(
  changeSource: ChangeSource,
  appId: number,
): { changeSource: ChangeSource; sourceId?: string } {
  if (changeSource === 'INTEGRATION') return { changeSource, sourceId: String(appId) };
  if (changeSource === 'CRM_UI') return { changeSource, sourceId: UI_SOURCE_ID };
  return { changeSource };
}

/**
 * One association change fires an event on each side (HW10: `contact.associationChange`
 * Sam → BlorgCorp and `company.associationChange` BlorgCorp → Sam), with HW7's
 * `associationType`, `fromObjectId`, `toObjectId` and `associationRemoved`. Guesses: `objectId`
 * is the `from` side, and a label added or removed alone (the primary moving) is an
 * association change with `associationRemoved: false`.
 */
function associationEvents(
  change: AssociationChange,
  source: { changeSource: ChangeSource; sourceId?: string },
  occurredAt: number,
): HubspotWebhookEvent[] {
  const contact = Number(change.contact);
  const company = Number(change.company);
  const common = { ...source, occurredAt, associationRemoved: change.removed };
  return [
    {
      ...common,
      subscriptionType: 'contact.associationChange',
      objectId: contact,
      associationType: 'CONTACT_TO_COMPANY',
      fromObjectId: contact,
      toObjectId: company,
    },
    {
      ...common,
      subscriptionType: 'company.associationChange',
      objectId: company,
      associationType: 'COMPANY_TO_CONTACT',
      fromObjectId: company,
      toObjectId: contact,
    },
  ];
}

/**
 * Each legacy event and its generic twin (HW11): `object.<change>` with the record's
 * `objectTypeId`; an association change also names both sides' type ids, the association's
 * type id and category. Guesses: the generic association event leaves out the legacy
 * `associationType` (HW11 lists the fields it adds, not the ones it keeps; leaving it out keeps
 * the connector from depending on it), and names the unlabeled type (279/280) whatever labels
 * moved.
 */
function withGeneric(events: readonly HubspotWebhookEvent[]): HubspotWebhookEvent[] {
  return events.flatMap((e) => [e, genericOf(e)]);
}

function genericOf(e: HubspotWebhookEvent): HubspotWebhookEvent {
  const [object = '', change = ''] = e.subscriptionType.split('.');
  const { associationType, ...rest } = e;
  const generic = {
    ...rest,
    subscriptionType: `object.${change}`,
    objectTypeId: OBJECT_TYPE_ID[object] ?? '',
  };
  if (change !== 'associationChange') return generic;
  const fromContact = associationType === 'CONTACT_TO_COMPANY';
  return {
    ...generic,
    fromObjectTypeId: fromContact ? '0-1' : '0-2',
    toObjectTypeId: fromContact ? '0-2' : '0-1',
    associationTypeId: fromContact ? UNLABELED.contactToCompany : UNLABELED.companyToContact,
    associationCategory: 'HUBSPOT_DEFINED',
  };
}
