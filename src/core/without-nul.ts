/**
 * `value` without U+0000: it means nothing in any field or message (a bad import, a buggy
 * integration), and PostgreSQL's text cannot store it. The mapping drops it from values, the
 * state stores from the texts they keep.
 */
export function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}
