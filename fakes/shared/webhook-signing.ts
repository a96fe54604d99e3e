/**
 * How the vendors sign what they send, written from their documents (docs/VENDOR-BEHAVIOUR.md,
 * "Webhooks") with node:crypto, deliberately not with the connector's verifiers: if both were
 * wrong the same way, the tests would still pass.
 */
import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks (Propstreet): `v1,<base64 HMAC-SHA256 of "{id}.{seconds}.{body}">`, keyed by
 * the base64 after `whsec_`; one space-separated entry per secret (several while rotating).
 */
export function standardWebhookHeaders(
  secrets: readonly string[],
  id: string,
  seconds: number,
  body: string,
): Record<string, string> {
  const signatures = secrets.map((secret) => {
    const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
    return `v1,${createHmac('sha256', key).update(`${id}.${seconds}.${body}`, 'utf8').digest('base64')}`;
  });
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signatures.join(' '),
  };
}

/** The percent-encodings HubSpot decodes in the URI before signing (its validating-requests page). */
const DECODE: readonly (readonly [RegExp, string])[] = [
  [/%3A/gi, ':'],
  [/%2F/gi, '/'],
  [/%3F/gi, '?'],
  [/%40/gi, '@'],
  [/%21/gi, '!'],
  [/%24/gi, '$'],
  [/%27/gi, "'"],
  [/%28/gi, '('],
  [/%29/gi, ')'],
  [/%2A/gi, '*'],
  [/%2C/gi, ','],
  [/%3B/gi, ';'],
];

/** HubSpot v3: base64 HMAC-SHA256 (key: the app's client secret) of method + URI + body + ms timestamp. */
export function hubspotV3Headers(
  clientSecret: string,
  method: string,
  uri: string,
  body: string,
  ms: number,
): Record<string, string> {
  const decoded = DECODE.reduce((u, [pattern, char]) => u.replace(pattern, char), uri);
  const source = `${method}${decoded}${body}${ms}`;
  return {
    'X-HubSpot-Signature-v3': createHmac('sha256', clientSecret).update(source, 'utf8').digest('base64'),
    'X-HubSpot-Request-Timestamp': String(ms),
  };
}
