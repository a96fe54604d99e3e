/**
 * The fake's notion of "now" for data timestamps. Propstreet's are .NET's, to 100 ns
 * (`2025-01-15T10:00:00.1234567Z`, the cursor example in the reference): the fake keeps seven
 * fractional digits (a client that truncates to milliseconds must still page correctly) and
 * writes them on the wire with trailing zeros dropped, as its pages show (`wireUtc`).
 *
 * By default every write gets a strictly increasing stamp (one 100 ns tick later when the wall
 * clock has not moved). A test can freeze the clock to make ties on purpose.
 */
export interface Stamp {
  readonly ms: number;
  /** 100 ns ticks below the millisecond, 0..9999. */
  readonly sub: number;
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?)?$/i;

function formatStamp(s: Stamp): string {
  return `${new Date(s.ms).toISOString().slice(0, 23)}${String(s.sub).padStart(4, '0')}Z`;
}

/** Any ISO-8601 date-time (offset optional, meaning UTC) to a stamp; null when not a date. */
function parseStamp(input: string): Stamp | null {
  const m = ISO.exec(input.trim());
  if (!m) return null;
  const [, date, time = '00:00:00', frac = '', offset = 'Z'] = m;
  const digits = frac.padEnd(7, '0').slice(0, 7);
  const hms = time.length === 5 ? `${time}:00` : time;
  const ms = Date.parse(`${date}T${hms}.${digits.slice(0, 3)}${offset.toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  return { ms, sub: Number(digits.slice(3)) };
}

/** Canonical seven-digit form, which also sorts correctly as a plain string. */
export function canonicalUtc(input: string): string | null {
  const s = parseStamp(input);
  return s ? formatStamp(s) : null;
}

const CANONICAL = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{7})Z$/;

/**
 * A stamp as Propstreet writes it: .NET's System.Text.Json formats date-times with the pattern
 * `yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'FFFFFFFZ` — up to seven fractional digits, trailing zeros
 * dropped, no fraction at all on a whole second (learn.microsoft.com, "DateTime and
 * DateTimeOffset support in System.Text.Json", formatting) — which is why Propstreet's pages
 * show `2025-01-16T08:30:00Z` and `…00.1234567Z` alike. The fake keeps seven digits inside (they
 * sort as text) and writes them so on the wire.
 */
function wireUtc(canonical: string): string {
  const m = CANONICAL.exec(canonical);
  if (!m) return canonical;
  const fraction = (m[2] ?? '').replace(/0+$/, '');
  return `${m[1]}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/** Every canonical stamp in a JSON body, as `wireUtc` writes it. */
export function wireStamps(value: unknown): unknown {
  if (typeof value === 'string') return wireUtc(value);
  if (Array.isArray(value)) return value.map(wireStamps);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireStamps(v)]));
  return value;
}

function after(a: Stamp, b: Stamp): boolean {
  return a.ms > b.ms || (a.ms === b.ms && a.sub > b.sub);
}

export class FakeTime {
  private frozen: Stamp | null = null;
  private last: Stamp = { ms: 0, sub: 0 };

  /** The stamp for the next write. */
  next(): string {
    let s: Stamp = this.frozen ?? { ms: Date.now(), sub: 0 };
    if (!this.frozen && !after(s, this.last)) {
      s =
        this.last.sub < 9999
          ? { ms: this.last.ms, sub: this.last.sub + 1 }
          : { ms: this.last.ms + 1, sub: 0 };
    }
    if (after(s, this.last)) this.last = s;
    return formatStamp(s);
  }

  /** Freeze time at `iso` (every write then shares that stamp), or null to follow the wall clock. */
  set(iso: string | null): void {
    if (iso === null) {
      this.frozen = null;
      return;
    }
    const s = parseStamp(iso);
    if (!s) throw new Error(`not an ISO date-time: ${iso}`);
    this.frozen = s;
  }

  /** Moves a frozen clock forward; on the wall clock it only pushes the floor for the next stamp. */
  advance(ms: number): void {
    if (this.frozen) this.frozen = { ms: this.frozen.ms + ms, sub: this.frozen.sub };
    else this.last = { ms: Math.max(this.last.ms, Date.now()) + ms, sub: 0 };
  }

  reset(): void {
    this.frozen = null;
    this.last = { ms: 0, sub: 0 };
  }
}
