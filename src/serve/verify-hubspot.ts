/**
 * HubSpot's v3 request signature: `X-HubSpot-Signature-v3` is the base64 HMAC-SHA256, keyed by
 * the app's client secret, of method + URI + raw body + `X-HubSpot-Request-Timestamp` (Unix
 * milliseconds); requests whose timestamp is more than five minutes old are rejected. The URI
 * is the one HubSpot called (scheme, host, path, query), with a fixed set of percent-encoded
 * characters decoded first. See docs/VENDOR-BEHAVIOUR.md, "Webhooks".
 *
 * Hand-written: the SDK's `Signature.isValid` (@hubspot/api-client 13.5.0) compares with `===`
 * (not constant-time), accepts any future timestamp and does not decode the URI.
 */
import { createHmac } from 'node:crypto';
import { sameSignature } from './constant-time.js';
import { type Headers, headerValue, reject, type Verification } from './verification.js';

/** HubSpot: "reject the request if the timestamp is older than 5 minutes". */
const HUBSPOT_MAX_AGE_MS = 5 * 60 * 1000;

export interface HubspotDelivery {
  readonly method: string;
  /** The full URI HubSpot called, e.g. `https://sync.example.com/webhooks/acme/hubspot/hubspot`. */
  readonly uri: string;
  readonly headers: Headers;
  readonly body: Buffer;
}

export interface HubspotVerifierOptions {
  /** The app's client secret; more than one while it is being rotated. */
  readonly secrets: readonly string[];
  readonly maxAgeMs?: number;
}

export type HubspotVerifier = (delivery: HubspotDelivery, now: Date) => Verification;

/** The characters HubSpot decodes in the URI before signing (its validating-requests page). */
const DECODED: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

export function hubspotSignedUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
}

/** The v3 signature of a request, as HubSpot computes it. */
function hubspotSignatureV3(
  secret: string,
  request: { method: string; uri: string; body: Buffer | string; timestamp: string },
): string {
  return createHmac('sha256', secret)
    .update(request.method.toUpperCase() + hubspotSignedUri(request.uri), 'utf8')
    .update(typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body)
    .update(request.timestamp, 'utf8')
    .digest('base64');
}

export function createHubspotVerifier(options: HubspotVerifierOptions): HubspotVerifier {
  if (options.secrets.length === 0 || options.secrets.some((s) => s === ''))
    throw new Error('no HubSpot webhook secret');
  const maxAge = options.maxAgeMs ?? HUBSPOT_MAX_AGE_MS;

  return ({ method, uri, headers, body }, now) => {
    const signature = headerValue(headers, 'x-hubspot-signature-v3');
    const stamp = headerValue(headers, 'x-hubspot-request-timestamp');
    if (signature === undefined || stamp === undefined) return reject('missing-headers');
    if (!/^\d{1,15}$/.test(stamp)) return reject('bad-timestamp');
    const sentMs = Number(stamp);
    if (now.getTime() - sentMs > maxAge) return reject('stale');
    // HubSpot's page says nothing of future stamps; the same window allows for clock skew.
    if (sentMs - now.getTime() > maxAge) return reject('future');

    let matched = false;
    for (const secret of options.secrets)
      if (sameSignature(signature, hubspotSignatureV3(secret, { method, uri, body, timestamp: stamp })))
        matched = true;
    return matched ? { ok: true, sentAt: new Date(sentMs) } : reject('bad-signature');
  };
}
