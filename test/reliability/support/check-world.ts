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

export type ProblemKind = 'duplicate' | 'missing' | 'value' | 'link' | 'mirror' | 'extra';

export interface Problem {
  readonly kind: ProblemKind;
  readonly text: string;
}

export interface WorldCheck {
  readonly problems: Problem[];
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
/** Hostile-input tests plant records under this domain; they are judged by those tests, not here. */
const HOSTILE_DOMAIN = '@hostile.test';
const planted = (email: unknown) => typeof email === 'string' && email.toLowerCase().endsWith(HOSTILE_DOMAIN);
const digits = (s: string | null | undefined) => (s ?? '').replace(/\D/g, '');

/** Problems other than `kinds`, as text (for assertions that tolerate a known bug). */
export function problemsExcept(problems: readonly Problem[], kinds: readonly ProblemKind[]): string[] {
  return problems.filter((p) => !kinds.includes(p.kind)).map((p) => `${p.kind}: ${p.text}`);
}

export async function checkWorld(world: World): Promise<WorldCheck> {
  const config = await world.config();
  const problems: Problem[] = [];
  const add = (kind: ProblemKind, text: string) => problems.push({ kind, text });
  const dup = (msg: string) => add('duplicate', msg);
  const conn = (type: string) => config.connections.find((c) => c.type === type) as ConnectionConfig;
  const hsConn = conn('hubspot');
  const sfConn = conn('salesforce');

  const allPs = world.sb.propstreet.allContacts();
  const plantedIds = new Set(allPs.filter((c) => planted(c.email)).map((c) => c.id));
  for (const c of world.sb.hubspot!.control.dump()) if (planted(c.properties.email)) plantedIds.add(c.id);
  for (const r of world.sb.salesforce!.control.dump()) if (planted(r.Email)) plantedIds.add(r.Id as string);
  const ps = allPs.filter((c) => !c.deletedUtc && !planted(c.email)).map((c) => contactSchema.parse(c));
  const crms: Crm[] = [
    {
      namespace: hsConn.namespace,
      side: 'hubspot',
      mapper: openMapper(hsConn),
      records: world.sb
        .hubspot!.control.dump()
        .filter((c) => !c.archived && !planted(c.properties.email))
        .map((c) => ({ id: c.id, key: c.properties.propstreet_id ?? null, properties: { ...c.properties } })),
    },
    {
      namespace: sfConn.namespace,
      side: 'salesforce',
      mapper: openMapper(sfConn),
      records: world.sb
        .salesforce!.control.dump()
        .filter((r) => !planted(r.Email))
        .map((r) => ({
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
    if (psByEmail.has(email))
      dup(`propstreet: two contacts with email ${email} (${psByEmail.get(email)!.id}, ${c.id})`);
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
        if (byEmail.has(email))
          dup(`${crm.side}: two records with email ${email} (${byEmail.get(email)!.id}, ${r.id})`);
        byEmail.set(email, r);
        if (!world.intended.has(email)) add('extra', `${crm.side} ${r.id}: nobody created ${email}`);
        if (r.key) {
          if (byKey.has(r.key)) dup(`${crm.side}: key ${r.key} on records ${byKey.get(r.key)} and ${r.id}`);
          byKey.set(r.key, r.id);
          const owner = psById.get(r.key);
          const ref = owner?.externalRefs.find((x) => lower(x.namespace) === lower(crm.namespace));
          if (!owner) add('link', `${crm.side} ${r.id}: key ${r.key} names no live Propstreet contact`);
          else if (ref === undefined)
            add('mirror', `${crm.side} ${r.id}: key ${r.key}, but that contact has no ref`);
          else if (ref.id !== r.id)
            add('link', `${crm.side} ${r.id}: key ${r.key}, but that contact's ref is ${ref.id}`);
        } else {
          const owner = ps.find((c) =>
            c.externalRefs.some((x) => lower(x.namespace) === lower(crm.namespace) && x.id === r.id),
          );
          add(
            owner ? 'mirror' : 'link',
            `${crm.side} ${r.id}: no key${owner ? ` (contact ${owner.id} refers to it)` : ''}`,
          );
        }
      }
      // The state store agrees with both sides.
      const links = db
        .prepare(
          `SELECT l.propstreet_id AS p, l.crm_id AS c FROM links l JOIN scopes s ON s.id = l.scope_id
           WHERE s.tenant = ? AND s.connection = ?`,
        )
        .all('bridge', crm.side) as { p: string; c: string }[];
      const linkByPs = new Map(links.map((l) => [l.p, l.c]));
      const recordById = new Map(crm.records.map((r) => [r.id, r]));
      for (const l of links) {
        if (plantedIds.has(l.p) || plantedIds.has(l.c)) continue;
        const rec = recordById.get(l.c);
        if (!psById.has(l.p)) add('link', `state ${crm.side}: link ${l.p}⇄${l.c}, contact gone`);
        if (!rec) add('link', `state ${crm.side}: link ${l.p}⇄${l.c}, CRM record gone`);
        else if (rec.key !== l.p && rec.key !== null)
          add('link', `state ${crm.side}: link ${l.p}⇄${l.c}, record key ${rec.key}`);
      }
      for (const c of ps)
        if (linkByPs.get(c.id) === undefined) add('link', `state ${crm.side}: contact ${c.id} has no link`);

      // Every person the users intended, with their latest values.
      for (const [email, want] of world.intended) {
        const r = byEmail.get(email);
        if (!r) {
          add('missing', `${crm.side}: ${email} is missing`);
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
    if (!c) add('missing', `propstreet: ${email} is missing`);
    else compare(problems, `propstreet ${c.id}`, want, psMapper.fromPropstreet(c));
  }
  for (const c of ps)
    if (!world.intended.has(lower(c.email))) add('extra', `propstreet ${c.id}: nobody created ${c.email}`);

  return {
    problems,
    duplicates: problems.filter((p) => p.kind === 'duplicate').length,
    missing: problems.filter((p) => p.kind === 'missing').length,
    counts: { propstreet: ps.length, hubspot: crms[0]!.records.length, salesforce: crms[1]!.records.length },
  };
}

function compare(
  problems: Problem[],
  where: string,
  want: { firstName: string; lastName: string; email: string; phone: string },
  got: Readonly<Record<string, string | null>>,
): void {
  const diffs: string[] = [];
  if ((got.firstName ?? '') !== want.firstName) diffs.push(`firstName ${got.firstName} ≠ ${want.firstName}`);
  if ((got.lastName ?? '') !== want.lastName) diffs.push(`lastName ${got.lastName} ≠ ${want.lastName}`);
  if (lower(got.email) !== lower(want.email)) diffs.push(`email ${got.email} ≠ ${want.email}`);
  if (digits(got.phone) !== digits(want.phone)) diffs.push(`phone ${got.phone} ≠ ${want.phone}`);
  if (diffs.length > 0) problems.push({ kind: 'value', text: `${where}: ${diffs.join(', ')}` });
}
