/**
 * Turns a chunk of changed records into contact pairs: finds each record's partner through
 * the stored link, else the Propstreet externalRef, else the CRM key property, else (when the
 * tenant enables it) a unique email match. Reads only; never writes. A match that is not
 * unique is reported, never guessed.
 */
import type { CrmAdapter, CrmRecord } from '../crm/port.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Contact } from '../propstreet/schema.js';
import type { Link, Scope, StateStore } from '../state/port.js';
import type { PairState } from './plan-pair.js';
import type { RecordMapper } from './record-mapper.js';
import type { Staging } from './staging.js';
import type { SyncSettings } from './types.js';

export interface ResolverDeps {
  readonly store: StateStore;
  readonly crm: CrmAdapter;
  readonly propstreet: PropstreetApi;
  readonly staging: Staging;
  readonly mapper: RecordMapper;
  readonly settings: SyncSettings;
  readonly scope: Scope;
  /** Every live CRM record is staged (a first sync read them all): match from staging, no API calls. */
  readonly crmFullyStaged: boolean;
  /** Ids of the contacts in this chunk whose current version is our own write coming back. */
  readonly echoes: (chunk: readonly Contact[]) => Promise<Set<string>>;
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

export function externalRefFor(contact: Contact, namespace: string): string | undefined {
  return contact.externalRefs.find((r) => r.namespace.toLowerCase() === namespace.toLowerCase())?.id;
}

/** Pairs for a chunk of Propstreet contacts. */
export async function pairsForPropstreet(
  chunk: readonly Contact[],
  deps: ResolverDeps,
): Promise<PairState[]> {
  const { store, crm, staging, settings, scope } = deps;
  const links = new Map(
    (
      await store.linksByPropstreetIds(
        scope,
        chunk.map((c) => c.id),
      )
    ).map((l) => [l.propstreetId, l]),
  );
  // Merged-away records are left for the CRM pass, which moves their links to the survivor.
  const peeked = staging.peekCrm([...links.values()].map((l) => l.crmId));
  const staged = staging.takeCrm([...peeked.values()].filter((r) => !r.mergedInto).map((r) => r.id));

  const echoes = await deps.echoes(chunk);
  const pairs = new Map<string, PairState>();
  const unlinked: Contact[] = [];
  for (const c of chunk) {
    const link = links.get(c.id);
    const echo = echoes.has(c.id);
    if (link)
      pairs.set(c.id, { propstreet: c, crm: staged.get(link.crmId) ?? null, link, propstreetEcho: echo });
    else if (c.deletedUtc) pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: echo });
    else unlinked.push(c);
  }

  // Candidates from each rule, in the tenant's order; the first rule that finds one wins.
  let remaining = unlinked;
  for (const rule of settings.match) {
    if (remaining.length === 0) break;
    const found = new Map<string, { record: CrmRecord } | { ambiguous: string }>();
    if (rule === 'externalRef') {
      const wanted = new Map<string, string>();
      for (const c of remaining) {
        const ref = externalRefFor(c, settings.namespace);
        if (ref) wanted.set(ref, c.id);
      }
      if (wanted.size > 0) {
        const records = await readCrmByIds([...wanted.keys()], deps);
        for (const r of records) if (!r.deleted) found.set(wanted.get(r.id)!, { record: r });
      }
    } else if (rule === 'key') {
      const ids = remaining.map((c) => c.id);
      const records = deps.crmFullyStaged ? staging.crmByKeys(ids) : await crm.readByKeys(ids);
      for (const r of records) {
        const key = r.properties[crm.keyProperty];
        if (key && !r.deleted) found.set(key, { record: r });
      }
    } else if (rule === 'email' && deps.mapper.crmEmailProperty) {
      const emailProp = deps.mapper.crmEmailProperty;
      const byEmail = new Map<string, Contact[]>();
      for (const c of remaining) {
        const e = lower(c.email);
        if (e) byEmail.set(e, [...(byEmail.get(e) ?? []), c]);
      }
      if (byEmail.size > 0) {
        const emails = [...byEmail.keys()];
        const records = deps.crmFullyStaged ? staging.crmByEmails(emails) : await crm.findByEmails(emails);
        const recordsByEmail = new Map<string, CrmRecord[]>();
        for (const r of records) {
          const e = lower(r.properties[emailProp]);
          if (e && !r.deleted) recordsByEmail.set(e, [...(recordsByEmail.get(e) ?? []), r]);
        }
        for (const [email, contacts] of byEmail) {
          const matches = recordsByEmail.get(email) ?? [];
          if (matches.length === 0) continue;
          for (const c of contacts) {
            if (matches.length > 1 || contacts.length > 1)
              found.set(c.id, {
                ambiguous: `email ${email} matches ${matches.length} CRM records and ${contacts.length} contacts`,
              });
            else found.set(c.id, { record: matches[0]! });
          }
        }
      }
    }
    // A CRM record already linked to another contact is never taken over.
    const taken = new Set(
      (
        await store.linksByCrmIds(
          scope,
          [...found.values()].flatMap((f) => ('record' in f ? [f.record.id] : [])),
        )
      ).map((l) => l.crmId),
    );
    const next: Contact[] = [];
    for (const c of remaining) {
      const f = found.get(c.id);
      if (!f) next.push(c);
      else if ('ambiguous' in f)
        pairs.set(c.id, {
          propstreet: c,
          crm: null,
          link: null,
          propstreetEcho: false,
          skipReason: f.ambiguous,
        });
      else if (taken.has(f.record.id))
        pairs.set(c.id, {
          propstreet: c,
          crm: null,
          link: null,
          propstreetEcho: false,
          skipReason: `matched CRM record ${f.record.id} by ${rule}, but it is linked to another contact`,
        });
      else {
        staging.takeCrm([f.record.id]);
        pairs.set(c.id, {
          propstreet: c,
          crm: f.record,
          link: newLink(c.id, f.record.id),
          linkedBy: rule,
          propstreetEcho: false,
        });
      }
    }
    remaining = next;
  }
  for (const c of remaining) pairs.set(c.id, { propstreet: c, crm: null, link: null, propstreetEcho: false });
  return chunk.map((c) => pairs.get(c.id)!);
}

