/**
 * A links-phase world on the real fakes over HTTP: Propstreet (contacts, companies, links), a
 * CRM fake, a SQLite state store, and the contacts' and companies' id lookups over that store's
 * link rows in their own scopes, as the kinds' runs leave them.
 */

import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { Redactor } from '../../src/core/redact.js';
import type { CrmAssociations } from '../../src/crm/associations.js';
import type { CrmAdapter } from '../../src/crm/port.js';
import { type LinksResult, runLinksPhase } from '../../src/links/links-phase.js';
import { linksPorts } from '../../src/links/links-ports.js';
import type { LinksOptions } from '../../src/links/ports.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import type { Link } from '../../src/propstreet/link-schema.js';
import type { Scope, StateStore } from '../../src/state/port.js';
import { clientFor } from '../propstreet/helpers.js';
import { memoryStore } from '../support/memory-store.js';

/** This file's own: what the code under test scrubs stored error texts with. */
const redactor = new Redactor();

export interface LinksWorld {
  readonly ps: PropstreetFake;
  readonly client: PropstreetClient;
  readonly store: StateStore;
  /** The links phase's own scope (its checkpoints, shadows and meta). */
  readonly linksScope: Scope;
  /** Pairs a Propstreet contact with a CRM contact, as the contacts kind's run would. */
  linkContact(propstreetId: string, crmId: string): Promise<void>;
  linkCompany(propstreetId: string, crmId: string): Promise<void>;
  run(options?: Partial<LinksOptions>): Promise<LinksResult>;
  /** Propstreet writes made by the phase's client so far. */
  propstreetWrites(): number;
  /** The contact's live Propstreet links. */
  linksOf(contactId: string): Promise<Link[]>;
  /** The contact's employments in Propstreet: `company:title*` (star = primary), sorted. */
  employments(contactId: string): Promise<string[]>;
  close(): Promise<void>;
}

export async function startLinksWorld(crm: {
  adapter: CrmAdapter;
  associations: CrmAssociations;
  secondary: () => Promise<boolean>;
  /** None: the mapping carries no job title. */
  titleProperty?: string;
  /** Acts between the phase's read of a link and its PATCH (a person's concurrent edit), once. */
  beforeFirstPatch?: (client: PropstreetClient, linkId: string) => Promise<void>;
  /** The phase's clock (when a full scan is due); default: the wall clock. */
  now?: () => Date;
}): Promise<LinksWorld> {
  const ps = await startPropstreetFake({ rateLimit: { limit: 1_000_000 } });
  const client = clientFor(ps);
  const store = await memoryStore();
  const contactsScope = { tenant: 't1', connection: 'crm', kind: 'contacts' };
  const companiesScope = { tenant: 't1', connection: 'crm', kind: 'companies' };
  const linksScope = { tenant: 't1', connection: 'crm', kind: 'links' };
  const link = (scope: Scope) => async (propstreetId: string, crmId: string) => {
    const at = new Date().toISOString();
    const row = {
      propstreetId,
      crmId,
      shadow: null,
      propstreetEtag: null,
      crmModifiedAt: null,
      updatedAt: at,
    };
    await store.commit(scope, { upsertLinks: [row] });
  };
  let pendingAct = crm.beforeFirstPatch;
  const ports = linksPorts({
    propstreet: {
      ...client,
      patchLink: async (id, patch, o) => {
        const act = pendingAct;
        pendingAct = undefined;
        await act?.(client, id);
        return client.patchLink(id, patch, o);
      },
    },
    associations: crm.associations,
    secondary: crm.secondary,
    contactsAdapter: crm.adapter,
    ...(crm.titleProperty ? { titleProperty: crm.titleProperty } : {}),
    store,
    scopes: {
      links: linksScope,
      contacts: contactsScope,
      companies: companiesScope,
    },
    clock: { now: crm.now ?? (() => new Date()), sleep: async () => {} },
  });
  return {
    ps,
    client,
    store,
    linksScope,
    linkContact: link(contactsScope),
    linkCompany: link(companiesScope),
    run: (options = {}) =>
      runLinksPhase(ports, { dryRun: false, overlapSeconds: 0, retrySeconds: 0, redactor, ...options }),
    propstreetWrites: () => client.usage().calls.write ?? 0,
    async linksOf(contactId) {
      const out: Link[] = [];
      for await (const page of client.listLinks({ contactId })) out.push(...page.links);
      return out;
    },
    async employments(contactId) {
      const c = await client.getContact(contactId);
      return (c?.companies ?? [])
        .map((x) => `${x.id}:${x.jobTitle ?? ''}${x.id === c?.primaryCompanyId ? '*' : ''}`)
        .sort();
    },
    async close() {
      await client.close();
      await store.close();
      await ps.close();
    },
  };
}
