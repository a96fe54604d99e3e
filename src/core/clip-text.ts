/**
 * Bounds a text that leaves the process (`--json`, reports, the state file), with a marker
 * saying how much was cut: a contact's 300 KB name made `--json` 506 KB and the HTML report
 * 2 MB when failure labels and field values were printed whole. Clip after redacting: a
 * secret cut in half would no longer be recognised.
 */

/** A record's display name (failure and report labels). */
export const LABEL_MAX = 200;
/** A field value shown before → after, or in a conflict. */
export const VALUE_MAX = 1_000;
/** An error message, a reason, a validation problem. */
export const MESSAGE_MAX = 2_000;

export function clipText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  // Never leave half a surrogate pair (an emoji) before the marker.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…[${text.length - end} more characters]`;
}

export function clipNullable(text: string | null, max: number): string | null {
  return text === null ? null : clipText(text, max);
}

/** Characters of a word a secret could be part of (tokens, keys, base64, URL-encoded). */
const WORDISH = /[A-Za-z0-9\-._~+/=%]/;

/**
 * The start of a payload quoted in an error message, which is redacted later, as a whole: a cut
 * inside a long word would leave a secret's first characters, which the redactor no longer
 * recognises as the secret. The word the cut falls in is left out whole.
 */
export function excerpt(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  if (WORDISH.test(text.charAt(end)) && WORDISH.test(text.charAt(end - 1)))
    while (end > 0 && WORDISH.test(text.charAt(end - 1))) end--;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
