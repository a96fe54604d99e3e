/**
 * The list cursor, as Propstreet encodes it today: base64 of `{"u": updatedUtc, "i": id}`,
 * a keyset on (updatedUtc, id). Clients must treat it as opaque; the fake rejects anything
 * it did not make with a 400 naming `cursor`.
 */
import { canonicalUtc } from './fake-time.js';
import type { KeysetPosition } from './keyset-index.js';

export function encodeCursor(p: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ u: p.u, i: p.n }), 'utf8').toString('base64');
}

export function decodeCursor(cursor: string): KeysetPosition | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(cursor)) return null;
  try {
    const raw: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    if (raw === null || typeof raw !== 'object') return null;
    const { u, i } = raw as { u?: unknown; i?: unknown };
    if (typeof u !== 'string' || typeof i !== 'number' || !Number.isSafeInteger(i)) return null;
    const canonical = canonicalUtc(u);
    return canonical ? { u: canonical, n: i } : null;
  } catch {
    return null;
  }
}
