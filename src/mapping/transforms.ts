/**
 * Value normalisers: equal meaning gives an equal string, so a diff of canonical values sees
 * only real changes. Every transform is idempotent (`t(t(x)) = t(x)`), which the property tests
 * check: a value that changed on a second pass would be written back and forth forever.
 */
import { domainToUnicode } from 'node:url';
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/core';
// The metadata `libphonenumber-js/max` binds to each call (the full set: number types, so
// `isValid` is exact), imported once and passed directly instead of through its wrapper.
import maxMetadata from 'libphonenumber-js/max/metadata';
import { withoutNul } from '../core/without-nul.js';
import { toIso31661 } from './country-codes.js';
import { toIso6391 } from './language-codes.js';

export const TRANSFORMS = [
  'none',
  'trim',
  'email',
  'phone',
  'tags',
  'language',
  'lowercase',
  'uppercase',
  'domain',
  'url',
  'country',
] as const;
export type Transform = (typeof TRANSFORMS)[number];

export type InputValue = string | readonly string[] | null | undefined;

/**
 * `value` in Unicode NFC. A string whose every code unit is below U+0300 (the first combining
 * mark) is NFC already: nothing there decomposes, has a combining class or composes with its
 * neighbour (test/mapping/transforms.test.ts checks every such character and pair). Most names,
 * emails and numbers are such strings, and `normalize` costs far more than the scan.
 */
export function nfc(value: string): string {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x300) return value.normalize('NFC');
  return value;
}

/** NFC so that composed and decomposed spellings of a name compare equal; empty is null. */
function text(value: string): string | null {
  const out = nfc(value).trim();
  return out === '' ? null : out;
}

function cased(value: string, upper: boolean): string | null {
  const t = text(value);
  if (t === null) return null;
  return nfc(upper ? t.toUpperCase() : t.toLowerCase());
}

/**
 * E.164 for numbers libphonenumber (full metadata) calls valid; anything else is kept as typed
 * (trimmed), since guessing would change a number the user may still recognise. Extensions are
 * dropped: E.164 has no room for them.
 */
/**
 * Parsing with full metadata is the costliest step of a mapping, and a run normalises the
 * same number several times (each side, the write, the shadow): remember recent results. A
 * number's E.164 form is remembered as its own result too: the transform is idempotent, and a
 * record read as `070-123 45 67` is normalised again as `+46701234567` when its canonical
 * values are mapped to the other side (one parse a number instead of two).
 */
interface PhoneRegion {
  readonly options: { readonly defaultCountry?: CountryCode; readonly extract: false };
  /** Typed text → result; cleared when full, so it stays bounded. */
  readonly cache: Map<string, string>;
}

/** One entry a region (null: none), so a lookup builds no key string and no options object. */
const phoneRegions = new Map<CountryCode | null, PhoneRegion>();
const PHONE_CACHE_SIZE = 20_000;

function phoneRegion(region: CountryCode | null): PhoneRegion {
  let entry = phoneRegions.get(region);
  if (entry === undefined) {
    entry = {
      options: region === null ? { extract: false } : { defaultCountry: region, extract: false },
      cache: new Map(),
    };
    phoneRegions.set(region, entry);
  }
  return entry;
}

export function normalisePhone(value: string, region: CountryCode | null): string | null {
  const t = text(value);
  if (t === null) return null;
  const { options, cache } = phoneRegion(region);
  const hit = cache.get(t);
  if (hit !== undefined) return hit;
  const parsed = parsePhoneNumberFromString(t, options, maxMetadata);
  const out = parsed?.isValid() ? parsed.number : t;
  if (cache.size >= PHONE_CACHE_SIZE) cache.clear();
  cache.set(t, out);
  if (out !== t) cache.set(out, out);
  return out;
}

