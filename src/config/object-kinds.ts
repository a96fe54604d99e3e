/**
 * What the tenant file needs to know of the object kinds a connection can sync: their names,
 * the order a run takes them in, the match rules each one has, and each one's defaults (the
 * built-in mapping file and the CRM key). The kinds themselves are src/kinds; these are the
 * same facts as the kinds' specs declare them.
 */
import type { CrmKind, MatchRule } from '../core/vocabulary.js';

export const OBJECT_KINDS = ['contacts', 'companies'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/**
 * The order a connection's kinds run in, whatever order the file lists them in: a contact's
 * companies exist before the contact's associations to them are written.
 */
const RUN_ORDER: readonly ObjectKind[] = ['companies', 'contacts'];

export function inRunOrder<T extends { readonly kind: ObjectKind }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => RUN_ORDER.indexOf(a.kind) - RUN_ORDER.indexOf(b.kind));
}

interface KindDefaults {
  /** The built-in mapping file per CRM, relative to the package root. */
  readonly mappingFile: Readonly<Record<CrmKind, string>>;
  /** The CRM property (HubSpot) / external-id field (Salesforce) holding the Propstreet id. */
  readonly key: Readonly<Record<CrmKind, string>>;
  /** The opt-in match rules that pair by one of the kind's fields. */
  readonly fieldRules: readonly string[];
}

const DEFAULTS: Readonly<Record<ObjectKind, KindDefaults>> = {
  contacts: {
    mappingFile: {
      hubspot: 'mappings/hubspot.contacts.yaml',
      salesforce: 'mappings/salesforce.contacts.yaml',
    },
    key: { hubspot: 'propstreet_id', salesforce: 'Propstreet_Id__c' },
    fieldRules: ['email'],
  },
  companies: {
    mappingFile: {
      hubspot: 'mappings/hubspot.companies.yaml',
      salesforce: 'mappings/salesforce.accounts.yaml',
    },
    key: { hubspot: 'propstreet_id', salesforce: 'Propstreet_Id__c' },
    fieldRules: ['domain', 'name'],
  },
};

export function kindDefaults(kind: ObjectKind): KindDefaults {
  return DEFAULTS[kind];
}

/** The link's mirrors pair records of every kind. */
const MIRROR_RULES: readonly MatchRule[] = ['externalRef', 'key'];

/** The match rules that apply to `kind`: the mirrors, and its own fields' rules. */
export function matchRulesOf(kind: ObjectKind): readonly string[] {
  return [...MIRROR_RULES, ...DEFAULTS[kind].fieldRules];
}

/**
 * The connection's rules a kind takes: those that apply to it, or the mirrors when none does
 * (`match: [email]` pairs contacts by email only; companies still pair by their mirrors).
 */
export function inheritedMatch(kind: ObjectKind, rules: readonly MatchRule[]): MatchRule[] {
  const own = rules.filter((r) => matchRulesOf(kind).includes(r));
  return own.length > 0 ? own : [...MIRROR_RULES];
}

/** What a CRM's records of the kind are called, for messages ("contact property", "Account field"). */
export const CRM_OBJECT_NAMES: Readonly<Record<ObjectKind, Readonly<Record<CrmKind, string>>>> = {
  contacts: { hubspot: 'contact', salesforce: 'Contact' },
  companies: { hubspot: 'company', salesforce: 'Account' },
};
