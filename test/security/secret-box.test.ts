import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { STATE_KEY_VAR, seal, stateKeyFrom, unseal } from '../../src/core/secret-box.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('sealing secrets kept in the state store (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('opens only with the same key and the same context', () => {
    const sealed = seal(key, 'session-token-0123456789', 'tenant/a');
    expect(sealed).not.toContain('session-token');
    expect(unseal(key, sealed, 'tenant/a')).toBe('session-token-0123456789');
    expect(unseal(randomBytes(32), sealed, 'tenant/a')).toBeUndefined();
    expect(unseal(key, sealed, 'tenant/b')).toBeUndefined();
  });

  it('a changed byte, a cut tag or another format does not open', () => {
    const sealed = seal(key, 'x'.repeat(40), 'ctx');
    const [v, iv, tag, data] = sealed.split('.') as [string, string, string, string];
    const flipped = `${data.slice(0, 5)}${data[5] === 'A' ? 'B' : 'A'}${data.slice(6)}`;
    expect(unseal(key, [v, iv, tag, flipped].join('.'), 'ctx')).toBeUndefined();
    expect(unseal(key, [v, iv, tag.slice(0, 8), data].join('.'), 'ctx')).toBeUndefined();
    expect(unseal(key, ['v0', iv, tag, data].join('.'), 'ctx')).toBeUndefined();
    expect(unseal(key, 'plain text', 'ctx')).toBeUndefined();
  });

  it('the same plaintext seals differently each time (fresh IV)', () => {
    expect(seal(key, 'same', 'ctx')).not.toBe(seal(key, 'same', 'ctx'));
  });

  it(`reads ${STATE_KEY_VAR} as 64 hex digits or base64 of 32 bytes, and registers it for redaction`, () => {
    const hex = randomBytes(32).toString('hex');
    expect(stateKeyFrom({ [STATE_KEY_VAR]: hex }, redactor)?.toString('hex')).toBe(hex);
    const b64 = randomBytes(32).toString('base64');
    expect(stateKeyFrom({ [STATE_KEY_VAR]: b64 }, redactor)?.toString('base64')).toBe(b64);
    expect(redactor.redact(`key=${b64}`)).toBe('key=[REDACTED]');
    expect(stateKeyFrom({}, redactor)).toBeUndefined();
    expect(stateKeyFrom({ [STATE_KEY_VAR]: '  ' }, redactor)).toBeUndefined();
  });

  it('a key that is not 32 bytes is a config error, without echoing the key', () => {
    for (const bad of [
      'too-short-key',
      randomBytes(16).toString('hex'),
      randomBytes(48).toString('base64'),
    ]) {
      let error: unknown;
      try {
        stateKeyFrom({ [STATE_KEY_VAR]: bad }, redactor);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
      expect((error as Error).message).not.toContain(bad);
    }
  });
});