/** Splits on `;` (HubSpot and Salesforce multi-value separator), trims, dedupes, sorts by code unit. */
export function normaliseTags(value: string | readonly string[]): string | null {
  const parts = typeof value === 'string' ? [value] : value;
  const tags = new Set<string>();
  for (const part of parts) {
    for (const piece of part.split(';')) {
      const tag = text(piece);
      if (tag !== null) tags.add(tag);
    }
  }
  if (tags.size === 0) return null;
  return [...tags].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(';');
}

/** Norwegian's two written forms compare as the language: HubSpot lists only `no`, Propstreet keeps `nb`. */
const NORWEGIAN = new Set(['nb', 'nn']);

/**
 * ISO 639-1 when recognised (Bokmål `nb` and Nynorsk `nn` as Norwegian, `no`); otherwise the value
 * lower-cased, so the target can reject it loudly.
 */
export function normaliseLanguage(value: string): string | null {
  const lower = cased(value, false);
  if (lower === null) return null;
  const iso = toIso6391(lower) ?? lower;
  return NORWEGIAN.has(iso) ? 'no' : iso;
}

/** ISO 3166-1 alpha-2 when recognised (codes, names, common aliases); otherwise the text as typed. */
export function normaliseCountry(value: string): string | null {
  const t = text(value);
  if (t === null) return null;
  return toIso31661(t) ?? t;
}

/**
 * A bare host name, as Propstreet keeps a company's `domain`: lower case, no scheme, user,
 * port, path, query or trailing dot, no leading `www.` (unless that would leave a single label),
 * international names in Unicode (`xn--bcher-kva.de` reads `bücher.de`). A URL gives its host,
 * so `https://www.Acme.com/about` and `acme.com` are one domain.
 */
export function normaliseDomain(value: string): string | null {
  // Each pass can uncover what an earlier step hid ("// www.x": the slashes, then the space):
  // repeat to the fixed point, so the result is stable under another pass.
  let host = cased(value, false);
  for (let pass = 0; host !== null && pass < 8; pass++) {
    const next = hostOnce(host);
    if (next === host) break;
    host = next;
  }
  return host;
}

function hostOnce(value: string): string | null {
  let host = value.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
  host = host.split(/[/?#]/, 1)[0] ?? '';
  host = host.slice(host.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  // UTS #46 mapping first (full-width letters, ideographic dots), so what is stripped below is final.
  host = nfc(domainToUnicode(host) || host)
    .toLowerCase()
    .trim()
    .replace(/\.+$/, '');
  while (host.startsWith('www.') && host.slice(4).includes('.')) host = host.slice(4);
  return host === '' ? null : host;
}

/**
 * A web address compared by meaning: `https://` added when no scheme is given, scheme and host
 * lower-cased (international hosts in Unicode), a bare `/` path dropped. Anything that does not
 * parse as an http(s) URL stays as typed (trimmed).
 */
export function normaliseUrl(value: string): string | null {
  const t = text(value);
  if (t === null) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(t) ? t : `https://${t}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return t;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return t;
  const host = domainToUnicode(url.hostname) || url.hostname;
  const user = url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const port = url.port ? `:${url.port}` : '';
  const rest =
    url.pathname === '/' && !url.search && !url.hash ? '' : `${url.pathname}${url.search}${url.hash}`;
  return `${url.protocol}//${user}${host}${port}${rest}`;
}

export function applyTransform(
  transform: Transform,
  value: InputValue,
  region: CountryCode | null,
): string | null {
  if (value === null || value === undefined) return null;
  if (transform === 'tags')
    return normaliseTags(typeof value === 'string' ? withoutNul(value) : value.map(withoutNul));
  const single = withoutNul(typeof value === 'string' ? value : value.join(';'));
  switch (transform) {
    case 'none':
      return single === '' ? null : single;
    case 'trim':
      return text(single);
    case 'email':
    case 'lowercase':
      return cased(single, false);
    case 'uppercase':
      return cased(single, true);
    case 'phone':
      return normalisePhone(single, region);
    case 'language':
      return normaliseLanguage(single);
    case 'domain':
      return normaliseDomain(single);
    case 'url':
      return normaliseUrl(single);
    case 'country':
      return normaliseCountry(single);
  }
}
