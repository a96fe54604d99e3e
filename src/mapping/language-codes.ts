/**
 * ISO 639-1 language codes and a lenient reader for what CRMs and people actually store
 * ("en-US", "sv_SE", "swe", "Swedish", "svenska"). The code list is embedded so the result does
 * not depend on the ICU data Node was built with; ICU only helps with aliases and names.
 */
const ISO_639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv ' +
    'dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ' +
    'ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh ' +
    'mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru ' +
    'rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug ' +
    'uk ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

export function isIso6391(code: string): boolean {
  return ISO_639_1.has(code);
}

let names: Map<string, string> | undefined;

/** English and native names, lower-cased, to their code; built once, on first need. */
function languageNames(): Map<string, string> {
  if (names) return names;
  const map = new Map<string, string>();
  const add = (name: string | undefined, code: string) => {
    const key = name?.toLowerCase();
    if (key && !map.has(key)) map.set(key, code);
  };
  for (const code of ISO_639_1) {
    try {
      add(new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' }).of(code), code);
      add(new Intl.DisplayNames([code], { type: 'language', fallback: 'none' }).of(code), code);
    } catch {
      // Builds without full ICU lack some names; codes still work.
    }
  }
  names = map;
  return map;
}

function viaIntl(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical === undefined ? undefined : new Intl.Locale(canonical).language;
  } catch {
    return undefined;
  }
}

/**
 * The ISO 639-1 code for a lower-cased language value, or undefined when it is not recognised.
 * A known primary subtag wins before ICU aliasing, so a valid code always maps to itself.
 */
export function toIso6391(lower: string): string | undefined {
  const tag = lower.replace(/_/g, '-');
  const primary = tag.split('-')[0] ?? '';
  if (ISO_639_1.has(primary)) return primary;
  const aliased = viaIntl(tag);
  if (aliased !== undefined && ISO_639_1.has(aliased)) return aliased;
  return languageNames().get(lower);
}
