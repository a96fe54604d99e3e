/**
 * The data behind the in-memory ports: one synthetic population seen from both sides. Record i's
 * values are computed from i; what the engine writes is kept in typed arrays (exists, ref/key
 * written, version, stamps) plus a sparse overlay for values that differ from the computed ones.
 * So the world holds 13 bytes a record (six flags in one byte, a version, two stamps as
 * 32-bit offsets; it was 26, a byte a flag and float stamps, before 12-04) and a 1M-record
 * benchmark measures the engine's memory, not the fake's. Record i is paired with record i only: `ps-i` ⇄ `crm-i`.
 *
 * Tests act on it as users would (`InMemoryUsers`, users.ts) and read what the engine wrote
 * from `writes` (kept only when asked: a benchmark would pay for it).
 */

import { FIRST_NAMES, LAST_NAMES } from '../../../fakes/sandbox/people.js';

export const FIELDS = ['firstName', 'lastName', 'email', 'phone'] as const;
export type Field = (typeof FIELDS)[number];
export type Values = Record<Field, string>;

// The sandbox's names (fewer of them: the first 11 and 8), so both benchmarks look alike.
const FIRST = FIRST_NAMES.slice(0, 11);
const LAST = LAST_NAMES.slice(0, 8);
/** Every stamp lies before this instant plus a few million ms, so never in the engine's future. */
const BASE = Date.parse('2025-01-01T00:00:00Z');

export interface WorldOptions {
  /** Contacts only in Propstreet: indexes 0 … psOnly-1. */
  readonly psOnly: number;
  /** Records only in the CRM: the next `crmOnly` indexes. */
  readonly crmOnly?: number;
  /** Start as after a complete first sync: all records on both sides, linked, with our etags. */
  readonly synced?: boolean;
  /** Slots held by neither side, after the others: for records users create later. */
  readonly empty?: number;
  /** Keep a log of the engine's writes in `writes`. */
  readonly logWrites?: boolean;
}

/**
 * One write the engine made through the ports. `duplicate`: the call would have made a second
 * record in the real API (an upsert whose key or external ref no existing record carries, while
 * the record it stands for exists); the world, which pairs i with i only, cannot hold it.
 */
export interface WriteEvent {
  readonly side: 'propstreet' | 'crm';
  readonly op: 'create' | 'revive' | 'update' | 'delete';
  readonly index: number;
  readonly duplicate?: true;
}

/**
 * `PROPSYNC_BENCH_IDS=scrambled` names record i `ps-<i × A mod 2³²>` (A odd, so the map is a
 * bijection and indexOf inverts it): Propstreet ids then come in no order relative to the pages,
 * as a delta ordered by update time gives them, instead of in key order. Off by default, so
 * every figure before it stays comparable (bench/README.md, "Engine cuts, seventh pass").
 */
const SCRAMBLED = process.env.PROPSYNC_BENCH_IDS === 'scrambled';
const A = 0x9e3779b1;
/** A's inverse mod 2³² by Newton's iteration (each step doubles the correct low bits: 5 reach 32). */
const A_INVERSE = (() => {
  let x = A;
  for (let k = 0; k < 5; k++) x = Math.imul(x, 2 - Math.imul(A, x));
  return x >>> 0;
})();

export const scrambleId = (i: number): number => Math.imul(i, A) >>> 0;
export const unscrambleId = (n: number): number => Math.imul(n, A_INVERSE) >>> 0;

export const psId = (i: number): string => (SCRAMBLED ? `ps-${scrambleId(i)}` : `ps-${i}`);
export const crmId = (i: number): string => `crm-${i}`;

/** One yes/no fact of each record: one bit of the byte the world keeps per record. */
class Flag {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly bit: number,
  ) {}

  get(i: number): 0 | 1 {
    return ((this.bytes[i] ?? 0) & this.bit) === 0 ? 0 : 1;
  }

  set(i: number, value: number): void {
    const byte = this.bytes[i] ?? 0;
    this.bytes[i] = value ? byte | this.bit : byte & ~this.bit;
  }

  fill(value: number, from: number, to: number): void {
    for (let i = from; i < to; i++) this.set(i, value);
  }
}

/** A stamp (epoch ms) of each record, kept as a 32-bit offset from BASE (49 days of ticks). */
class Stamps {
  readonly offsets: Uint32Array;

  constructor(size: number) {
    this.offsets = new Uint32Array(size);
  }

  get(i: number): number {
    return BASE + (this.offsets[i] ?? 0);
  }

  set(i: number, ms: number): void {
    const offset = ms - BASE;
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff)
      throw new RangeError(`stamp ${ms} is outside the world's 2^32 ms from ${new Date(BASE).toISOString()}`);
    this.offsets[i] = offset;
  }
}

export class InMemoryWorld {
  readonly size: number;
  /** The six flags below, a bit each. */
  private readonly flags: Uint8Array;
  readonly psExists: Flag;
  readonly crmExists: Flag;
  readonly psDeleted: Flag;
  readonly crmDeleted: Flag;
  /** Propstreet externalRef to crm-i written. */
  readonly refWritten: Flag;
  /** CRM key property set to ps-i. */
  readonly keyWritten: Flag;
  readonly version: Uint32Array;
  readonly psStamp: Stamps;
  readonly crmStamp: Stamps;
  /** Values that differ from the computed ones, by index (sparse). */
  readonly psEdits = new Map<number, Partial<Record<Field, string | null>>>();
  readonly crmEdits = new Map<number, Record<string, string | null>>();
  /** The engine's writes, in order (with `logWrites`). */
  readonly writes: WriteEvent[] | undefined;
  /**
   * Called as an If-Match write (PATCH, DELETE) reaches Propstreet, before its etag is checked:
   * a test makes a person's edit land between the engine's read and its write here.
   */
  beforePropstreetWrite: ((index: number) => void) | undefined;
  private clockMs: number;

