/**
 * The redactor finds a secret in every form it takes on the way out. Regression: a Salesforce
 * token (`00D…!…`) URL-encoded by a server echoing its request URL (`!` → `%21`) went
 * through the redactor untouched, into `--json`, logs, reports and the state file.
 */
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';

const SALESFORCE = '00D000000000001!AQ8AQJXg.tok/en+x';
const PROPSTREET = 'ps-live-token-0123456789abcdef';
const WITH_QUOTE = 'p4ss"word\\with space';
const NON_ASCII = 'sécret-clé-ünïcode-密码';

function redactor(): Redactor {
  const r = new Redactor();
  for (const s of [SALESFORCE, PROPSTREET, WITH_QUOTE, NON_ASCII]) r.register(s);
  return r;
}

const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

describe('a registered secret is removed in every encoding', () => {
  const r = redactor();
  const cases: [string, string][] = [
    ['verbatim', `Bearer ${SALESFORCE}`],
    ['encodeURIComponent', `?token=${encodeURIComponent(SALESFORCE)}`],
    ['form encoding (! → %21)', `GET /query?access_token=${form(SALESFORCE)}&q=1`],
    ['lower-case hex', `url=${lowerHex(form(SALESFORCE))}`],
    ['URL-encoded twice', `next=${encodeURIComponent(`/x?t=${encodeURIComponent(SALESFORCE)}`)}`],
    ['form encoding, space as +', `body: pw=${form(WITH_QUOTE)}`],
    ['JSON.stringify', JSON.stringify({ message: `echo ${WITH_QUOTE}` })],
    ['JSON inside JSON', JSON.stringify(JSON.stringify({ message: SALESFORCE }))],
    ['\\u escapes (.NET, Python)', '{"m":"00D000000000001\\u0021AQ8AQJXg.tok\\/en\\u002Bx"}'],
    ['non-ASCII, URL-encoded', `?p=${encodeURIComponent(NON_ASCII)}`],
    [
      'non-ASCII, \\u-escaped',
      JSON.stringify(NON_ASCII).replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    ],
    ['basic auth', `Authorization: Basic ${Buffer.from(`client-id:${SALESFORCE}`).toString('base64')}`],
    ['basic auth, other offset', `Basic ${Buffer.from(`ab:${PROPSTREET}`).toString('base64')}`],
    ['basic auth, third offset', `Basic ${Buffer.from(`a:${PROPSTREET}`).toString('base64')}`],
    ['base64url', `state=${Buffer.from(`{"t":"${SALESFORCE}"}`).toString('base64url')}`],
  ];

  it.each(cases)('%s', (_name, text) => {
    const out = r.redact(text);
    expect(out).toContain('[REDACTED]');
    for (const s of [SALESFORCE, PROPSTREET, WITH_QUOTE, NON_ASCII]) {
      expect(out).not.toContain(s);
      expect(out).not.toContain(encodeURIComponent(s));
      expect(out).not.toContain(form(s));
    }
  });

  it('in an error line a server echoed back', () => {
    const echoed = `INVALID_SESSION_ID: GET /services/data/v62.0/query?access_token=${form(SALESFORCE)}`;
    expect(r.redact(echoed)).toBe(
      'INVALID_SESSION_ID: GET /services/data/v62.0/query?access_token=[REDACTED]',
    );
  });

  it('the whole base64 word goes, so no edge character carries a byte of the secret', () => {
    const header = Buffer.from(`client-id:${SALESFORCE}`).toString('base64');
    expect(r.redact(`Authorization: Basic ${header}\nnext line`)).toBe(
      'Authorization: Basic [REDACTED]\nnext line',
    );
  });

  it('keeps the text around a secret', () => {
    expect(r.redact(`a ${form(SALESFORCE)} b ${PROPSTREET} c`)).toBe('a [REDACTED] b [REDACTED] c');
  });
});

describe('what the redactor leaves alone', () => {
  it('text without a secret, and values shorter than 8 characters (never registered)', () => {
    const r = new Redactor();
    r.register('short');
    r.register('');
    r.register(undefined);
    const text = 'short names, %21 and QUFBQUFBQUFBQQ== stay';
    expect(r.redact(text)).toBe(text);
  });

  it('a secret containing another is removed whole', () => {
    const r = new Redactor();
    r.register('inner-secret-1234');
    r.register('outer-inner-secret-1234-tail');
    expect(r.redact('x outer-inner-secret-1234-tail y')).toBe('x [REDACTED] y');
  });

  it('two redactors do not share secrets', () => {
    const a = new Redactor();
    const b = new Redactor();
    a.register(PROPSTREET);
    expect(a.redact(PROPSTREET)).toBe('[REDACTED]');
    expect(b.redact(PROPSTREET)).toBe(PROPSTREET);
  });

  it('redactDeep scrubs every string and every secret-looking key', () => {
    const r = redactor();
    expect(
      r.redactDeep({ url: `?t=${form(SALESFORCE)}`, list: [PROPSTREET], accessToken: 'anything', n: 3 }),
    ).toEqual({ url: '?t=[REDACTED]', list: ['[REDACTED]'], accessToken: '[REDACTED]', n: 3 });
  });

  it('stays linear on long text (a 1 MB name, a long base64 blob)', () => {
    const r = redactor();
    const name = 'A'.repeat(1_000_000);
    expect(r.redact(name)).toBe(name);
    const blob = Buffer.alloc(750_000, 7).toString('base64');
    expect(r.redact(blob)).toBe(blob);
  });
});
