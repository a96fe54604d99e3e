/**
 * The user edits of the webhooks scenario and when each one shows on every other side. An edit
 * writes a value never used before, on records of its own side only (the linked records of a
 * tenant are dealt round the sides), and in a field no other side edits on those records: a
 * Propstreet first name, a HubSpot or Salesforce last name. So no edit meets a conflict. A poll
 * of the other sides' stores (in process, every 25 ms) sees it arrive on each; a record is
 * edited again only once its last edit arrived everywhere, so no edit is hidden by a later one.
 */
import type { Sandbox } from '../fakes/sandbox/sandbox.js';

export type Side = 'propstreet' | 'hubspot' | 'salesforce';
/** Where an edit was made → a side it has to reach. */
export type Path = `${Side}→${Side}`;

export const PATHS: readonly Path[] = [
  'propstreet→hubspot',
  'propstreet→salesforce',
  'hubspot→propstreet',
  'hubspot→salesforce',
  'salesforce→propstreet',
  'salesforce→hubspot',
];

/** One user edit's arrival on one other side. */
export interface Arrival {
  readonly tenant: string;
  readonly path: Path;
  readonly value: string;
  readonly at: number;
  arrivedAt?: number;
}

/** A linked record: its id on each side the tenant syncs. */
export interface LinkedRecord {
  readonly propstreet: string;
  readonly hubspot?: string;
  readonly salesforce?: string;
}

/** One tenant's sandbox, the sides it syncs (Propstreet first), and its linked records. */
export interface TenantSide {
  readonly tenant: string;
  readonly sb: Sandbox;
  readonly sides: readonly Side[];
  readonly records: readonly LinkedRecord[];
}

const POLL_MS = 25;

/** The value of the edited field on `side`, or undefined when the record is not there. */
function valueOn(t: TenantSide, side: Side, r: LinkedRecord, from: Side): unknown {
  const first = from === 'propstreet';
  if (side === 'propstreet') {
    const c = t.sb.propstreet.contact(r.propstreet);
    return first ? c?.firstName : c?.lastName;
  }
  if (side === 'hubspot') {
    const p = r.hubspot ? t.sb.hubspot?.control.get(r.hubspot)?.properties : undefined;
    return first ? p?.firstname : p?.lastname;
  }
  const row = r.salesforce ? t.sb.salesforce?.control.get(r.salesforce) : undefined;
  return first ? row?.FirstName : row?.LastName;
}

function write(t: TenantSide, side: Side, r: LinkedRecord, value: string): void {
  if (side === 'propstreet') t.sb.propstreet.editAsUser(r.propstreet, { firstName: value });
  else if (side === 'hubspot' && r.hubspot) t.sb.hubspot?.control.editAsUser(r.hubspot, { lastname: value });
  else if (side === 'salesforce' && r.salesforce)
    t.sb.salesforce?.control.edit(r.salesforce, { LastName: value });
  else throw new Error(`${t.tenant}: record ${r.propstreet} has no ${side} side`);
}

export class EditTracker {
  /** One per user edit and other side. */
  readonly arrivals: Arrival[] = [];
  /** User edits made, per side. */
  readonly edits: Record<Side, number> = { propstreet: 0, hubspot: 0, salesforce: 0 };
  private readonly pending = new Map<Arrival, () => boolean>();
  private readonly busy = new Set<string>();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private drainWaiters: (() => void)[] = [];

  start(): void {
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A user edit on `from`, on a record of `t` with no edit in flight; false when all are busy. */
  edit(t: TenantSide, from: Side, pick: () => number): boolean {
    const slot = t.sides.indexOf(from);
    const own = t.records.filter((_, i) => i % t.sides.length === slot);
    const free = own.filter((r) => !this.busy.has(`${t.tenant}/${r.propstreet}`));
    const record = free[Math.floor(pick() * free.length)];
    if (!record) return false;
    const value = `W${(++this.seq).toString(36)}x`;
    const key = `${t.tenant}/${record.propstreet}`;
    write(t, from, record, value);
    this.edits[from]++;
    this.busy.add(key);
    const at = performance.now();
    const targets = t.sides.filter((s) => s !== from);
    let left = targets.length;
    for (const to of targets) {
      const arrival: Arrival = { tenant: t.tenant, path: `${from}→${to}`, value, at };
      this.arrivals.push(arrival);
      this.pending.set(arrival, () => {
        if (valueOn(t, to, record, from) !== value) return false;
        if (--left === 0) this.busy.delete(key);
        return true;
      });
    }
    return true;
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Resolves when every edit arrived everywhere, or after `timeoutMs` (the rest count as missing). */
  drain(timeoutMs: number): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private poll(): void {
    const now = performance.now();
    for (const [arrival, check] of this.pending)
      if (check()) {
        arrival.arrivedAt = now;
        this.pending.delete(arrival);
      }
    if (this.pending.size > 0) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}

/** Nearest-rank percentile of sorted seconds; null for none. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

export interface LatencyStats {
  /** Edit × other side pairs (for one path: the edits on its first side). */
  readonly edits: number;
  readonly arrived: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Edit → other side, in seconds; one that never arrived counts in `edits`, not in the percentiles. */
export function latencyStats(arrivals: readonly Arrival[]): LatencyStats {
  const s = arrivals
    .filter((e) => e.arrivedAt !== undefined)
    .map((e) => ((e.arrivedAt ?? 0) - e.at) / 1000)
    .sort((a, b) => a - b);
  return {
    edits: arrivals.length,
    arrived: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1) ?? null,
  };
}
