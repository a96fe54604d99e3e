/**
 * Propstreet deliveries follow Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix
 * seconds) and `webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256 of
 * "{id}.{timestamp}.{raw body}">` keyed by the base64 key after `whsec_` (several entries while
 * Propstreet rotates the secret). See docs/VENDOR-BEHAVIOUR.md, "Webhooks".
 *
 * The `standardwebhooks` library decodes the secret and computes the signature; the timestamp
 * window and the comparison are done here, because the library's `verify` reads the wall clock
 * (`Date.now()`) and reports every failure as one error class with a message to parse.
 */
import { Webhook } from 'standardwebhooks';
import { sameSignature } from './constant-time.js';
import { type Headers, headerValue, reject, type Verification } from './verification.js';

/** Standard Webhooks' default, and the library's: five minutes either way. */
const PROPSTREET_TOLERANCE_SECONDS = 5 * 60;
/** More entries than any rotation needs; bounds the work a forged header can cause. */
const MAX_SIGNATURES = 16;

export interface PropstreetDelivery {
  readonly headers: Headers;
  readonly body: Buffer;
}

export interface PropstreetVerifierOptions {
  /** `whsec_…` secrets; more than one while the operator rotates ours. */
  readonly secrets: readonly string[];
  readonly toleranceSeconds?: number;
}

export type PropstreetVerifier = (delivery: PropstreetDelivery, now: Date) => Verification;

/** Throws on a secret that is not `whsec_` + base64 of at least one byte (a config error, found at start). */
export function createPropstreetVerifier(options: PropstreetVerifierOptions): PropstreetVerifier {
  if (options.secrets.length === 0) throw new Error('no Propstreet webhook secret');
  const signers = options.secrets.map((secret) => new Webhook(secret));
  const tolerance = options.toleranceSeconds ?? PROPSTREET_TOLERANCE_SECONDS;

  return ({ headers, body }, now) => {
    const id = headerValue(headers, 'webhook-id');
    const stamp = headerValue(headers, 'webhook-timestamp');
    const signature = headerValue(headers, 'webhook-signature');
    if (id === undefined || stamp === undefined || signature === undefined) return reject('missing-headers');
    if (!/^\d{1,12}$/.test(stamp)) return reject('bad-timestamp');
    const seconds = Number(stamp);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (nowSeconds - seconds > tolerance) return reject('stale');
    if (seconds - nowSeconds > tolerance) return reject('future');

    const sentAt = new Date(seconds * 1000);
    const expected = signers.map((s) => s.sign(id, sentAt, body).slice('v1,'.length));
    const offered = signature
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .slice(0, MAX_SIGNATURES)
      .map((entry) => entry.slice('v1,'.length));
    // Every pair is compared (no early exit), so the time taken says nothing about which matched.
    let matched = false;
    for (const theirs of offered)
      for (const ours of expected) if (sameSignature(theirs, ours)) matched = true;
    return matched ? { ok: true, sentAt } : reject('bad-signature');
  };
}
