/**
 * What the tenant file needs to know of the object kinds a connection can sync: their names,
 * the order a run takes them in, the match rules each one has, and each one's defaults (the
 * built-in mapping file and the CRM key). All of it is read from the kinds' specs (src/kinds).
 */
import type { CrmKind, MatchRule } from '../core/vocabulary.js';
import { KIND_NAMES, KINDS, type KindName } from '../kinds/index.js';

export const OBJECT_KINDS = KIND_NAMES;
export type ObjectKind = KindName;

/**
 * The order a connection's kinds run in, whatever order the file lists them in: a contact's
 * companies exist before the contact's associations to them are written.
 */
const RUN_ORDER: readonly ObjectKind[] = ['companies', 'contacts'];

export function inRunOrder<T extends { readonly kind: ObjectKind }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => RUN_ORDER.indexOf(a.kind) - RUN_ORDER.indexOf(b.kind));
}

/** The kind's built-in mapping file for a CRM, relative to the package root. */
export function defaultMappingFile(kind: ObjectKind, crm: CrmKind): string {
  return KINDS[kind].mappingFile(crm);
}

/** The CRM property (HubSpot) / external-id field (Salesforce) holding the Propstreet id by default. */
export function defaultKey(kind: ObjectKind, crm: CrmKind): string {
  const spec = KINDS[kind].crm;
  return crm === 'hubspot' ? spec.hubspot.keyProperty : spec.salesforce.keyField;
}

/** The link's mirrors pair records of every kind. */
const MIRROR_RULES: readonly MatchRule[] = ['externalRef', 'key'];

/** The match rules that apply to `kind`: the mirrors, and one per match field of the kind. */
export function matchRulesOf(kind: ObjectKind): readonly string[] {
  return [...MIRROR_RULES, ...KINDS[kind].matchFields.map((f) => f.name)];
}

/**
 * The connection's rules a kind takes: those that apply to it, or the mirrors when none does
 * (`match: [email]` pairs contacts by email only; companies still pair by their mirrors).
 */
export function inheritedMatch(kind: ObjectKind, rules: readonly MatchRule[]): MatchRule[] {
  const own = rules.filter((r) => matchRulesOf(kind).includes(r));
  return own.length > 0 ? own : [...MIRROR_RULES];
}

/** What a CRM calls the kind's records, for messages ("HubSpot's own company properties", "a standard Account field"). */
export function crmObjectName(kind: ObjectKind, crm: CrmKind): string {
  return crm === 'hubspot' ? KINDS[kind].noun.one : KINDS[kind].crm.salesforce.sObject;
}
