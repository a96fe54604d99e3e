/**
 * The upsert of one contact by external ref, as the single PATCH and the batch both apply it
 * (…/tag/contacts/patch/api/v1/network/contacts/external/namespace/id): the ref's holder is
 * updated (revived when deleted and `revive`), else with `match=email` the live contact with
 * that email gains the ref, else a contact is created holding the ref.
 */
import { applyWrite, EMPTY_DATA, hasIdentifier } from './contact-apply.js';
import type { FakeContact, FakeExternalRef, FieldErrors, ValidWrite } from './contact-types.js';
import { refKey } from './contact-validation.js';
import type { FakeNetwork } from './network.js';
import type { Failure } from './versioned-store.js';

export type UpsertAction = 'created' | 'updated' | 'revived';

export type UpsertOutcome =
  | { ok: true; status: 200 | 201; record: FakeContact; action: UpsertAction }
  | Failure
  | { ok: false; status: 400; errors: FieldErrors };

export const NO_IDENTIFIER = { contact: ['At least one of name, email or phone is required.'] };

export function upsertContact(
  net: FakeNetwork,
  origin: string,
  ref: FakeExternalRef,
  w: ValidWrite,
  options: { readonly match: boolean; readonly revive: boolean },
): UpsertOutcome {
  const withRef = (refs: FakeExternalRef[]): FakeExternalRef[] =>
    refs.some((r) => refKey(r.namespace, r.id) === refKey(ref.namespace, ref.id)) ? refs : [...refs, ref];
  const holder = net.contacts.byRef(ref.namespace, ref.id);
  if (holder && (holder.deletedUtc === null || options.revive)) {
    const write = { ...w, externalRefs: withRef(holder.externalRefs) };
    const action = holder.deletedUtc === null ? 'updated' : 'revived';
    return done(net.contacts.update(holder.id, write, origin, { revive: true }), 200, action);
  }
  const email = w.email ?? w.emails?.[0]?.address;
  const byEmail = options.match && email ? net.contacts.liveByEmail(email) : undefined;
  if (byEmail) {
    const write = { ...w, externalRefs: withRef(byEmail.externalRefs) };
    return done(net.contacts.update(byEmail.id, write, origin), 200, 'updated');
  }
  const write = { ...w, externalRefs: [ref] };
  if (!hasIdentifier(applyWrite(EMPTY_DATA, write))) return { ok: false, status: 400, errors: NO_IDENTIFIER };
  return done(net.contacts.create(write, origin), 201, 'created');
}

function done(
  o: ReturnType<FakeNetwork['contacts']['create']>,
  status: 200 | 201,
  action: UpsertAction,
): UpsertOutcome {
  return o.ok ? { ok: true, status, record: o.record, action } : o;
}
