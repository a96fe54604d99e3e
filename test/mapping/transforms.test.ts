import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { normalise, TRANSFORMS } from '../../src/mapping/index.js';
import { isIso6391 } from '../../src/mapping/language-codes.js';
import {
  applyTransform,
  normaliseLanguage,
  normalisePhone,
  normaliseTags,
} from '../../src/mapping/transforms.js';
import { rawAnything, rawLanguage, rawPhone, rawTagList } from './arbitraries.js';

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

  it('maps every ISO 639-1 code to itself', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const a of letters) {
      for (const b of letters) {
        if (isIso6391(a + b)) expect(normaliseLanguage(a + b)).toBe(a + b);
      }
    }
  });

  it('is idempotent for every transform and region', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TRANSFORMS),
        fc.constantFrom(...regions),
        fc.oneof(rawAnything, rawPhone, rawLanguage),
        (transform, region, raw) => {
          const field = { transform, region };
          const once = normalise(field, raw);
          expect(normalise(field, once)).toBe(once);
        },
      ),
      { numRuns: 3000 },
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
