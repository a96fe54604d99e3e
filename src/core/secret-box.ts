/**
 * Small secrets kept in the state store are sealed with AES-256-GCM under a key that only the
 * environment holds (PROPSYNC_STATE_KEY: 32 bytes as 64 hex digits or base64). A state database
 * copied, backed up or read by `status` then holds ciphertext, not a usable token. The
 * additional data binds a sealed value to its place (tenant, connection, purpose): moved
 * elsewhere it no longer opens. Without the key nothing is sealed, and nothing is stored.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValidationError } from './errors.js';
import type { Redactor } from './redact.js';

export const STATE_KEY_VAR = 'PROPSYNC_STATE_KEY';

const VERSION = 'v1';
const IV_BYTES = 12;

/** The key from the environment; undefined when unset; a config error when it is not 32 bytes. */
export function stateKeyFrom(
  env: Readonly<Record<string, string | undefined>>,
  redactor: Redactor,
): Buffer | undefined {
  const raw = env[STATE_KEY_VAR]?.trim();
  if (!raw) return undefined;
  redactor.register(raw);
  // 32 bytes: 64 hex digits, or 43 base64/base64url characters (plus one `=` of padding).
  const key = HEX_KEY.test(raw)
    ? Buffer.from(raw, 'hex')
    : BASE64_KEY.test(raw)
      ? Buffer.from(raw, 'base64')
      : undefined;
  if (key?.length !== 32)
    throw new ValidationError(
      `${STATE_KEY_VAR} must be 32 random bytes as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`), got ${raw.length} characters that are neither`,
      {},
      { code: 'CONFIG_INVALID' },
    );
  return key;
}

const HEX_KEY = /^[0-9a-f]{64}$/i;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/** `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The plaintext, or undefined when the value was sealed under another key or context, or is damaged. */
export function unseal(key: Buffer, sealed: string, context: string): string | undefined {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || iv === undefined || tag === undefined || data === undefined) return undefined;
  try {
    // A fixed tag length: a shortened tag would be easier to forge.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
      authTagLength: 16,
    });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}