/** Pairs for a chunk of CRM records that no Propstreet change in this run paired with. */
export async function pairsForCrm(chunk: readonly CrmRecord[], deps: ResolverDeps): Promise<PairState[]> {
  const { store, crm, settings, scope, propstreet } = deps;
  const links = new Map(
    (
      await store.linksByCrmIds(
        scope,
        chunk.map((r) => r.id),
      )
    ).map((l) => [l.crmId, l]),
  );
  const out: PairState[] = [];
  const survivors = new Map<string, Link>();
  for (const r of chunk) {
    const link = links.get(r.id);
    if (r.mergedInto) {
      // A merged-away record is not a delete: its link follows the survivor.
      if (link) survivors.set(r.mergedInto, link);
      continue;
    }
    if (link) {
      out.push({ propstreet: null, crm: r, link, propstreetEcho: false });
      continue;
    }
    if (r.deleted) {
      out.push({ propstreet: null, crm: r, link: null, propstreetEcho: false });
      continue;
    }
    const key = r.properties[crm.keyProperty];
    if (key && settings.match.includes('key')) {
      // The key says which contact this is: recover a link whose write-back was lost.
      const [existing] = await store.linksByPropstreetIds(scope, [key]);
      const contact = existing ? null : await propstreet.getContact(key);
      if (existing) {
        out.push({
          propstreet: null,
          crm: r,
          link: null,
          propstreetEcho: false,
          skipReason: `key ${key} is linked to CRM record ${existing.crmId}`,
        });
      } else if (contact && !contact.deletedUtc) {
        out.push({
          propstreet: contact,
          crm: r,
          link: newLink(contact.id, r.id),
          linkedBy: 'key',
          propstreetEcho: false,
        });
      } else {
        out.push({
          propstreet: null,
          crm: r,
          link: null,
          propstreetEcho: false,
          skipReason: `key ${key} names a Propstreet contact that is gone`,
        });
      }
      continue;
    }
    out.push({ propstreet: null, crm: r, link: null, propstreetEcho: false });
  }
  if (survivors.size > 0) {
    const records = new Map((await readCrmByIds([...survivors.keys()], deps)).map((r) => [r.id, r]));
    const taken = new Map((await store.linksByCrmIds(scope, [...survivors.keys()])).map((l) => [l.crmId, l]));
    for (const [survivorId, link] of survivors) {
      const survivor = records.get(survivorId);
      const other = taken.get(survivorId);
      if (!survivor || (other && other.propstreetId !== link.propstreetId)) {
        // Two linked records merged into one: the survivor keeps its contact; this contact
        // is unlinked (the CRM says it is the same person: merging contacts is for a human).
        out.push({
          propstreet: null,
          crm: { id: link.crmId, properties: {}, modifiedAt: new Date(0).toISOString(), deleted: true },
          link,
          propstreetEcho: false,
          mergedAway: `merged into ${survivorId}, which is ${survivor ? 'linked to another contact' : 'gone'}`,
        });
        continue;
      }
      deps.staging.takeCrm([survivorId]);
      out.push({
        propstreet: null,
        crm: survivor,
        link: { ...link, crmId: survivorId },
        linkedBy: 'merge',
        propstreetEcho: false,
      });
    }
  }
  return out;
}

async function readCrmByIds(ids: readonly string[], deps: ResolverDeps): Promise<CrmRecord[]> {
  const staged = deps.staging.peekCrm(ids);
  const missing = deps.crmFullyStaged ? [] : ids.filter((id) => !staged.has(id));
  const read = missing.length > 0 ? await deps.crm.readByIds(missing) : [];
  return [...staged.values(), ...read];
}

function newLink(propstreetId: string, crmId: string): Link {
  return { propstreetId, crmId, shadow: null, propstreetEtag: null, crmModifiedAt: null, updatedAt: '' };
}

/**
 * A link without a shadow (new, or linked to an existing duplicate) is merged with both
 * sides read: assuming "unchanged since the shadow" would be wrong when there is none.
 */
export async function completeNewLinks(pairs: PairState[], deps: ResolverDeps): Promise<PairState[]> {
  const needCrm = pairs
    .filter((p) => p.link && p.link.shadow === null && !p.crm && !p.skipReason)
    .map((p) => p.link!.crmId);
  const crmRecords =
    needCrm.length > 0 ? new Map((await readCrmByIds(needCrm, deps)).map((r) => [r.id, r])) : new Map();
  const out: PairState[] = [];
  for (const p of pairs) {
    if (!p.link || p.link.shadow !== null || p.skipReason) {
      out.push(p);
      continue;
    }
    let next = p;
    if (!next.crm) {
      const crm = crmRecords.get(p.link.crmId);
      next = crm
        ? { ...next, crm }
        : { ...next, skipReason: `linked CRM record ${p.link.crmId} was not found` };
    }
    if (!next.propstreet && !next.skipReason) {
      const contact = await deps.propstreet.getContact(p.link.propstreetId);
      next = contact
        ? { ...next, propstreet: contact }
        : { ...next, skipReason: `linked contact ${p.link.propstreetId} was not found` };
    }
    out.push(next);
  }
  return out;
}
