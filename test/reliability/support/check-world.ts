/**
 * Does reality match the model? Reads the three fakes and the state file directly (not
 * through propsync) and lists every broken invariant: duplicates on any side, links that
 * disagree between the sides and the state store, people missing or with other values than
 * the users last gave them.
 */
import Database from 'better-sqlite3';
import { openMapper } from '../../../src/app/open-connection.js';
import type { ConnectionConfig } from '../../../src/config/index.js';
import type { RecordMapper } from '../../../src/engine/record-mapper.js';
import { contactSchema } from '../../../src/propstreet/schema.js';
import type { SideName, World } from './world.js';

export interface WorldCheck {
  readonly problems: string[];
  readonly counts: Record<SideName, number>;
  /** Duplicates of any kind found (a Propstreet contact linked twice, a key used twice, …). */
  readonly duplicates: number;
  /** Intended people missing on some side. */
  readonly missing: number;
}

interface Crm {
  readonly namespace: string;
  readonly side: 'hubspot' | 'salesforce';
  readonly records: { id: string; key: string | null; properties: Record<string, string | null> }[];
  readonly mapper: RecordMapper;
}

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();
const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');

export async function checkWorld(world: World, options: { requireLinks?: boolean } = {}): Promise<WorldCheck> {
  const requireLinks = options.requireLinks ?? true;
  const config = await world.config();
  const problems: string[] = [];
  let duplicates = 0;
  let missing = 0;
  const dup = (msg: string) => {
    duplicates++;
    problems.push(msg);
  };
  const conn = (type: string) => config.connections.find((c) => c.type === type) as ConnectionConfig;
  const hsConn = conn('hubspot');
  const sfConn = conn('salesforce');

  const ps = world.sb.propstreet
    .allContacts()
    .filter((c) => !c.deletedUtc)
    .map((c) => contactSchema.parse(c));
  const crms: Crm[] = [
    {
      namespace: hsConn.namespace,
      side: 'hubspot',
      mapper: openMapper(hsConn),
      records: world.sb
        .hubspot!.control.dump()
        .filter((c) => !c.archived)
        .map((c) => ({ id: c.id, key: c.properties.propstreet_id ?? null, properties: { ...c.properties } })),
    },
    {
      namespace: sfConn.namespace,
      side: 'salesforce',
      mapper: openMapper(sfConn),
      records: world.sb.salesforce!.control.dump().map((r) => ({
        id: r.Id as string,
        key: (r.Propstreet_Id__c as string | null) ?? null,
        properties: Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
        ),
      })),
    },
  ];

  // Propstreet: one contact per email, at most one ref per namespace, no ref shared.
  const psByEmail = new Map<string, (typeof ps)[number]>();
  const refOwner = new Map<string, string>();
  for (const c of ps) {
    const email = lower(c.email);
    if (psByEmail.has(email)) dup(`propstreet: two contacts with email ${email} (${psByEmail.get(email)!.id}, ${c.id})`);
    psByEmail.set(email, c);
    for (const crm of crms) {
      const refs = c.externalRefs.filter((r) => lower(r.namespace) === lower(crm.namespace));
      if (refs.length > 1) dup(`propstreet ${c.id}: ${refs.length} refs in namespace ${crm.namespace}`);
    }
    for (const r of c.externalRefs) {
      const key = `${lower(r.namespace)}/${r.id}`;
      const owner = refOwner.get(key);
      if (owner) dup(`propstreet: contacts ${owner} and ${c.id} both hold external ref ${key}`);
      refOwner.set(key, c.id);
    }
  }
  const psById = new Map(ps.map((c) => [c.id, c]));

  const db = new Database(world.stateFile, { readonly: true, fileMustExist: true });
  try {
    for (const crm of crms) {
      const byEmail = new Map<string, (typeof crm.records)[number]>();
      const byKey = new Map<string, string>();
      for (const r of crm.records) {
        const email = lower(crm.mapper.fromCrm({ ...r, modifiedAt: '', deleted: false }).email);
        if (byEmail.has(email)) dup(`${crm.side}: two records with email ${email} (${byEmail.get(email)!.id}, ${r.id})`);
        byEmail.set(email, r);
        if (r.key) {
          if (byKey.has(r.key)) dup(`${crm.side}: key ${r.key} on records ${byKey.get(r.key)} and ${r.id}`);
          byKey.set(r.key, r.id);
          const owner = psById.get(r.key);
          const ref = owner?.externalRefs.find((x) => lower(x.namespace) === lower(crm.namespace));
          if (!owner) problems.push(`${crm.side} ${r.id}: key ${r.key} names no live Propstreet contact`);
          else if (requireLinks && ref?.id !== r.id)
            problems.push(`${crm.side} ${r.id}: key ${r.key}, but that contact's ref is ${ref?.id ?? 'missing'}`);
        } else if (requireLinks) problems.push(`${crm.side} ${r.id}: no key`);
      }
      // The state store agrees with both sides.
      const links = db
        .prepare(
          `SELECT l.propstreet_id AS p, l.crm_id AS c FROM links l JOIN scopes s ON s.id = l.scope_id
           WHERE s.tenant = ? AND s.connection = ?`,
        )
        .all('bridge', crm.side) as { p: string; c: string }[];
      const linkByPs = new Map(links.map((l) => [l.p, l.c]));
      for (const l of links) {
        const rec = crm.records.find((r) => r.id === l.c);
        if (!psById.has(l.p)) problems.push(`state ${crm.side}: link ${l.p}⇄${l.c}, contact gone`);
        if (!rec) problems.push(`state ${crm.side}: link ${l.p}⇄${l.c}, CRM record gone`);
        else if (rec.key !== l.p) problems.push(`state ${crm.side}: link ${l.p}⇄${l.c}, record key ${rec.key}`);
      }
      if (requireLinks)
        for (const c of ps)
          if (linkByPs.get(c.id) === undefined) problems.push(`state ${crm.side}: contact ${c.id} has no link`);

      // Every person the users intended, with their latest values.
      for (const [email, want] of world.intended) {
        const r = byEmail.get(email);
        if (!r) {
          missing++;
          problems.push(`${crm.side}: ${email} is missing`);
          continue;
        }
        const got = crm.mapper.fromCrm({ ...r, modifiedAt: '', deleted: false });
        compare(problems, `${crm.side} ${r.id}`, want, got);
      }
    }
  } finally {
    db.close();
  }
  const psMapper = crms[0]!.mapper;
  for (const [email, want] of world.intended) {
    const c = psByEmail.get(email);
    if (!c) {
      missing++;
      problems.push(`propstreet: ${email} is missing`);
    } else compare(problems, `propstreet ${c.id}`, want, psMapper.fromPropstreet(c));
  }
  for (const c of ps)
    if (!world.intended.has(lower(c.email))) problems.push(`propstreet ${c.id}: nobody created ${c.email}`);

  return {
    problems,
    duplicates,
    missing,
    counts: { propstreet: ps.length, hubspot: crms[0]!.records.length, salesforce: crms[1]!.records.length },
  };
}

function compare(
  problems: string[],
  where: string,
  want: { firstName: string; lastName: string; email: string; phone: string },
  got: Readonly<Record<string, string | null>>,
): void {
  const diffs: string[] = [];
  if ((got.firstName ?? '') !== want.firstName) diffs.push(`firstName ${got.firstName} ≠ ${want.firstName}`);
  if ((got.lastName ?? '') !== want.lastName) diffs.push(`lastName ${got.lastName} ≠ ${want.lastName}`);
  if (lower(got.email) !== lower(want.email)) diffs.push(`email ${got.email} ≠ ${want.email}`);
  if (digits(got.phone) !== digits(want.phone)) diffs.push(`phone ${got.phone} ≠ ${want.phone}`);
  if (diffs.length > 0) problems.push(`${where}: ${diffs.join(', ')}`);
}
