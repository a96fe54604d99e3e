/**
 * Secrets are registered once (from config, and as tokens are issued) and scrubbed from any
 * text that leaves the process: log lines, error messages, reports, the state file's run
 * records. Structured redaction (pino `redact`) covers known keys; this covers a token that
 * ends up inside a message, a URL or a body a server echoed back.
 *
 * A secret is found in every form it takes on the way out, not just verbatim:
 * - URL-encoded, as in a query string or form body (`!` → `%21`, either hex case, or
 *   encoded twice: `%2521`; a space as `+`);
 * - JSON-escaped (`\"`, `\\`, `\/`, `\u0021`: .NET and Python escape more than JSON.stringify);
 * - base64 at any byte offset, standard or URL-safe: `Basic base64(user:secret)` headers,
 *   and the whole base64 word around it is removed, so no edge character leaks a byte.
 * Forms mix freely within one occurrence (`00D%21abc\u002Bx`), since encoders differ.
 *
 * A `Redactor` holds the secrets. There is no process-wide one: each entry point (every CLI
 * command, `serve`, `worker`, the demo, the bench) creates one and hands it down explicitly, in
 * the options of whoever learns or prints a secret: the config loader registers what it
 * resolves (`LoadOptions.redactor`), the API clients and token sources register the secrets
 * they are given and the tokens they are issued (`redactor` in their options), and everything
 * that lets text out scrubs with the same one (the logger, run results, stored failures,
 * reports, `--json`, the CLI's error line). The option is required wherever forgetting it
 * would leak. The CLI keeps one per process, so a line about one tenant cannot carry
 * another's token either.
 */

const MARK = '[REDACTED]';
/** Very short values would redact ordinary words; real tokens are long. */
const MIN_SECRET_LENGTH = 8;
/** Letters and digits are never encoded in practice: matched only as themselves (a smaller pattern). */
const PLAIN = /^[A-Za-z0-9]$/;
const BASE64_CHAR = /[A-Za-z0-9+/_-]/;

export class Redactor {
  readonly #secrets = new Set<string>();
  /** One pattern for all secrets; group 1 is a base64 match. Rebuilt after a registration. */
  #pattern: RegExp | undefined;

  register(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.#secrets.has(value)) return;
    this.#secrets.add(value);
    this.#pattern = undefined;
  }

  redact(text: string): string {
    if (this.#secrets.size === 0 || text.length < MIN_SECRET_LENGTH) return text;
    const pattern = this.#compiled();
    pattern.lastIndex = 0;
    const ranges: [number, number][] = [];
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      let start = m.index;
      let end = start + m[0].length;
      if (m[1] !== undefined) {
        // The base64 of a secret's neighbours shares its edge characters: take the whole word.
        while (start > 0 && BASE64_CHAR.test(text.charAt(start - 1))) start--;
        while (end < text.length && BASE64_CHAR.test(text.charAt(end))) end++;
        while (text[end] === '=') end++;
      }
      // A widened base64 word may swallow earlier matches: merge them into it.
      for (let last = ranges.at(-1); last && start <= last[1]; last = ranges.at(-1)) {
        start = Math.min(start, last[0]);
        end = Math.max(end, last[1]);
        ranges.pop();
      }
      ranges.push([start, end]);
    }
    if (ranges.length === 0) return text;
    let out = '';
    let at = 0;
    for (const [start, end] of ranges) {
      out += text.slice(at, start) + MARK;
      at = end;
    }
    return out + text.slice(at);
  }

  /** Every string in a JSON-like value, and every value under a secret-looking key. */
  redactDeep<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = SECRET_KEY.test(k) && typeof v === 'string' ? MARK : this.redactDeep(v);
      }
      return out as T;
    }
    return value;
  }

  #compiled(): RegExp {
    if (this.#pattern) return this.#pattern;
    // Longest first, so a secret that contains another is removed whole.
    const secrets = [...this.#secrets].sort((a, b) => b.length - a.length);
    const textual = secrets.map(anyEncoding).join('|');
    const base64 = [...new Set(secrets.flatMap(base64Cores))].map(escapeRegExp).join('|');
    this.#pattern = new RegExp(`(${base64})|${textual}`, 'g');
    return this.#pattern;
  }
}

const SECRET_KEY = /token|secret|password|authorization|apikey|api_key|clientsecret/i;

/** A pattern for `secret` verbatim, URL-encoded (once or twice) or JSON-escaped, per character. */
function anyEncoding(secret: string): string {
  let out = '';
  for (const ch of secret) {
    if (PLAIN.test(ch)) {
      out += ch;
      continue;
    }
    const forms = new Set<string>([escapeRegExp(ch)]);
    const bytes = [...Buffer.from(ch, 'utf8')];
    forms.add(bytes.map((b) => `%${hexPattern(b, 2)}`).join(''));
    forms.add(bytes.map((b) => `%25${hexPattern(b, 2)}`).join(''));
    if (ch === ' ') forms.add('\\+');
    const json = JSON_SHORT[ch];
    if (json) forms.add(escapeRegExp(json));
    for (const unit of utf16Units(ch)) forms.add(`\\\\u${hexPattern(unit, 4)}`);
    if (utf16Units(ch).length > 1) {
      forms.add(
        utf16Units(ch)
          .map((u) => `\\\\u${hexPattern(u, 4)}`)
          .join(''),
      );
    }
    out += `(?:${[...forms].join('|')})`;
  }
  return out;
}

const JSON_SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function utf16Units(ch: string): number[] {
  const units: number[] = [];
  for (let i = 0; i < ch.length; i++) units.push(ch.charCodeAt(i));
  return units;
}

/** `n` as hex digits, either case: 0x2f → `2[Ff]`. */
function hexPattern(n: number, width: number): string {
  return [...n.toString(16).padStart(width, '0')]
    .map((d) => (/[a-f]/.test(d) ? `[${d.toUpperCase()}${d}]` : d))
    .join('');
}

/**
 * The base64 characters that depend on the secret alone, for each of the three byte offsets
 * it can sit at inside a longer encoded text, in the standard and the URL-safe alphabet.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
