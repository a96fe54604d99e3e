import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHubspotVerifier, hubspotSignedUri } from '../../src/serve/verify-hubspot.js';

// Signatures are built from HubSpot's recipe with node:crypto here, independently of the verifier.
const sign = (secret: string, method: string, uri: string, body: string, timestamp: string) =>
  createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`).digest('base64');

const SECRET = 'a1b2c3d4-client-secret';
const NOW = new Date('2026-03-01T12:00:00Z');
const URI = 'https://sync.example.com/webhooks/acme/hubspot/hubspot';
const BODY = '[{"eventId":1,"subscriptionId":7,"objectId":42,"occurredAt":1772366400000}]';

function delivery(
  over: { signature?: string; stamp?: string; uri?: string; method?: string; body?: string } = {},
) {
  const stamp = over.stamp ?? String(NOW.getTime());
  return {
    method: over.method ?? 'POST',
    uri: over.uri ?? URI,
    headers: {
      'x-hubspot-signature-v3': over.signature ?? sign(SECRET, 'POST', URI, BODY, stamp),
      'x-hubspot-request-timestamp': stamp,
    },
    body: Buffer.from(over.body ?? BODY),
  };
}

describe('HubSpot v3 signature verification', () => {
  const verify = createHubspotVerifier({ secrets: [SECRET] });

  it('accepts a request signed over method + URI + body + timestamp', () => {
    expect(verify(delivery(), NOW)).toEqual({ ok: true, sentAt: NOW });
  });

  it('rejects a delivery whose URI differs from the one signed: path, host, scheme, query', () => {
    for (const uri of [
      'https://sync.example.com/webhooks/acme/salesforce/hubspot',
      'https://evil.example.com/webhooks/acme/hubspot/hubspot',
      'http://sync.example.com/webhooks/acme/hubspot/hubspot',
      `${URI}?x=1`,
    ])
      expect(verify(delivery({ uri }), NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects forgeries: another secret, a changed body or method', () => {
    const stamp = String(NOW.getTime());
    expect(verify(delivery({ signature: sign('other', 'POST', URI, BODY, stamp) }), NOW)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(verify(delivery({ body: BODY.replace('42', '43') }), NOW)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(verify(delivery({ method: 'PUT' }), NOW)).toMatchObject({ reason: 'bad-signature' });
    expect(verify(delivery({ signature: 'x' }), NOW)).toMatchObject({ reason: 'bad-signature' });
  });

  it("signs the URI with HubSpot's listed percent-encodings decoded", () => {
    const encoded = 'https://sync.example.com/webhooks/acme/hub%3Aspot/hubspot?a=%2Fb%2c%20c';
    expect(hubspotSignedUri(encoded)).toBe(
      'https://sync.example.com/webhooks/acme/hub:spot/hubspot?a=/b,%20c',
    );
    const stamp = String(NOW.getTime());
    const signed = sign(SECRET, 'POST', hubspotSignedUri(encoded), BODY, stamp);
    expect(verify(delivery({ uri: encoded, signature: signed, stamp }), NOW).ok).toBe(true);
  });

  it('rejects timestamps more than five minutes old (a replay) or ahead', () => {
    const at = (ms: number) => {
      const stamp = String(ms);
      return verify(delivery({ stamp, signature: sign(SECRET, 'POST', URI, BODY, stamp) }), NOW);
    };
    const now = NOW.getTime();
    expect(at(now - 300_000).ok).toBe(true);
    expect(at(now - 300_001)).toEqual({ ok: false, reason: 'stale' });
    expect(at(now + 300_000).ok).toBe(true);
    expect(at(now + 300_001)).toEqual({ ok: false, reason: 'future' });
  });

  it('rejects missing headers and a timestamp in another unit or format', () => {
    const d = delivery();
    expect(verify({ ...d, headers: { 'x-hubspot-request-timestamp': '1' } }, NOW)).toMatchObject({
      reason: 'missing-headers',
    });
    expect(verify({ ...d, headers: { 'x-hubspot-signature-v3': 'x' } }, NOW)).toMatchObject({
      reason: 'missing-headers',
    });
    expect(verify(delivery({ stamp: '2026-03-01T12:00:00Z' }), NOW)).toMatchObject({
      reason: 'bad-timestamp',
    });
    // Seconds instead of milliseconds: decades old.
    const seconds = String(NOW.getTime() / 1000);
    expect(
      verify(delivery({ stamp: seconds, signature: sign(SECRET, 'POST', URI, BODY, seconds) }), NOW),
    ).toMatchObject({ reason: 'stale' });
  });

  it('accepts either client secret while one is rotated', () => {
    const both = createHubspotVerifier({ secrets: ['new-secret', SECRET] });
    expect(both(delivery(), NOW).ok).toBe(true);
    expect(createHubspotVerifier({ secrets: ['new-secret'] })(delivery(), NOW)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(() => createHubspotVerifier({ secrets: [] })).toThrow(/no HubSpot webhook secret/);
  });
});
