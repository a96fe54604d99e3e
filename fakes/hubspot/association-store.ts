/**
 * Contact ↔ company associations (HubSpot's associations v4), the minimum the connector needs:
 * HubSpot-defined types only. An association is one pair with a set of types, seen from either
 * side: contact→company 279 (unlabeled) and 1 (Primary company), whose reverse types are
 * company→contact 280 and 2. Every association carries the unlabeled type; a contact has at
 * most one primary company, so making another one primary moves it.
 */
import type { FakeObjectType } from './object-schema.js';

/** Each type id seen from the other side. */
const REVERSE: Readonly<Record<number, number>> = { 279: 280, 280: 279, 1: 2, 2: 1 };

/** The types that may be written from `from` towards the other object. */
export function allowedTypes(from: FakeObjectType): readonly number[] {
  return from === 'contacts' ? [279, 1] : [280, 2];
}

/** Labels HubSpot shows for its own types (null for the unlabeled ones). */
export function typeLabel(typeId: number): string | null {
  if (typeId === 1) return 'Primary';
  if (typeId === 2) return 'Contact with Primary Company';
  return null;
}

export interface Associated {
  readonly toId: string;
  /** Type ids from the asking side, unlabeled first. */
  readonly typeIds: readonly number[];
}

/** A contact–company pair whose association types changed (webhooks.ts turns it into events). */
export interface AssociationChange {
  readonly contact: string;
  readonly company: string;
  /** The pair is no longer associated at all (a label removed alone is not a removal). */
  readonly removed: boolean;
}

export class AssociationStore {
  /** Told of every pair whose types changed; set while a webhook subscription is active. */
  onChange: ((change: AssociationChange) => void) | undefined;
  /** contact id → company id → contact→company type ids. */
  private readonly byContact = new Map<string, Map<string, Set<number>>>();
  /** company id → contact ids: the reverse index, so a company's count costs no scan. */
  private readonly byCompany = new Map<string, Set<string>>();

  /** Adds `typeIds` (written from `from`) between a contact and a company; the unlabeled type always. */
  associate(from: FakeObjectType, fromId: string, toId: string, typeIds: readonly number[]): void {
    const [contact, company] = from === 'contacts' ? [fromId, toId] : [toId, fromId];
    const types = new Set([279, ...typeIds.map((t) => (from === 'contacts' ? t : (REVERSE[t] ?? t)))]);
    if (types.has(1)) this.clearPrimary(contact, company);
    const companies = this.byContact.get(contact) ?? new Map<string, Set<number>>();
    this.byContact.set(contact, companies);
    const current = companies.get(company) ?? new Set<number>();
    const before = current.size;
    for (const t of types) current.add(t);
    companies.set(company, current);
    if (current.size !== before) this.onChange?.({ contact, company, removed: false });
    const contacts = this.byCompany.get(company) ?? new Set<string>();
    contacts.add(contact);
    this.byCompany.set(company, contacts);
  }

  /** Removes every association between each pair (all types), as batch archive does. */
  dissociate(from: FakeObjectType, fromId: string, toIds: readonly string[]): void {
    for (const toId of toIds) {
      const [contact, company] = from === 'contacts' ? [fromId, toId] : [toId, fromId];
      const had = this.byContact.get(contact)?.delete(company) ?? false;
      this.byCompany.get(company)?.delete(contact);
      if (had) this.onChange?.({ contact, company, removed: true });
    }
  }

  /**
   * How many contacts a company is associated with, counting only those `counts` accepts (the
   * live ones: an archived contact is not listed as associated — a guess).
   */
  contactCount(company: string, counts: (contact: string) => boolean): number {
    let n = 0;
    for (const contact of this.byCompany.get(company) ?? []) if (counts(contact)) n += 1;
    return n;
  }

  /** What `fromId` is associated with, in ascending id order, types from its side. */
  associated(from: FakeObjectType, fromId: string): Associated[] {
    const out: Associated[] = [];
    if (from === 'contacts') {
      for (const [company, types] of this.byContact.get(fromId) ?? [])
        out.push({ toId: company, typeIds: sorted(types) });
    } else {
      for (const [contact, companies] of this.byContact) {
        const types = companies.get(fromId);
        if (types)
          out.push({ toId: contact, typeIds: sorted(new Set([...types].map((t) => REVERSE[t] ?? t))) });
      }
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  /**
   * A record merged away: its associations move to the merged record, labels included. The
   * merge moves the primary record's first, and a Primary label the merged contact holds
   * already is not taken again: HubSpot's "Updated merge functionality for contacts and
   * companies" (H8: "the merged record will prioritize associations from the primary
   * record, and excess 'primary' associations from secondary records will be dropped"), so the
   * other record's primary company stays associated, unlabeled.
   */
  moveRecord(objectType: FakeObjectType, fromId: string, intoId: string): void {
    const hasPrimary =
      objectType === 'contacts' && [...(this.byContact.get(intoId)?.values() ?? [])].some((t) => t.has(1));
    for (const { toId, typeIds } of this.associated(objectType, fromId)) {
      this.dissociate(objectType, fromId, [toId]);
      this.associate(objectType, intoId, toId, hasPrimary ? typeIds.filter((t) => t !== 1) : typeIds);
    }
  }

  /** The contact's primary label leaves every other company (a contact has one primary). */
  private clearPrimary(contact: string, keep: string): void {
    for (const [company, types] of this.byContact.get(contact) ?? [])
      if (company !== keep && types.delete(1)) this.onChange?.({ contact, company, removed: false });
  }
}

/** Unlabeled first (HubSpot lists it alongside any label), then the labels by id. */
function sorted(types: ReadonlySet<number>): number[] {
  const unlabeled = (t: number) => (t === 279 || t === 280 ? 0 : 1);
  return [...types].sort((a, b) => unlabeled(a) - unlabeled(b) || a - b);
}
