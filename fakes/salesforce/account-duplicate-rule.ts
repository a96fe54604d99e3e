/**
 * A standard-like Account duplicate rule. Salesforce's Standard Account Duplicate Rule is active
 * by default; its action on create is Allow with Alert ("Use one of these records?"), so an API
 * create it matches fails with DUPLICATES_DETECTED unless the request saves past it; its action on
 * edit is Allow with Report only, so an edit never fails by it (`alertsOnEdit: false`).
 *
 * Matching, a simplification of the Standard Account Matching Rule (its equation was not read, see
 * docs/VENDOR-BEHAVIOUR.md): the same company name once case, accents, punctuation and a legal-form
 * suffix (Inc, Ltd, GmbH, AB…) are dropped, and one more field agreeing: the billing street, the
 * billing city with the postal code, or the phone's digits. Blank fields never match.
 */
import { type DuplicateRule, MAX_MATCHES } from './duplicate-rule.js';

const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'ltd',
  'limited',
  'plc',
  'gmbh',
  'ag',
  'ab',
  'as',
  'asa',
  'oy',
  'sa',
  'sarl',
  'bv',
  'nv',
]);

/** Lower-case letters and digits of the name, accents and a trailing legal form dropped. */
function companyKey(value: unknown): string {
  if (typeof value !== 'string') return '';
  const words = value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
  while (words.length > 1 && LEGAL_FORMS.has(words.at(-1) ?? '')) words.pop();
  return words.join('');
}

function textKey(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '') : '';
}

function digits(value: unknown): string {
  const d = typeof value === 'string' ? value.replace(/\D/g, '') : '';
  return d.length >= 7 ? d : '';
}

type Row = Parameters<DuplicateRule['matches']>[0];

function same(a: Row, b: Row, key: (v: unknown) => string, f: string): boolean {
  const x = key(a[f]);
  return x !== '' && x === key(b[f]);
}

export const ACCOUNT_DUPLICATE_RULE: DuplicateRule = {
  object: 'Account',
  name: 'Standard_Account_Duplicate_Rule',
  matchRule: 'Standard_Account_Match_Rule_v1_0',
  alert: 'Use one of these records?',
  alertsOnEdit: false,
  matchFields: ['Name', 'BillingStreet', 'BillingCity', 'BillingPostalCode', 'Phone'],
  indexes: { company: (row) => companyKey(row.Name) },
  matches(row, lookup) {
    const found = new Set<string>();
    const name = companyKey(row.Name);
    if (name === '') return found;
    for (const id of lookup.ids('company', name)) {
      if (found.size > MAX_MATCHES) break;
      const other = lookup.row(id);
      if (!other) continue;
      const located =
        same(row, other, textKey, 'BillingStreet') ||
        (same(row, other, textKey, 'BillingCity') && same(row, other, textKey, 'BillingPostalCode')) ||
        same(row, other, digits, 'Phone');
      if (located) found.add(id);
    }
    return found;
  },
};
