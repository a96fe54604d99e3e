import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two signature strings are equal, in time that does not depend on where they differ.
 * Only the length may leak, and a base64 HMAC-SHA256 has one length (44) anyway.
 */
export function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
