/**
 * Duplicate rules, active by default as in real orgs, and the standard-like Contact rule. A
 * standard rule's action is Allow with Alert on create; through the API an alert is an error
 * (DUPLICATES_DETECTED) unless the request carries `Sforce-Duplicate-Rule-Header: allowSave=true`
 * (API 52.0+). On edit a rule runs only when a field of its matching rule changed value, and
 * fails the save only when its edit action alerts (`alertsOnEdit`).
 *
 * Contact matching, a simplification of the Standard Contact Matching Rule: the same Email (any
 * case), or a fuzzy first name (exact, an initial, or Jaro-Winkler ≥ 0.85) with the same last
 * name once accents, case and everything but letters are dropped ("Last 1" ≈ "Last 2"). Blank
 * names never match (the standard rule's "don't match blank fields").
 */
import type { RecordError } from './save-rules.js';
import type { SObjectRow } from './soql-eval.js';

/** How a rule finds candidates: the ids under a key of one of its indexes, and rows by id. */
export interface RuleLookup {
  ids(index: string, key: string): ReadonlySet<string>;
  row(id: string): Readonly<SObjectRow> | undefined;
}

export interface DuplicateRule {
  /** `duplicateRuleEntityType`: the object the rule is on. */
  readonly object: string;
  readonly name: string;
  readonly matchRule: string;
  /** The alert text, which the API returns as the error message. */
  readonly alert: string;
  /** The edit action alerts (fails an API edit) rather than only reporting. */
  readonly alertsOnEdit: boolean;
  /** The fields whose change makes the rule run again on an edit. */
  readonly matchFields: readonly string[];
  /** Index name → the key a row is filed under ('' = not filed); the table keeps these for live rows. */
  readonly indexes: Readonly<Record<string, (row: Readonly<SObjectRow>) => string>>;
  /** Live records the rule matches `row` with (`row` itself may be among them). */
  matches(row: Readonly<SObjectRow>, lookup: RuleLookup): Iterable<string>;
}

/** At most this many matches are listed in a DUPLICATES_DETECTED result. */
export const MAX_MATCHES = 10;

/** Lower-case letters only, accents dropped: the key names are compared on. */
function nameKey(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

export function matchFieldsChanged(
  rule: DuplicateRule,
  before: Readonly<SObjectRow>,
  after: Readonly<SObjectRow>,
): boolean {
  return rule.matchFields.some((f) => (before[f] ?? null) !== (after[f] ?? null));
}

function firstNamesMatch(a: unknown, b: unknown): boolean {
  const x = nameKey(a);
  const y = nameKey(b);
  if (x === '' || y === '') return false;
  if (x === y) return true;
  if ((x.length === 1 && y.startsWith(x)) || (y.length === 1 && x.startsWith(y))) return true;
  return jaroWinkler(x, y) >= 0.85;
}

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters). */
function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aHit = new Array<boolean>(a.length).fill(false);
  const bHit = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (bHit[j] || a[i] !== b[j]) continue;
      aHit[i] = true;
      bHit[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let k = 0;
  let halfTranspositions = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aHit[i]) continue;
    while (!bHit[k]) k++;
    if (a[i] !== b[k]) halfTranspositions++;
    k++;
  }
  const m = matches;
  const jaro = (m / a.length + m / b.length + (m - halfTranspositions / 2) / m) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/**
 * Whether a request's `Sforce-Duplicate-Rule-Header` saves past alerts: `allowSave=true`
 * among its `;`-separated fields, on API 52.0 or later (older versions ignore the header).
 */
export function allowSaveFrom(header: string | string[] | undefined, version: string): boolean {
  if (typeof header !== 'string' || Number(version) < 52) return false;
  return header.split(';').some((part) => {
    const [k, v] = part.split('=').map((s) => s.trim().toLowerCase());
    return k === 'allowsave' && v === 'true';
  });
}

/**
 * The error a rule with the Allow action returns to an API save without allowSave: the
 * DuplicateError of the SOAP/REST object model, `duplicateResult` with the matched ids.
 */
export function duplicatesDetectedError(
  rule: DuplicateRule,
  matchIds: readonly string[],
  version: string,
): RecordError {
  return {
    statusCode: 'DUPLICATES_DETECTED',
    message: rule.alert,
    fields: [],
    duplicateResult: {
      // true: the rule's action is Allow (an alert the caller may save past), not Block.
      allowSave: true,
      duplicateRule: rule.name,
      duplicateRuleEntityType: rule.object,
      errorMessage: rule.alert,
      matchResults: [
        {
          entityType: rule.object,
          errors: [],
          matchEngine: 'FuzzyMatchEngine',
          matchRecords: matchIds.map((id) => ({
            additionalInformation: [],
            fieldDiffs: [],
            matchConfidence: 100,
            record: {
              attributes: {
                type: rule.object,
                url: `/services/data/v${version}/sobjects/${rule.object}/${id}`,
              },
              Id: id,
            },
          })),
          rule: rule.matchRule,
          size: matchIds.length,
          success: true,
        },
      ],
    },
  };
}

/**
 * The standard-like Contact rule (see the file comment): Allow with Alert on create, Allow with
 * Report on edit (S31: the standard rule's default edit action only reports).
 */
export const CONTACT_DUPLICATE_RULE: DuplicateRule = {
  object: 'Contact',
  name: 'Standard_Contact_Duplicate_Rule',
  matchRule: 'Standard_Contact_Match_Rule_v1_1',
  alert: 'Use one of these records?',
  alertsOnEdit: false,
  matchFields: ['FirstName', 'LastName', 'Email'],
  indexes: {
    email: (row) => (typeof row.Email === 'string' ? row.Email.toLowerCase() : ''),
    lastName: (row) => nameKey(row.LastName),
  },
  matches(row, lookup) {
    const found = new Set<string>();
    const email = typeof row.Email === 'string' ? row.Email.toLowerCase() : '';
    if (email !== '') for (const o of lookup.ids('email', email)) found.add(o);
    const last = nameKey(row.LastName);
    if (last !== '') {
      for (const o of lookup.ids('lastName', last)) {
        if (found.size > MAX_MATCHES) break;
        if (firstNamesMatch(row.FirstName, lookup.row(o)?.FirstName)) found.add(o);
      }
    }
    return found;
  },
};
