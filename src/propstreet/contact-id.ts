/**
 * What a Propstreet contact id looks like. The reference types `Contact.id` as a string and
 * every example is a number (`GET /contacts/789`, the cursor `{"u":…,"i":12345}`); other
 * Propstreet ids are "opaque strings". So the test is deliberately loose: a short token of
 * letters, digits, `-` and `_`. It is enough to tell a property of Propstreet ids from one
 * holding people's data: emails (`@`, `.`), websites (`.`, `/`, `:`), formatted phone numbers
 * (`+`, spaces) and names with spaces all fail it.
 */
const SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function looksLikePropstreetId(value: string): boolean {
  return SHAPE.test(value);
}
