/**
 * A standard-like Contact duplicate rule, active by default as in real orgs. Salesforce's
 * Standard Contact Duplicate Rule has the action Allow with Alert on create and edit; through
 * the API an alert is an error (DUPLICATES_DETECTED) unless the request carries
 * `Sforce-Duplicate-Rule-Header: allowSave=true` (API 52.0+). On edit it runs only when a field
 * of its matching rule changed value.
 *
 * Matching, a simplification of the Standard Contact Matching Rule: the same Email (any case),
 * or a fuzzy first name (exact, an initial, or Jaro-Winkler ≥ 0.85) with the same last name
 * once accents, case and everything but letters are dropped ("Last 1" ≈ "Last 2"). Blank
 * names never match (the standard rule's "don't match blank fields").
 */
import type { RecordError } from './contact-rules.js';
import type { ContactRow } from './soql-eval.js';

/** The fields whose change makes the rule run again on an edit. */
const MATCH_FIELDS = ['FirstName', 'LastName', 'Email'] as const;

const RULE = 'Standard_Contact_Duplicate_Rule';
const MATCH_RULE = 'Standard_Contact_Match_Rule_v1_1';
/** The standard rule's alert text, which the API returns as the error message. */
const ALERT = 'Use one of these records?';

/** Lower-case letters only, accents dropped: the key names are compared on. */
export function nameKey(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]/gu, '');
}

export function matchFieldsChanged(before: Readonly<ContactRow>, after: Readonly<ContactRow>): boolean {
  return MATCH_FIELDS.some((f) => (before[f] ?? null) !== (after[f] ?? null));
}

export function firstNamesMatch(a: unknown, b: unknown): boolean {
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
export function duplicatesDetectedError(matchIds: readonly string[], version: string): RecordError {
  return {
    statusCode: 'DUPLICATES_DETECTED',
    message: ALERT,
    fields: [],
    duplicateResult: {
      // true: the rule's action is Allow (an alert the caller may save past), not Block.
      allowSave: true,
      duplicateRule: RULE,
      duplicateRuleEntityType: 'Contact',
      errorMessage: ALERT,
      matchResults: [
        {
          entityType: 'Contact',
          errors: [],
          matchEngine: 'FuzzyMatchEngine',
          matchRecords: matchIds.map((id) => ({
            additionalInformation: [],
            fieldDiffs: [],
            matchConfidence: 100,
            record: {
              attributes: { type: 'Contact', url: `/services/data/v${version}/sobjects/Contact/${id}` },
              Id: id,
            },
          })),
          rule: MATCH_RULE,
          size: matchIds.length,
          success: true,
        },
      ],
    },
  };
}
