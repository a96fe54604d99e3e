/**
 * What checking one webhook delivery yields: accepted, or rejected for one stable reason. The
 * reasons are metric labels and log fields, so they are few and never carry request data.
 */

export type RejectReason =
  /** A signature or timestamp header is missing or empty. */
  | 'missing-headers'
  /** The timestamp header is not a number. */
  | 'bad-timestamp'
  /** Signed longer ago than the tolerance: a replay of a captured delivery, or a very late retry. */
  | 'stale'
  /** Signed further ahead than the tolerance: a forged timestamp or a badly skewed sender clock. */
  | 'future'
  /** No signature in the header matches any configured secret. */
  | 'bad-signature'
  /** The body is over the server's limit (answered before it is read). */
  | 'oversized'
  /** No endpoint with a configured secret at this path. */
  | 'unknown-endpoint';

export type Verification =
  | { readonly ok: true; readonly sentAt: Date }
  | { readonly ok: false; readonly reason: RejectReason };

/** Request headers as Node gives them: lower-case names, a string, a list, or absent. */
export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The one value of a header, or undefined when absent, empty or sent more than once. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export const reject = (reason: RejectReason): Verification => ({ ok: false, reason });
