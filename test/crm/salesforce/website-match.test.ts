import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { soqlLikeContains } from '../../../src/crm/salesforce/soql.js';
import { likeConditions, websiteHost } from '../../../src/crm/salesforce/website-match.js';

describe('websiteHost', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['  ACME.com  ', 'acme.com'],
    ['www.acme.com', 'acme.com'],
    ['https://www.Acme.com/about?x=1#top', 'acme.com'],
    ['http://acme.com:8080/', 'acme.com'],
    ['//acme.com/path', 'acme.com'],
    ['https://user:pw@acme.com', 'acme.com'],
    ['acme.com.', 'acme.com'],
    ['shop.acme.com', 'shop.acme.com'],
    ['www2.acme.com', 'www2.acme.com'],
    ['', null],
    ['   ', null],
    ['https://', null],
  ])('%j → %j', (raw, host) => {
    expect(websiteHost(raw)).toBe(host);
  });

  it('is idempotent and ignores case: a host is its own host, whatever the case of the URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const host = websiteHost(url);
        expect(host === null ? null : websiteHost(host)).toBe(host);
        expect(websiteHost(url.toUpperCase())).toBe(host);
      }),
    );
  });
});

describe('likeConditions', () => {
  it('escapes LIKE wildcards and quotes, and splits long lists', () => {
    expect(soqlLikeContains("a_b%c'd")).toBe("'%a\\_b\\%c\\'d%'");
    const hosts = Array.from({ length: 120 }, (_, i) => `host${i}.example.com`);
    const conditions = likeConditions('Website', hosts);
    expect(conditions).toHaveLength(3);
    expect(conditions[0]).toMatch(/^\(Website LIKE '%host0\.example\.com%' OR /);
    for (const c of conditions) expect(c.length).toBeLessThanOrEqual(3002);
    expect(conditions.join(' ').match(/ LIKE /g)).toHaveLength(120);
  });

  it('refuses a field name that is not one', () => {
    expect(() => likeConditions('Website OR Id', ['a.com'])).toThrow(/not a Salesforce field name/);
  });
});
