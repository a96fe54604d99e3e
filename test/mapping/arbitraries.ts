/** fast-check generators for raw field values as people and CRMs store them. */
import fc from 'fast-check';

const padded = (inner: fc.Arbitrary<string>) =>
  fc
    .tuple(fc.constantFrom('', ' ', '  ', '\t', '\u00a0'), inner, fc.constantFrom('', ' ', '\n'))
    .map(([a, b, c]) => `${a}${b}${c}`);

/** Emails with random upper-casing and surrounding whitespace. */
export const rawEmail = padded(
  fc
    .tuple(fc.emailAddress(), fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }))
    .map(([email, flips]) =>
      [...email].map((ch, i) => (flips[i % flips.length] ? ch.toUpperCase() : ch)).join(''),
    ),
);

/** Valid numbers in the shapes people type them, and invalid ones. */
export const rawPhone = fc.oneof(
  padded(
    fc.constantFrom(
      '+46 70 123 45 67',
      '070-123 45 67',
      '0701234567',
      '08-123 456 78',
      '+1 (415) 555-2671',
      '+44 20 7946 0958',
      '+47 412 34 567',
      '0046 70 123 45 67',
      '070-123 45 67 ext. 12',
    ),
  ),
  fc.stringMatching(/^\+?[0-9 ()-]{1,16}$/),
  fc.constantFrom('12ab', 'n/a', '+999', '123', 'call me'),
  fc.string({ maxLength: 12 }),
);

const tag = fc.oneof(
  fc.constantFrom('vip', 'VIP', 'investor', ' lender ', 'Stockholm', 'fastighet', ''),
  fc.string({ maxLength: 10 }),
);

/** Tags as a list (Propstreet) with duplicates, whitespace and empties. */
export const rawTagList = fc.array(tag, { maxLength: 8 });

/** Tags as a CRM stores them: `;`-separated text. */
export const rawTagText = fc
  .tuple(rawTagList, fc.constantFrom(';', '; ', ' ;'))
  .map(([tags, separator]) => tags.join(separator));

export const rawLanguage = fc.oneof(
  padded(
    fc.constantFrom(
      'en',
      'EN',
      'en-US',
      'sv_SE',
      'Swedish',
      'svenska',
      'swe',
      'ger',
      'iw',
      'tl',
      'no',
      'nb',
      'zh-Hant-TW',
    ),
  ),
  fc.constantFrom('xx', 'klingon', 'en-', '??', ''),
  fc.string({ maxLength: 8 }),
);

/** Names in any script, composed or decomposed, sometimes blank. */
export const rawName = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('Åsa', 'A\u030asa', '  Ölander ', 'Ærø', '李', 'Zoë', ''),
  fc.string({ unit: 'binary', maxLength: 10 }),
);

/** Web addresses and domains as CRMs and people store them: scheme or not, www, paths, ports, case. */
export const rawWeb = fc.oneof(
  padded(
    fc.constantFrom(
      'acme.se',
      'WWW.Acme.se',
      'https://www.acme.se/',
      'http://acme.se:8080/om-oss?x=1#top',
      'https://user:pw@www.acme.se',
      'www.com',
      'xn--bcher-kva.de',
      'bücher.de/ö',
      'ｗｗｗ.acme.se',
      'acme。se',
      '//acme.se',
      'mailto:info@acme.se',
      'not a url',
    ),
  ),
  fc.webUrl().map((u) => u.toUpperCase()),
  fc.domain(),
  fc.string({ maxLength: 20 }),
);

/** Countries as a free-text CRM field holds them, and Propstreet's codes. */
export const rawCountry = fc.oneof(
  padded(
    fc.constantFrom(
      'SE',
      'se',
      'Sweden',
      'Sverige',
      'sweden',
      'UK',
      'United  Kingdom',
      'Norge',
      'Tyskland',
      'USA',
    ),
  ),
  fc.constantFrom('Narnia', 'EU', 'S', ''),
  fc.string({ maxLength: 8 }),
);

/** Any raw value, for idempotence: everything above plus noise. */
export const rawAnything = fc.oneof(
  rawEmail,
  rawPhone,
  rawTagText,
  rawLanguage,
  rawName,
  rawWeb,
  rawCountry,
  fc.string(),
);

export const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 5 });
