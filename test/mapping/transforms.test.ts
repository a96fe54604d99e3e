import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { normalise, TRANSFORMS } from '../../src/mapping/index.js';
import { isIso6391 } from '../../src/mapping/language-codes.js';
import {
  applyTransform,
  nfc,
  normaliseCountry,
  normaliseDomain,
  normaliseLanguage,
  normalisePhone,
  normaliseTags,
  normaliseUrl,
} from '../../src/mapping/transforms.js';
import { rawAnything, rawCountry, rawLanguage, rawPhone, rawTagList, rawWeb } from './arbitraries.js';

const regions: (CountryCode | null)[] = ['SE', 'US', 'GB', null];

describe('transforms', () => {
  it('trims, applies NFC, and turns empty into null', () => {
    expect(applyTransform('trim', '  A\u030asa \n', null)).toBe('Åsa');
    expect(applyTransform('trim', ' \t ', null)).toBeNull();
    expect(applyTransform('trim', undefined, null)).toBeNull();
    expect(applyTransform('none', '', null)).toBeNull();
    expect(applyTransform('none', ' x ', null)).toBe(' x ');
    expect(applyTransform('uppercase', ' sv ', null)).toBe('SV');
  });

  it('drops U+0000 in every transform, so it is never compared, stored or sent', () => {
    for (const t of TRANSFORMS) expect(applyTransform(t, 'x\u0000', null), t).not.toContain('\u0000');
    expect(applyTransform('none', 'Av\u0000a', null)).toBe('Ava');
    expect(applyTransform('trim', '\u0000', null)).toBeNull();
    expect(applyTransform('tags', ['a\u0000', 'b'], null)).toBe('a;b');
  });

  it('nfc: the fast path is exact below U+0300, normalize above', () => {
    // Every character and every adjacent pair below U+0300 is NFC already: the premise of the
    // fast path (a longer string of such characters is NFC when its every pair is).
    const below = Array.from({ length: 0x300 }, (_, c) => String.fromCharCode(c));
    const notNfc: string[] = [];
    for (const a of below) {
      if (a.normalize('NFC') !== a) notNfc.push(a);
      for (const b of below) if ((a + b).normalize('NFC') !== a + b) notNfc.push(a + b);
    }
    expect(notNfc).toEqual([]);
    expect(nfc('\u02ff')).toBe('\u02ff');
    expect(nfc('A\u02ff')).toBe('A\u02ff');
    // U+0300 is the first combining mark: it composes with the letter before it.
    expect(nfc('A\u0300')).toBe('\u00c0');
    expect(nfc('\u0300')).toBe('\u0300');
    expect(nfc('A\u030asa')).toBe('\u00c5sa');
    // Two marks out of canonical order (dot below sorts before dot above) are reordered, then composed.
    expect(nfc('q\u0307\u0323')).toBe('q\u0323\u0307');
    expect(nfc('s\u0307\u0323')).toBe('\u1e69');
    // Conjoining Hangul jamo compose into a syllable; a syllable stays.
    expect(nfc('\u1100\u1161\u11a8')).toBe('\uac01');
    expect(nfc('\uac01')).toBe('\uac01');
    // A singleton (Ångström sign) maps to its canonical letter; astral text passes.
    expect(nfc('\u212b')).toBe('\u00c5');
    expect(nfc('\u{1f600} ok')).toBe('\u{1f600} ok');
    expect(nfc('')).toBe('');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(nfc(s)).toBe(s.normalize('NFC'));
      }),
    );
  });

  it('lowercases emails', () => {
    expect(applyTransform('email', ' Jane.Doe@Example.COM ', null)).toBe('jane.doe@example.com');
  });

  it('makes valid phones E.164 with the default region, keeps others as typed', () => {
    expect(normalisePhone('070-123 45 67', 'SE')).toBe('+46701234567');
    expect(normalisePhone('+46 70 123 45 67', null)).toBe('+46701234567');
    expect(normalisePhone('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(normalisePhone('070-123 45 67', null)).toBe('070-123 45 67');
    expect(normalisePhone(' 12ab ', 'SE')).toBe('12ab');
    expect(normalisePhone('call +46701234567 now', 'SE')).toBe('call +46701234567 now');
  });

  it('gives a number read formatted and then as its E.164 form the same result, in any region', () => {
    // The E.164 form is remembered as its own result after the first parse: it must be what a parse gives.
    expect(normalisePhone('0708-76 54 32', 'SE')).toBe('+46708765432');
    expect(normalisePhone('+46708765432', 'SE')).toBe('+46708765432');
    expect(normalisePhone('+46708765432', 'NO')).toBe('+46708765432');
    expect(normalisePhone('+46708765432', null)).toBe('+46708765432');
    expect(normalisePhone('0708-76 54 32', 'NO')).toBe('0708-76 54 32');
  });

  it('parses as libphonenumber-js/max does (core with the max metadata, options reused)', () => {
    const viaMax = (t: string, region: CountryCode | null): string => {
      const parsed = parsePhoneNumberFromString(t, {
        ...(region === null ? {} : { defaultCountry: region }),
        extract: false,
      });
      return parsed?.isValid() ? parsed.number : t;
    };
    fc.assert(
      fc.property(rawPhone, fc.constantFrom(...regions), (raw, region) => {
        const t = raw.normalize('NFC').trim();
        expect(normalisePhone(raw, region)).toBe(t === '' ? null : viaMax(t, region));
      }),
      { numRuns: 500 },
    );
  });

  it('sorts, dedupes and trims tags from lists and ;-text', () => {
    expect(normaliseTags(['vip', ' investor', 'vip', '', 'a;b'])).toBe('a;b;investor;vip');
    expect(normaliseTags('vip ; VIP;;investor')).toBe('VIP;investor;vip');
    expect(normaliseTags([' ', ''])).toBeNull();
    expect(normaliseTags('')).toBeNull();
  });

  it('reads languages as ISO 639-1', () => {
    const cases: [string, string][] = [
      ['EN', 'en'],
      ['en-US', 'en'],
      ['sv_SE', 'sv'],
      ['Swedish', 'sv'],
      ['svenska', 'sv'],
      ['swe', 'sv'],
      ['iw', 'he'],
      ['tl', 'tl'],
      ['Klingon', 'klingon'],
    ];
    for (const [input, code] of cases) expect(normaliseLanguage(input), input).toBe(code);
  });

  it('maps every ISO 639-1 code to itself, Norwegian Bokmål and Nynorsk to Norwegian', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const norwegian = new Set(['nb', 'nn']);
    for (const a of letters) {
      for (const b of letters) {
        if (isIso6391(a + b)) expect(normaliseLanguage(a + b)).toBe(norwegian.has(a + b) ? 'no' : a + b);
      }
    }
    expect(['nb-NO', 'nn_NO', 'no'].map(normaliseLanguage)).toEqual(['no', 'no', 'no']);
  });

  it('is idempotent for every transform and region', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRANSFORMS),
        fc.constantFrom(...regions),
        fc.oneof(rawAnything, rawPhone, rawLanguage, rawWeb, rawCountry),
        (transform, region, raw) => {
          const field = { transform, region };
          const once = normalise(field, raw);
          expect(normalise(field, once)).toBe(once);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads a domain as its bare host, from a domain or any URL', () => {
    const cases: [string, string | null][] = [
      ['acme.se', 'acme.se'],
      [' WWW.Acme.SE. ', 'acme.se'],
      ['https://www.acme.se/om-oss?x=1#top', 'acme.se'],
      ['http://user:pw@www.acme.se:8080', 'acme.se'],
      ['//www.acme.se', 'acme.se'],
      ['www.www.acme.se', 'acme.se'],
      ['www.com', 'www.com'],
      ['xn--bcher-kva.de', 'bücher.de'],
      ['ｗｗｗ.acme。se', 'acme.se'],
      ['https://', null],
      ['  ', null],
    ];
    for (const [input, domain] of cases) expect(normaliseDomain(input), input).toBe(domain);
  });

  it('compares web addresses by scheme, host and path, adding https:// when none is given', () => {
    const cases: [string, string][] = [
      ['acme.se', 'https://acme.se'],
      ['https://acme.se/', 'https://acme.se'],
      ['HTTP://WWW.Acme.SE/Om', 'http://www.acme.se/Om'],
      ['https://www.xn--bcher-kva.de/', 'https://www.bücher.de'],
      ['https://acme.se:443/x', 'https://acme.se/x'],
      ['not a url', 'not a url'],
      ['mailto:info@acme.se', 'mailto:info@acme.se'],
    ];
    for (const [input, url] of cases) expect(normaliseUrl(input), input).toBe(url);
  });

  it('reads countries as ISO 3166-1 alpha-2, from codes, names and aliases; keeps others as typed', () => {
    const cases: [string, string][] = [
      ['se', 'SE'],
      ['Sweden', 'SE'],
      ['Sverige', 'SE'],
      ['norge', 'NO'],
      ['Tyskland', 'DE'],
      ['United  Kingdom', 'GB'],
      ['UK', 'GB'],
      ['USA', 'US'],
      // ISO's English short names and former names ICU's display names replaced; alpha-3 codes.
      ['Turkey', 'TR'],
      ['Czech Republic', 'CZ'],
      ['Hong Kong', 'HK'],
      ['Viet Nam', 'VN'],
      ['The Netherlands', 'NL'],
      ['UAE', 'AE'],
      ['Republic of Korea', 'KR'],
      ['SWE', 'SE'],
      ['deu', 'DE'],
      ['GBR', 'GB'],
      [' Narnia ', 'Narnia'],
      ['EU', 'EU'],
    ];
    for (const [input, code] of cases) expect(normaliseCountry(input), input).toBe(code);
  });

  it('gives the same domain for a URL and the domain it names', () => {
    fc.assert(
      fc.property(fc.domain(), fc.constantFrom('', 'www.', 'WWW.'), fc.webPath(), (domain, www, path) => {
        expect(normaliseDomain(`https://${www}${domain}${path}`)).toBe(normaliseDomain(domain));
      }),
    );
  });

  it('gives the same tags for a list and its ;-joined text', () => {
    fc.assert(
      fc.property(rawTagList, (tags) => {
        expect(normaliseTags(tags.join(';'))).toBe(normaliseTags(tags));
      }),
    );
  });
});
