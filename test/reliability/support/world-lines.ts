/**
 * A world on the fakes as sorted text lines, comparable between two worlds: Propstreet,
 * HubSpot and Salesforce records by email or company name (never by id, which differs from
 * world to world), the refs and keys between them, who works where (primary marked), and the
 * state store's links, tombstones and failures for the given kinds. Used by the crash sweep.
 */
import { openTenantStore } from '../../../src/app/open-store.js';
import type { E2E } from '../../e2e/support.js';

export interface StateScope {
  readonly connection: 'hubspot' | 'salesforce';
  readonly kind: 'contacts' | 'companies';
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '∅' : String(v);

export async function worldLines(e: E2E, scopes: readonly StateScope[]): Promise<string[]> {
  const out: string[] = [];
  const ps = e.sb.propstreet;
  const psContacts = new Map(ps.allContacts().map((c) => [c.id, c]));
  const psCompanies = new Map(ps.allCompanies().map((k) => [k.id, k]));
  /** A Propstreet id (a CRM key, a state link) by the record's email or name. */
  const psName = (id: unknown): string => {
    if (typeof id !== 'string' || id === '') return '∅';
    const c = psContacts.get(id);
    if (c) return `${c.email ?? c.id}${c.deletedUtc ? '(deleted)' : ''}`;
    const k = psCompanies.get(id);
    if (k) return `co:${k.name}${k.deletedUtc ? '(deleted)' : ''}`;
    return `?${id}`;
  };
  const hs = e.sb.hubspot?.control;
  const sf = e.sb.salesforce?.control;
  const hsContacts = new Map((hs?.dump() ?? []).filter((r) => !r.archived).map((r) => [r.id, r]));
  const hsCompanies = new Map((hs?.companies.dump() ?? []).filter((r) => !r.archived).map((r) => [r.id, r]));
  const sfContacts = new Map((sf?.dump() ?? []).map((r) => [text(r.Id), r]));
  const sfAccounts = new Map((sf?.accounts.dump() ?? []).map((r) => [text(r.Id), r]));
  /** A CRM id by the live record's email or name, or `gone`. */
  const crmName = (connection: string, id: string): string => {
    if (connection === 'hubspot') {
      const r = hsContacts.get(id) ?? hsCompanies.get(id);
      return r ? `hs[${r.properties.email ?? r.properties.name}]` : 'hs[gone]';
    }
    const r = sfContacts.get(id) ?? sfAccounts.get(id);
    return r ? `sf[${text(r.Email ?? r.Name)}]` : 'sf[gone]';
  };
  const refs = (list: readonly { namespace: string; id: string }[]) =>
    list
      .map((r) => `${r.namespace}:${crmName(r.namespace, r.id)}`)
      .sort()
      .join(',');

  for (const c of psContacts.values())
    if (!c.deletedUtc)
      out.push(`ps contact ${c.email} ${c.firstName} ${c.lastName} refs=${refs(c.externalRefs)}`);
  for (const k of psCompanies.values())
    if (!k.deletedUtc) out.push(`ps company ${k.name} refs=${refs(k.externalRefs)}`);
  for (const l of ps.allLinks()) {
    const c = psContacts.get(l.contactId);
    const k = psCompanies.get(l.companyId);
    if (!c || c.deletedUtc || !k || k.deletedUtc) continue;
    out.push(`ps job ${c.email} @ ${k.name} ${l.jobTitle}${c.primaryCompanyId === k.id ? ' primary' : ''}`);
  }
  for (const r of hsContacts.values()) {
    const p = r.properties;
    out.push(`hs contact ${p.email} ${p.firstname} ${p.lastname} key=${psName(p.propstreet_id)}`);
    for (const a of hs?.associatedCompanies(r.id) ?? []) {
      const co = hsCompanies.get(a.companyId);
      out.push(`hs job ${p.email} @ ${co ? co.properties.name : 'gone'}${a.primary ? ' primary' : ''}`);
    }
  }
  for (const r of hsCompanies.values())
    out.push(`hs company ${r.properties.name} key=${psName(r.properties.propstreet_id)}`);
  for (const r of sfContacts.values()) {
    const account = r.AccountId ? ` @ ${text(sfAccounts.get(text(r.AccountId))?.Name ?? 'gone')}` : '';
    out.push(
      `sf contact ${text(r.Email)} ${text(r.FirstName)} ${text(r.LastName)} key=${psName(r.Propstreet_Id__c)}${account}`,
    );
  }
  for (const r of sfAccounts.values())
    out.push(`sf account ${text(r.Name)} key=${psName(r.Propstreet_Id__c)}`);

  const store = await openTenantStore(e.config);
  try {
    for (const { connection, kind } of scopes) {
      const scope = { tenant: e.config.tenant, connection, kind };
      const at = `state ${connection}/${kind}`;
      for (const l of await store.listLinks(scope, { limit: 10_000 }))
        out.push(`${at} link ${psName(l.propstreetId)} -> ${crmName(connection, l.crmId)}`);
      for (const t of await store.listTombstones(scope, { limit: 10_000 }))
        out.push(`${at} tombstone ${psName(t.propstreetId)}${t.relinkedAt ? ' relinked' : ''}`);
      for (const f of await store.listFailures(scope))
        out.push(`${at} failure ${f.side} ${f.lastError?.slice(0, 80) ?? ''}`);
    }
  } finally {
    await store.close();
  }
  return out.sort();
}
