import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPropstreetVerifier } from '../../src/serve/verify-propstreet.js';

// Secrets and signatures are built here from the documented recipe with node:crypto, not with
// the library the verifier uses, so a shared mistake cannot make both sides agree.
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const sign = (secret: string, id: string, seconds: number, body: string) =>
  `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${seconds}.${body}`)
    .digest('base64')}`;

const NOW = new Date('2026-03-01T12:00:00Z');
const nowSeconds = NOW.getTime() / 1000;
const BODY = '{"type":"contact.updated","data":{"id":"c-1"}}';

function delivery(signature: string, over: { id?: string; seconds?: number | string; body?: string } = {}) {
  return {
    headers: {
      'webhook-id': over.id ?? 'msg_1',
      'webhook-timestamp': String(over.seconds ?? nowSeconds),
      'webhook-signature': signature,
    },
    body: Buffer.from(over.body ?? BODY),
  };
}

describe('Propstreet (Standard Webhooks) verification', () => {
  const secret = newSecret();
  const verify = createPropstreetVerifier({ secrets: [secret] });

  it('accepts a delivery signed as documented, and says when it was sent', () => {
    const result = verify(delivery(sign(secret, 'msg_1', nowSeconds, BODY)), NOW);
    expect(result).toEqual({ ok: true, sentAt: NOW });
  });

  it('rejects forgeries: another secret, a changed body, id or timestamp', () => {
    const other = newSecret();
    const good = sign(secret, 'msg_1', nowSeconds, BODY);
    expect(verify(delivery(sign(other, 'msg_1', nowSeconds, BODY)), NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(delivery(good, { body: BODY.replace('c-1', 'c-2') }), NOW)).toMatchObject({
      reason: 'bad-signature',
    });
    expect(verify(delivery(good, { id: 'msg_2' }), NOW)).toMatchObject({ reason: 'bad-signature' });
    expect(verify(delivery(good, { seconds: nowSeconds - 1 }), NOW)).toMatchObject({
      reason: 'bad-signature',
    });
    // A signature of the wrong length or not base64 at all is a mismatch, not an exception.
    expect(verify(delivery('v1,short'), NOW)).toMatchObject({ reason: 'bad-signature' });
    expect(verify(delivery('v1,'), NOW)).toMatchObject({ reason: 'bad-signature' });
  });

  it('only counts v1 entries', () => {
    const good = sign(secret, 'msg_1', nowSeconds, BODY).slice(3);
    expect(verify(delivery(`v2,${good}`), NOW)).toMatchObject({ reason: 'bad-signature' });
    expect(verify(delivery(`v1a,${good}`), NOW)).toMatchObject({ reason: 'bad-signature' });
  });

  it('rejects a replay once the timestamp is older than five minutes, and a stamp five minutes ahead', () => {
    const at = (seconds: number) => verify(delivery(sign(secret, 'msg_1', seconds, BODY), { seconds }), NOW);
    expect(at(nowSeconds - 300).ok).toBe(true);
    expect(at(nowSeconds - 301)).toEqual({ ok: false, reason: 'stale' });
    expect(at(nowSeconds + 300).ok).toBe(true);
    expect(at(nowSeconds + 301)).toEqual({ ok: false, reason: 'future' });
  });

  it('rejects missing headers and a timestamp that is not whole seconds', () => {
    const good = sign(secret, 'msg_1', nowSeconds, BODY);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const d = delivery(good);
      const headers: Record<string, string> = { ...d.headers };
      delete headers[name];
      expect(verify({ ...d, headers }, NOW)).toEqual({ ok: false, reason: 'missing-headers' });
    }
    expect(verify(delivery(good, { seconds: '' }), NOW)).toMatchObject({ reason: 'missing-headers' });
    for (const seconds of ['1.5', '12abc', '-5', `${nowSeconds * 1000}0000`])
      expect(verify(delivery(good, { seconds }), NOW)).toMatchObject({ reason: 'bad-timestamp' });
    // Sent twice (a list): ambiguous, so treated as absent.
    const d = delivery(good);
    expect(verify({ ...d, headers: { ...d.headers, 'webhook-id': ['msg_1', 'msg_1'] } }, NOW)).toMatchObject({
      reason: 'missing-headers',
    });
  });

  it('accepts during a rotation on either side: several signatures sent, several secrets held', () => {
    const old = newSecret();
    const fresh = newSecret();
    const both = `${sign(old, 'msg_1', nowSeconds, BODY)} ${sign(fresh, 'msg_1', nowSeconds, BODY)}`;
    // Propstreet signs with both while it rotates; we hold only the new one (or only the old one).
    expect(createPropstreetVerifier({ secrets: [fresh] })(delivery(both), NOW).ok).toBe(true);
    expect(createPropstreetVerifier({ secrets: [old] })(delivery(both), NOW).ok).toBe(true);
    // We hold both while the operator rotates; Propstreet signs with either.
    const holdingBoth = createPropstreetVerifier({ secrets: [fresh, old] });
    expect(holdingBoth(delivery(sign(old, 'msg_1', nowSeconds, BODY)), NOW).ok).toBe(true);
    expect(holdingBoth(delivery(sign(fresh, 'msg_1', nowSeconds, BODY)), NOW).ok).toBe(true);
    // A retired secret nobody holds any more signs nothing we accept.
    expect(
      createPropstreetVerifier({ secrets: [fresh] })(delivery(sign(old, 'msg_1', nowSeconds, BODY)), NOW),
    ).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses to start without a usable secret', () => {
    expect(() => createPropstreetVerifier({ secrets: [] })).toThrow(/no Propstreet webhook secret/);
    expect(() => createPropstreetVerifier({ secrets: ['whsec_'] })).toThrow();
  });
});
