/**
 * SOQL text the adapter sends. String literals escape backslash and single quote (SOQL's reserved
 * characters) and the control characters SOQL has escapes for; anything else is kept as is.
 * Datetime literals are unquoted `YYYY-MM-DDThh:mm:ssZ`, floored to the second so a `>=` bound
 * never skips a record inside that second.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

export function soqlString(value: string): string {
  return `'${value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ESCAPES[c] ?? c)}'`;
}

/**
 * A LIKE pattern matching text that contains `value`: SOQL's `\%` and `\_` escape the wildcards
 * (valid in LIKE only), after the usual string escapes.
 */
export function soqlLikeContains(value: string): string {
  return `'%${likeLiteral(value)}%'`;
}

/** Text matched literally inside a LIKE pattern: the string escapes, then the wildcards'. */
function likeLiteral(value: string): string {
  return value.replace(/[\\'"\n\r\t\b\f]/g, (c) => ESCAPES[c] ?? c).replace(/[%_]/g, (c) => `\\${c}`);
}

/**
 * A LIKE pattern matching text that starts with `value`'s words in order, whatever runs of
 * whitespace stand between them (`Acme  Fastigheter AB`, a non-breaking space): `'acme%fastigheter%ab%'`.
 * Anchored at the start so an index on the field can serve it; wider than the words (a
 * longer name matches too), so the caller compares what it finds.
 */
export function soqlLikeWords(value: string): string {
  const words = value.split(/\s+/).filter((w) => w !== '');
  return `'${words.map(likeLiteral).join('%')}%'`;
}

export function soqlDateTime(at: number | Date): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** A query with a malformed id fails as a whole (INVALID_QUERY_FILTER_OPERATOR), so ids are checked first. */
export function isSalesforceId(value: string): boolean {
  return ID.test(value);
}

/** Salesforce field API names: letters, digits, underscores (`Propstreet_Id__c`). */
export function assertFieldName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name))
    throw new Error(`not a Salesforce field name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * Splits values for `IN (…)` lists: at most `maxCount` each and at most `maxChars` of literal text,
 * so the GET URL stays far below Salesforce's URI limit even for long emails.
 */
export function chunkForIn(values: readonly string[], maxCount = 200, maxChars = 6000): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const v of values) {
    const size = soqlString(v).length + 1;
    if (current.length > 0 && (current.length >= maxCount || chars + size > maxChars)) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(v);
    chars += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function inList(field: string, values: readonly string[]): string {
  return `${assertFieldName(field)} IN (${values.map(soqlString).join(', ')})`;
}

/** The system fields every read selects besides the configured ones. */
const SYSTEM_FIELDS = ['Id', 'SystemModstamp', 'IsDeleted', 'MasterRecordId'] as const;

export function selectList(fields: readonly string[], externalIdField: string): string {
  const all = [...fields, ...SYSTEM_FIELDS, externalIdField].map(assertFieldName);
  const seen = new Set<string>();
  return all.filter((f) => !seen.has(f.toLowerCase()) && seen.add(f.toLowerCase())).join(', ');
}
