/**
 * The dedup keys of one authentic delivery, and when its events happened. A vendor retries a
 * delivery with the same keys; a delivery whose every key was seen before is a duplicate.
 * An event says that a tenant+connection should run; the one thing read beyond that is the
 * contact of a HubSpot association change, which no delta shows (association-marks.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Headers } from './verification.js';
import { headerValue } from './verification.js';

export type WebhookSource = 'propstreet' | 'hubspot';

export interface DeliveryEvents {
  /** One key per event; stable across the vendor's retries. */
  readonly keys: readonly string[];
  /** The earliest moment the vendor says an event happened (or the delivery was signed). */
  readonly earliest: Date;
  /** Event types, for the log line (`contact.updated`, `contact.propertyChange`, …). */
  readonly types: readonly string[];
  /** HubSpot contact–company association changes: the event's key and the CRM contact's id. */
  readonly associations?: readonly AssociationTouch[];
  /**
   * Keys of HubSpot events the receiving app's own writes caused (`changeSource: INTEGRATION`,
   * `sourceId` = the event's `appId`): the connection writing with that app made the change.
   */
  readonly echoes?: readonly string[];
}

export interface AssociationTouch {
  readonly key: string;
  readonly crmContactId: string;
}

/** Keys are stored as state meta keys: anything long or odd is hashed to a fixed size. */
function safeKey(prefix: string, raw: string): string {
  return /^[\w.:-]{1,120}$/.test(raw)
    ? `${prefix}:${raw}`
    : `${prefix}#${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;
}

const bodyHash = (body: Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 40);

/** Propstreet (Standard Webhooks): one message per delivery, keyed by `webhook-id`. */
export function propstreetEvents(headers: Headers, body: Buffer, sentAt: Date): DeliveryEvents {
  const id = headerValue(headers, 'webhook-id');
  const type = typeOf(body);
  return {
    keys: [id === undefined ? `ps#${bodyHash(body)}` : safeKey('ps', id)],
    earliest: sentAt,
    types: type === undefined ? [] : [type],
  };
}

function typeOf(body: Buffer): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed !== null && typeof parsed === 'object' && 'type' in parsed && typeof parsed.type === 'string')
      return parsed.type.slice(0, 60);
  } catch {
    // Not JSON: still an authentic delivery; the run is what matters.
  }
  return undefined;
}

const id = z.union([z.number(), z.string()]).transform(String);
const hubspotEvent = z.object({
  eventId: id,
  subscriptionId: id.optional(),
  objectId: id.optional(),
  occurredAt: z.number().optional(),
  subscriptionType: z.string().optional(),
  eventType: z.string().optional(),
  associationType: z.string().optional(),
  fromObjectId: id.optional(),
  toObjectId: id.optional(),
  fromObjectTypeId: z.string().optional(),
  toObjectTypeId: z.string().optional(),
  changeSource: z.string().optional(),
  sourceId: id.optional(),
  appId: id.optional(),
});

/** A change the app the event is for made itself (HW9: API writes carry the app's id). */
function isOwnWrite(e: z.infer<typeof hubspotEvent>): boolean {
  return e.changeSource === 'INTEGRATION' && e.appId !== undefined && e.sourceId === e.appId;
}

const CONTACT_TYPE = '0-1';
const COMPANY_TYPE = '0-2';

/**
 * The contact of a contact–company association change: HubSpot fires it on both sides (HW10),
 * `contact.associationChange` from the contact and `company.associationChange` to it (HW7); a
 * generic `object.associationChange` (HW11) says which side is which by the object type ids.
 */
function associatedContact(e: z.infer<typeof hubspotEvent>): string | undefined {
  if (e.subscriptionType === 'contact.associationChange' && e.associationType === 'CONTACT_TO_COMPANY')
    return e.fromObjectId;
  if (e.subscriptionType === 'company.associationChange' && e.associationType === 'COMPANY_TO_CONTACT')
    return e.toObjectId;
  if (e.subscriptionType === 'object.associationChange') {
    if (e.fromObjectTypeId === CONTACT_TYPE && e.toObjectTypeId === COMPANY_TYPE) return e.fromObjectId;
    if (e.fromObjectTypeId === COMPANY_TYPE && e.toObjectTypeId === CONTACT_TYPE) return e.toObjectId;
  }
  return undefined;
}

/**
 * HubSpot: an array of events. An event is keyed by eventId, subscriptionId, objectId and
 * occurredAt together (that `eventId` alone is unique is not documented in what we read). A
 * body that is not an array, and an event that is not an event, is keyed by its hash, so its
 * retries still deduplicate.
 */
export function hubspotEvents(body: Buffer, sentAt: Date): DeliveryEvents {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0)
    return { keys: [`hs#${bodyHash(body)}`], earliest: sentAt, types: [] };
  let earliest = sentAt.getTime();
  const types = new Set<string>();
  const associations: AssociationTouch[] = [];
  const echoes: string[] = [];
  // Event by event: one malformed event is keyed by its own hash, and the others keep theirs
  // (and their association contacts).
  const keys = parsed.map((raw) => {
    const event = hubspotEvent.safeParse(raw);
    if (!event.success) return `hs#${bodyHash(Buffer.from(JSON.stringify(raw) ?? 'undefined'))}`;
    const e = event.data;
    if (e.occurredAt !== undefined && e.occurredAt < earliest) earliest = e.occurredAt;
    const type = e.subscriptionType ?? e.eventType;
    if (type !== undefined) types.add(type.slice(0, 60));
    const key = safeKey(
      'hs',
      [e.eventId, e.subscriptionId ?? '', e.objectId ?? '', e.occurredAt ?? ''].join(':'),
    );
    const crmContactId = associatedContact(e);
    if (crmContactId !== undefined && /^\d{1,30}$/.test(crmContactId))
      associations.push({ key, crmContactId });
    if (isOwnWrite(e)) echoes.push(key);
    return key;
  });
  return {
    keys: [...new Set(keys)],
    earliest: new Date(earliest),
    types: [...types],
    ...(associations.length > 0 ? { associations } : {}),
    ...(echoes.length > 0 ? { echoes } : {}),
  };
}
