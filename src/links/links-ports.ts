/**
 * Binds the links phase's ports for one connection from what a tenant run has open: the
 * Propstreet client, the CRM's associations, the contacts kind's CRM adapter (its delta and the
 * contact's title) and the state store, with the scopes of the contacts', companies' and links'
 * state. The caller (syncTenant) decides the scopes, so this knows no Scope layout.
 */
import type { Clock } from '../core/clock.js';
import type { CrmAssociations } from '../crm/associations.js';
import type { CrmAdapter } from '../crm/port.js';
import type { Scope, StateStore } from '../state/port.js';
import { crmChangesOf, crmHeldContacts, crmTitles } from './crm-titles.js';
import type { LinksPorts } from './ports.js';
import { allLinked, storeLookup } from './store-lookup.js';

export interface LinksBinding {
  readonly propstreet: LinksPorts['propstreet'];
  readonly associations: CrmAssociations;
  /** False when the CRM holds only the primary company; default true. */
  readonly secondary?: () => Promise<boolean>;
  /** The CRM relates a contact to other companies only once it has a primary one (Salesforce). */
  readonly primaryFirst?: boolean;
  /** The contacts kind's adapter on the same CRM account. */
  readonly contactsAdapter: CrmAdapter;
  /** The companies kind's adapter on the same CRM account (its key says whose link ended). */
  readonly companiesAdapter?: CrmAdapter | undefined;
  /** The CRM property holding the contact's job title (the one mapped from `company.jobTitle`); none: titles stay out. */
  readonly titleProperty?: string | undefined;
  /** The title as that property holds it (cut to its mapping field's `maxLength` with `truncate`). */
  readonly titleFit?: ((title: string | null) => string | null) | undefined;
  readonly store: StateStore;
  readonly scopes: { readonly links: Scope; readonly contacts: Scope; readonly companies: Scope };
  readonly clock: Clock;
}

export function linksPorts(b: LinksBinding): LinksPorts {
  return {
    propstreet: b.propstreet,
    crm: b.associations,
    secondary: b.secondary ?? (async () => true),
    ...(b.primaryFirst ? { primaryFirst: true } : {}),
    titles: b.titleProperty ? crmTitles(b.contactsAdapter, b.titleProperty, b.titleFit) : undefined,
    ...(b.associations.readHeld ? {} : { heldContacts: crmHeldContacts(b.contactsAdapter) }),
    contacts: storeLookup(b.store, b.scopes.contacts),
    companies: storeLookup(b.store, b.scopes.companies),
    endedCompanies: async (ids) =>
      new Set(
        (await b.store.tombstonesByPropstreetIds(b.scopes.companies, ids))
          .filter((t) => t.relinkedAt === null)
          .map((t) => t.propstreetId),
      ),
    ...(b.companiesAdapter
      ? {
          endedCrmCompanies: keyedCompanies(b.companiesAdapter),
          mergedCompanies: mergedInto(b.companiesAdapter),
        }
      : {}),
    crmChanges: crmChangesOf(b.contactsAdapter, b.titleProperty),
    ...(b.associations.changes ? { relationChanges: b.associations.changes } : {}),
    ...(b.associations.deleted ? { deletedLinks: b.associations.deleted } : {}),
    allContacts: () => allLinked(b.store, b.scopes.contacts),
    linkedContacts: () => b.store.countLinks(b.scopes.contacts),
    store: b.store,
    scope: b.scopes.links,
    clock: b.clock,
  };
}

/** The CRM companies among `ids` that carry a Propstreet key (read in the adapter's batches). */
function keyedCompanies(adapter: CrmAdapter): (ids: readonly string[]) => Promise<ReadonlySet<string>> {
  return async (ids) => {
    if (ids.length === 0) return new Set();
    const records = await adapter.readByIds(ids);
    return new Set(records.filter((r) => (r.properties[adapter.keyProperty] ?? '') !== '').map((r) => r.id));
  };
}

/** Of these CRM companies, those merged away, with the record each went into (one batch read). */
function mergedInto(adapter: CrmAdapter): (ids: readonly string[]) => Promise<ReadonlyMap<string, string>> {
  return async (ids) => {
    if (ids.length === 0) return new Map();
    const wanted = new Set(ids);
    const out = new Map<string, string>();
    for (const r of await adapter.readByIds(ids))
      if (r.mergedInto !== undefined && wanted.has(r.id)) out.set(r.id, r.mergedInto);
    return out;
  };
}
