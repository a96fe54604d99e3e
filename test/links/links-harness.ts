/**
 * A links-phase world on the real fakes over HTTP: Propstreet (contacts, companies, links), a
 * CRM fake, a SQLite state store, and the contacts' and companies' id lookups as plain maps (the
 * phase takes them injected; the kinds' stores bind them in a tenant run).
 */
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import type { CrmAssociations } from '../../src/crm/associations.js';
import type { CrmAdapter } from '../../src/crm/port.js';
import { crmChangesOf, crmTitles } from '../../src/links/crm-titles.js';
import { type LinksResult, runLinksPhase } from '../../src/links/links-phase.js';
import type { IdLookup, LinksOptions, LinksPorts } from '../../src/links/ports.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import type { Link } from '../../src/propstreet/link-schema.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import type { StateStore } from '../../src/state/port.js';
import { clientFor } from '../propstreet/helpers.js';

export class MapLookup implements IdLookup {
  readonly toCrm = new Map<string, string>();
  set(propstreetId: string, crmId: string): void {
    this.toCrm.set(propstreetId, crmId);
  }
  async crmIds(ids: readonly string[]) {
    return new Map(
      ids.flatMap((id) => (this.toCrm.has(id) ? [[id, this.toCrm.get(id) as string] as const] : [])),
    );
  }
  async propstreetIds(ids: readonly string[]) {
    const back = new Map([...this.toCrm].map(([p, c]) => [c, p] as const));
    return new Map(ids.flatMap((id) => (back.has(id) ? [[id, back.get(id) as string] as const] : [])));
  }
}

export interface LinksWorld {
  readonly ps: PropstreetFake;
  readonly client: PropstreetClient;
  readonly store: StateStore;
  readonly contacts: MapLookup;
  readonly companies: MapLookup;
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
  titleProperty: string;
}): Promise<LinksWorld> {
  const ps = await startPropstreetFake({ rateLimit: { limit: 1_000_000 } });
  const client = clientFor(ps);
  const store = createSqliteStateStore({ path: ':memory:' });
  await store.migrate();
  const contacts = new MapLookup();
  const companies = new MapLookup();
  const ports: LinksPorts = {
    propstreet: client,
    crm: crm.associations,
    secondary: crm.secondary,
    titles: crmTitles(crm.adapter, crm.titleProperty),
    contacts,
    companies,
    crmChanges: crmChangesOf(crm.adapter),
    allContacts: async function* () {
      yield [...contacts.toCrm.keys()];
    },
    store,
    scope: { tenant: 't1', connection: 'crm:links' },
    clock: { now: () => new Date(), sleep: async () => {} },
  };
  return {
    ps,
    client,
    store,
    contacts,
    companies,
    run: (options = {}) =>
      runLinksPhase(ports, { dryRun: false, overlapSeconds: 0, retrySeconds: 0, ...options }),
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
