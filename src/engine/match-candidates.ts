/**
 * The CRM record each match rule finds for unlinked Propstreet contacts: by the contact's
 * externalRef, by the CRM key (the contact's id), or (opt-in) by a unique email. A match that
 * is not unique is reported as ambiguous, never guessed. From staging when every live CRM
 * record is staged (a first sync), else through the CRM port.
 */
import type { CrmRecord } from '../crm/port.js';
import type { Contact } from '../propstreet/schema.js';
import type { ResolverDeps } from './pair-resolver.js';
import type { MatchRule } from './types.js';

export type Candidate = { readonly record: CrmRecord } | { readonly ambiguous: string };

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

export function externalRefFor(contact: Contact, namespace: string): string | undefined {
  return contact.externalRefs.find((r) => r.namespace.toLowerCase() === namespace.toLowerCase())?.id;
}

/** Candidates by contact id. */
export async function candidatesBy(
  rule: MatchRule,
  remaining: readonly Contact[],
  deps: ResolverDeps,
): Promise<Map<string, Candidate>> {
  switch (rule) {
    case 'externalRef':
      return byExternalRef(remaining, deps);
    case 'key':
      return byKey(remaining, deps);
    case 'email':
      return byEmail(remaining, deps);
  }
}

async function byExternalRef(
  remaining: readonly Contact[],
  deps: ResolverDeps,
): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  const wanted = new Map<string, string>();
  for (const c of remaining) {
    const ref = externalRefFor(c, deps.settings.namespace);
    if (ref) wanted.set(ref, c.id);
  }
  if (wanted.size === 0) return found;
  const records = await readCrmByIds([...wanted.keys()], deps);
  for (const r of records) {
    const id = wanted.get(r.id);
    if (id !== undefined && !r.deleted) found.set(id, { record: r });
  }
  // A ref to a record merged into one that another contact keeps: the link ended with the
  // merge (merge-pairs.ts); creating the contact again would undo the CRM's merge. The merge's
  // tombstone holds the contact back first; this still holds when it was relinked or the
  // tenant recreates (deletes.recreate).
  const merged = records.flatMap((r) => (r.mergedInto ? [{ id: r.id, into: r.mergedInto }] : []));
  if (merged.length === 0) return found;
  const survivors = merged.map((m) => m.into);
  const kept = new Map((await deps.store.linksByCrmIds(deps.scope, survivors)).map((l) => [l.crmId, l]));
  for (const m of merged) {
    const other = kept.get(m.into);
    const id = wanted.get(m.id);
    if (other && id !== undefined)
      found.set(id, {
        ambiguous: `merged in the CRM: its record ${m.id} is now ${m.into}, linked to Propstreet contact ${other.propstreetId}; merge the contacts in Propstreet`,
      });
  }
  return found;
}

async function byKey(remaining: readonly Contact[], deps: ResolverDeps): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  const ids = remaining.map((c) => c.id);
  const records = deps.crmFullyStaged ? deps.staging.crmByKeys(ids) : await deps.crm.readByKeys(ids);
  for (const r of records) {
    const key = r.properties[deps.crm.keyProperty];
    if (key && !r.deleted) found.set(key, { record: r });
  }
  return found;
}

async function byEmail(remaining: readonly Contact[], deps: ResolverDeps): Promise<Map<string, Candidate>> {
  const found = new Map<string, Candidate>();
  const emailProp = deps.mapper.crmEmailProperty;
  if (!emailProp) return found;
  const byEmail = new Map<string, Contact[]>();
  for (const c of remaining) {
    const e = lower(c.email);
    if (e) byEmail.set(e, [...(byEmail.get(e) ?? []), c]);
  }
  if (byEmail.size === 0) return found;
  const emails = [...byEmail.keys()];
  const records = deps.crmFullyStaged
    ? deps.staging.crmByEmails(emails)
    : await deps.crm.findByEmails(emails);
  const recordsByEmail = new Map<string, CrmRecord[]>();
  for (const r of records) {
    const e = lower(r.properties[emailProp]);
    if (e && !r.deleted) recordsByEmail.set(e, [...(recordsByEmail.get(e) ?? []), r]);
  }
  for (const [email, contacts] of byEmail) {
    const matches = recordsByEmail.get(email) ?? [];
    const [only] = matches;
    if (!only) continue;
    for (const c of contacts)
      found.set(
        c.id,
        matches.length > 1 || contacts.length > 1
          ? {
              ambiguous: `email ${email} matches ${matches.length} CRM records and ${contacts.length} contacts`,
            }
          : { record: only },
      );
  }
  return found;
}

/** CRM records by id: staged ones first, the rest read (none when every live record is staged). */
export async function readCrmByIds(ids: readonly string[], deps: ResolverDeps): Promise<CrmRecord[]> {
  const staged = deps.staging.peekCrm(ids);
  const missing = deps.crmFullyStaged ? [] : ids.filter((id) => !staged.has(id));
  const read = missing.length > 0 ? await deps.crm.readByIds(missing) : [];
  return [...staged.values(), ...read];
}
