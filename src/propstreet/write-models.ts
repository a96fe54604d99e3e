/**
 * Which contact members each Propstreet write request takes. The server ignores members a
 * request model lacks — a 200 that changes nothing — so a body is split between the requests
 * by these sets before it is sent, never sent whole and hoped for:
 *   - UpdateContactRequest (PATCH /contacts/{id}, If-Match): `email` and `phone` but no
 *     `emails`/`phones` lists (docs.propstreet.com/api-reference/model/UpdateContactRequest);
 *   - UpsertContactRequest (PATCH /contacts/external/{namespace}/{id}): the lists, but no
 *     `externalRefs` and no `linkedInUrl` (…/model/UpsertContactRequest).
 */
import type { ContactWrite } from './schema.js';

type Member = keyof ContactWrite;

export const UPDATE_MEMBERS: ReadonlySet<Member> = new Set<Member>([
  'firstName',
  'lastName',
  'email',
  'phone',
  'linkedInUrl',
  'primaryLanguage',
  'tags',
  'strategy',
  'externalRefs',
]);

export const UPSERT_MEMBERS: ReadonlySet<Member> = new Set<Member>([
  'firstName',
  'lastName',
  'email',
  'emails',
  'phone',
  'phones',
  'primaryLanguage',
  'tags',
  'strategy',
]);

/** A list and the primary field Propstreet keeps in step with it ("fills email/phone"). */
const LISTS: readonly (readonly [list: 'emails' | 'phones', primary: 'email' | 'phone'])[] = [
  ['emails', 'email'],
  ['phones', 'phone'],
];

export interface SplitWrite {
  /** For PATCH /contacts/{id}. */
  readonly byId: ContactWrite;
  /** For the upsert by external ref. */
  readonly byRef: ContactWrite;
}

export const isEmptyWrite = (w: ContactWrite): boolean => Object.keys(w).length === 0;

/** The members of `body` that `keep` accepts. */
function pick(body: ContactWrite, keep: (member: Member) => boolean): ContactWrite {
  return Object.fromEntries(Object.entries(body).filter(([k]) => keep(k as Member))) as ContactWrite;
}

/** Members of `body` that `members` lacks (any resource's write body). */
export function membersOutside<W extends object>(body: W, members: ReadonlySet<keyof W>): (keyof W)[] {
  return (Object.keys(body) as (keyof W)[]).filter((k) => !members.has(k));
}

/**
 * An update of an existing contact: everything the by-id PATCH takes goes there; a list goes
 * to the upsert together with its primary field, so the two are written in one request and
 * Propstreet's "first entry becomes the primary" rule cannot reassign the primary.
 */
export function splitUpdate(body: ContactWrite): SplitWrite {
  const toRef = new Set<Member>();
  for (const [list, primary] of LISTS)
    if (list in body) {
      toRef.add(list);
      toRef.add(primary);
    }
  return { byId: pick(body, (m) => !toRef.has(m)), byRef: pick(body, (m) => toRef.has(m)) };
}

/**
 * Text members whose limit is lower in UpsertContactRequest than in UpdateContactRequest (P7:
 * names 100, email 254, phone 20; the PATCH by id: 255, 255, 50, the limits page). A CRM phone of
 * 21–50 characters (Salesforce's `Phone` holds 40: "070-123 45 67 / 08-123 456 78") made every
 * create of its contact fail on the upsert, run after run.
 */
const UPSERT_LIMITS: Partial<Record<Member, number>> = {
  firstName: 100,
  lastName: 100,
  email: 254,
  phone: 20,
};

/** A member the upsert would refuse as too long, which the PATCH by id takes. */
function tooLongForUpsert(body: ContactWrite, m: Member): boolean {
  const limit = UPSERT_LIMITS[m];
  const value = body[m];
  return limit !== undefined && typeof value === 'string' && value.length > limit;
}

/**
 * A create through the upsert: what it takes goes there, the rest — and a value longer than the
 * upsert takes — to a PATCH by the new id.
 */
export function splitCreate(body: ContactWrite): SplitWrite {
  const toRef = (m: Member) => UPSERT_MEMBERS.has(m) && !tooLongForUpsert(body, m);
  return { byId: pick(body, (m) => !toRef(m)), byRef: pick(body, toRef) };
}
