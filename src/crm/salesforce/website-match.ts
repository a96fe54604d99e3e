/**
 * Matching a web-address field (Account `Website`) by host, which is how companies pair by
 * domain: Salesforce has no domain field on Account, and people type websites every which way
 * (`https://www.Acme.com/about`, `acme.com`, `www.acme.com:443`).
 *
 * `websiteHost(value)`: trimmed, lower-cased, without scheme, user info, port, path, query,
 * fragment, a trailing dot and leading `www.` labels; null when nothing is left. `findByMatch`
 * sends `Website LIKE '%host%'` conditions (SOQL LIKE is case-insensitive), then keeps exactly the
 * rows whose website's host equals a wanted host: `shop.acme.com` and `acme.com.au` do not match
 * `acme.com`.
 */
import { assertFieldName, soqlLikeContains } from './soql.js';

export function websiteHost(value: string | null | undefined): string | null {
  let s = (value ?? '').trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
  s = s.split(/[/?#\s]/, 1)[0] ?? '';
  s = s.slice(s.lastIndexOf('@') + 1);
  s = s.replace(/:\d*$/, '').replace(/\.$/, '');
  while (s.startsWith('www.')) s = s.slice(4);
  return s === '' ? null : s;
}

/**
 * WHERE conditions `(f LIKE '%a%' OR f LIKE '%b%' …)` for the hosts (or the values, by another
 * `pattern`), at most `maxCount` a
 * query and `maxChars` of condition text, so the GET URL stays far below Salesforce's URI limit.
 */
export function likeConditions(
  field: string,
  hosts: readonly string[],
  maxCount = 50,
  maxChars = 3000,
  pattern: (value: string) => string = soqlLikeContains,
): string[] {
  const name = assertFieldName(field);
  const out: string[] = [];
  let current: string[] = [];
  let chars = 0;
  for (const host of hosts) {
    const term = `${name} LIKE ${pattern(host)}`;
    if (current.length > 0 && (current.length >= maxCount || chars + term.length + 4 > maxChars)) {
      out.push(`(${current.join(' OR ')})`);
      current = [];
      chars = 0;
    }
    current.push(term);
    chars += term.length + 4;
  }
  if (current.length > 0) out.push(`(${current.join(' OR ')})`);
  return out;
}
