/**
 * ISO 3166-1 alpha-2 country codes and a lenient reader for what CRMs and people store in a
 * free-text country field ("SE", "se", "Sweden", "Sverige", "UK"). The code list is embedded so
 * the result does not depend on the ICU data Node was built with; ICU only adds names.
 */
const ISO_3166_1 = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS ' +
    'BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG ' +
    'EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR ' +
    'HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR ' +
    'LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG ' +
    'NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE ' +
    'SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA ' +
    'UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

/** Names people write that are not a region's display name in any locale read below. */
const ALIASES: Readonly<Record<string, string>> = {
  uk: 'GB',
  'great britain': 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  usa: 'US',
  'u.s.a.': 'US',
  'u.s.': 'US',
  'united states of america': 'US',
  holland: 'NL',
  // ISO's English short names and former names ICU's display names replaced (found missing by a
  // review probe: "Turkey", "Czech Republic", "Hong Kong" were not recognised).
  turkey: 'TR',
  'czech republic': 'CZ',
  'hong kong': 'HK',
  macau: 'MO',
  macao: 'MO',
  'viet nam': 'VN',
  'the netherlands': 'NL',
  uae: 'AE',
  'republic of korea': 'KR',
  'korea, republic of': 'KR',
  'south korea': 'KR',
  'russian federation': 'RU',
  macedonia: 'MK',
  swaziland: 'SZ',
  'ivory coast': 'CI',
  burma: 'MM',
  'cape verde': 'CV',
  'east timor': 'TL',
  vatican: 'VA',
  'holy see': 'VA',
  // ISO 3166-1 alpha-3 codes of the markets the tenants work in (NAME_LOCALES below).
  swe: 'SE',
  nor: 'NO',
  dnk: 'DK',
  fin: 'FI',
  isl: 'IS',
  deu: 'DE',
  aut: 'AT',
  che: 'CH',
  fra: 'FR',
  bel: 'BE',
  lux: 'LU',
  nld: 'NL',
  esp: 'ES',
  prt: 'PT',
  ita: 'IT',
  pol: 'PL',
  gbr: 'GB',
  irl: 'IE',
  est: 'EE',
  lva: 'LV',
  ltu: 'LT',
};

/** Locales whose names are read besides English: the markets the connector's tenants work in. */
const NAME_LOCALES = ['en', 'sv', 'nb', 'da', 'fi', 'de', 'fr', 'es', 'nl', 'it', 'pl'];

let names: Map<string, string> | undefined;

/** Display names, lower-cased, to their code; built once, on first need. */
function countryNames(): Map<string, string> {
  if (names) return names;
  const map = new Map<string, string>(Object.entries(ALIASES));
  for (const locale of NAME_LOCALES) {
    let display: Intl.DisplayNames;
    try {
      display = new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' });
    } catch {
      continue; // Builds without full ICU lack some locales; codes still work.
    }
    for (const code of ISO_3166_1) {
      const name = display.of(code)?.normalize('NFC').toLowerCase();
      if (name && !map.has(name)) map.set(name, code);
    }
  }
  names = map;
  return map;
}

/** The ISO 3166-1 alpha-2 code of a trimmed country value, or undefined when it is not recognised. */
export function toIso31661(value: string): string | undefined {
  const upper = value.toUpperCase();
  if (ISO_3166_1.has(upper)) return upper;
  return countryNames().get(value.toLowerCase().replace(/\s+/g, ' '));
}

/** Whether `value` is an ISO 3166-1 alpha-2 code as Propstreet keeps one (upper case). */
export function isIso31661(value: string): boolean {
  return ISO_3166_1.has(value);
}