  constructor(options: WorldOptions) {
    const crmOnly = options.crmOnly ?? 0;
    const n = options.psOnly + crmOnly + (options.empty ?? 0);
    this.writes = options.logWrites ? [] : undefined;
    this.size = n;
    this.flags = new Uint8Array(n);
    this.psExists = new Flag(this.flags, 1);
    this.crmExists = new Flag(this.flags, 2);
    this.psDeleted = new Flag(this.flags, 4);
    this.crmDeleted = new Flag(this.flags, 8);
    this.refWritten = new Flag(this.flags, 16);
    this.keyWritten = new Flag(this.flags, 32);
    this.version = new Uint32Array(n);
    this.psStamp = new Stamps(n);
    this.crmStamp = new Stamps(n);
    if (options.synced) {
      // As a real first run leaves it: each side written once by us, later than any initial stamp.
      const filled = options.psOnly + crmOnly;
      for (const a of [this.psExists, this.crmExists, this.refWritten, this.keyWritten]) a.fill(1, 0, filled);
      this.version.fill(1, 0, filled);
      for (let i = 0; i < n; i++) {
        this.psStamp.set(i, BASE + 2 * n + i);
        this.crmStamp.set(i, BASE + 3 * n + i);
      }
      this.clockMs = BASE + 4 * n;
    } else {
      for (let i = 0; i < n; i++) {
        if (i < options.psOnly) this.psExists.set(i, 1);
        else if (i < options.psOnly + crmOnly) this.crmExists.set(i, 1);
        this.psStamp.set(i, BASE + i);
        this.crmStamp.set(i, BASE + i);
      }
      this.clockMs = BASE + n;
    }
  }

  /** Bytes the world's own arrays take (what a benchmark's RSS holds for the ports, not the engine). */
  get bytes(): number {
    return [this.flags, this.version, this.psStamp.offsets, this.crmStamp.offsets].reduce(
      (sum, a) => sum + a.byteLength,
      0,
    );
  }

  log(event: WriteEvent): void {
    this.writes?.push(event);
  }

  /** The stamp of the next write (1 ms apart, so delta order is write order). */
  tick(): number {
    this.clockMs += 1;
    return this.clockMs;
  }

  now(): number {
    return this.clockMs;
  }

  /** Time passes with no write (so a later run's overlap window no longer reaches back). */
  advance(ms: number): void {
    this.clockMs += ms;
  }

  /** The index a `prefix-i` id names, or -1. */
  indexOf(id: string, prefix: 'ps-' | 'crm-'): number {
    if (!id.startsWith(prefix)) return -1;
    const n = Number(id.slice(prefix.length));
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) return -1;
    const i = SCRAMBLED && prefix === 'ps-' ? unscrambleId(n) : n;
    return i < this.size ? i : -1;
  }

  /** The index behind a computed email address, or -1. */
  indexOfEmail(email: string): number {
    const m = /^contact(\d+)@example\.com$/.exec(email.trim().toLowerCase());
    return m ? Number(m[1]) : -1;
  }

  computed(i: number): Values {
    return {
      firstName: FIRST[i % FIRST.length]!,
      lastName: LAST[(i * 7) % LAST.length]!,
      email: `contact${i}@example.com`,
      phone: `+4670${String(1_000_000 + (i % 9_000_000)).padStart(7, '0')}`,
    };
  }

  /** Record i's current Propstreet values. */
  psValues(i: number): Record<Field, string | null> {
    const edits = this.psEdits.get(i);
    return edits ? { ...this.computed(i), ...edits } : this.computed(i);
  }

  /** Keeps a written Propstreet value only when it differs from the computed one. */
  writePs(i: number, field: Field, value: string | null): void {
    const edits = this.psEdits.get(i) ?? {};
    if (value === this.computed(i)[field]) delete edits[field];
    else edits[field] = value;
    if (Object.keys(edits).length > 0) this.psEdits.set(i, edits);
    else this.psEdits.delete(i);
  }

  /** Keeps a written CRM value only when it differs from `computed` (the mapped base value). */
  writeCrm(i: number, property: string, value: string | null, computed: string | null): void {
    const edits = this.crmEdits.get(i) ?? {};
    if (value === computed) delete edits[property];
    else edits[property] = value;
    if (Object.keys(edits).length > 0) this.crmEdits.set(i, edits);
    else this.crmEdits.delete(i);
  }
}

/** The text up to the milliseconds of the whole seconds `iso` formatted lately, by second. */
const isoPrefixes = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, with the text up to the second reused: the world's stamps are
 * counters a millisecond apart (a contact's `createdUtc` and the clock's `updatedUtc` each), so
 * most calls share a second with a recent one, and a Date and its formatting a stamp were ~6 %
 * of the engine bench's real run (harness, not engine: bench/README.md, "Engine cuts, eighth
 * pass"). Before 1970 or past year 9999 the text's shape changes: those go through Date.
 */
export function iso(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 253_402_300_800_000) return new Date(ms).toISOString();
  const second = Math.floor(ms / 1000);
  let prefix = isoPrefixes.get(second);
  if (prefix === undefined) {
    // A handful of counters are live at once: what is older than them is dropped, together.
    if (isoPrefixes.size >= 64) isoPrefixes.clear();
    prefix = new Date(second * 1000).toISOString().slice(0, 20);
    isoPrefixes.set(second, prefix);
  }
  return `${prefix}${String(ms - second * 1000).padStart(3, '0')}Z`;
}
