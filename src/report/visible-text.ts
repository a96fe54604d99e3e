/**
 * Characters in data that must not reach a screen as themselves: C0 and C1 controls (ESC
 * starts a terminal escape sequence, BEL rings, NUL truncates in some viewers; C1 `\x9b` is a
 * one-byte CSI some terminals honour) and the bidi controls that reorder text on screen, so
 * `\u202Egnp.exe` reads as `exe.png` (Trojan Source, CVE-2021-42574). Each is shown as its
 * escape (`\x1b`, `\u202e`), so a reader sees that it was there.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_BUT_LAYOUT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** What JSON.stringify leaves as is: DEL, C1 and the bidi controls (it escapes C0 itself). */
const CONTROLS_JSON_KEEPS = /[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeOf(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Every control character visible, newlines and tabs included (one terminal line per row). */
export function visibleControls(text: string): string {
  return text.replace(CONTROLS, escapeOf);
}

/** The same, keeping tab, newline and carriage return for the format to lay out (HTML, Markdown). */
export function visibleControlsKeepingLayout(text: string): string {
  return text.replace(CONTROLS_BUT_LAYOUT, escapeOf);
}

/**
 * JSON text with the controls JSON.stringify leaves raw written as `\uXXXX` escapes: the same
 * JSON value, but safe to print on a terminal (`--json` often is).
 */
export function terminalSafeJson(json: string): string {
  return json.replace(CONTROLS_JSON_KEEPS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
