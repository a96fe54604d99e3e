/**
 * The user edits of the webhooks scenario and when each one shows on the other side. An edit
 * writes a value never used before (a Propstreet first name, a HubSpot last name: disjoint
 * fields, and disjoint records per side, so no edit meets a conflict), and a poll of the
 * other side's store (in process, every 25 ms) sees it arrive. A record is edited again only
 * once its last edit arrived, so no edit is hidden by a later one.
 */
import type { Sandbox } from '../fakes/sandbox/sandbox.js';

export type Direction = 'propstreet→hubspot' | 'hubspot→propstreet';

export interface Edit {
  readonly tenant: string;
  readonly direction: Direction;
  readonly value: string;
  readonly at: number;
  arrivedAt?: number;
}

/** One tenant's sandbox and its linked records: Propstreet id ↔ HubSpot id. */
export interface TenantSide {
  readonly tenant: string;
  readonly sb: Sandbox;
  readonly pairs: readonly { readonly propstreetId: string; readonly hubspotId: string }[];
}

const POLL_MS = 25;

export class EditTracker {
  readonly edits: Edit[] = [];
  private readonly pending = new Map<Edit, () => boolean>();
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

  /** A user edit on `direction`'s first side, on a record of `t` with no edit in flight; false when all are busy. */
  edit(t: TenantSide, direction: Direction, pick: () => number): boolean {
    const own = t.pairs.filter((_, i) => (i % 2 === 0) === (direction === 'propstreet→hubspot'));
    const free = own.filter((p) => !this.busy.has(`${t.tenant}/${p.propstreetId}`));
    const pair = free[Math.floor(pick() * free.length)];
    if (!pair) return false;
    const value = `W${(++this.seq).toString(36)}x`;
    const key = `${t.tenant}/${pair.propstreetId}`;
    const hubspot = t.sb.hubspot;
    if (!hubspot) throw new Error('the webhooks bench needs the HubSpot fake');
    let arrived: () => boolean;
    if (direction === 'propstreet→hubspot') {
      t.sb.propstreet.editAsUser(pair.propstreetId, { firstName: value });
      arrived = () => hubspot.control.get(pair.hubspotId)?.properties.firstname === value;
    } else {
      hubspot.control.editAsUser(pair.hubspotId, { lastname: value });
      arrived = () => t.sb.propstreet.contact(pair.propstreetId)?.lastName === value;
    }
    const edit: Edit = { tenant: t.tenant, direction, value, at: performance.now() };
    this.edits.push(edit);
    this.busy.add(key);
    this.pending.set(edit, () => {
      if (!arrived()) return false;
      this.busy.delete(key);
      return true;
    });
    return true;
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** Resolves when every edit arrived, or after `timeoutMs` (the rest count as missing). */
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
    for (const [edit, check] of this.pending)
      if (check()) {
        edit.arrivedAt = now;
        this.pending.delete(edit);
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
  readonly edits: number;
  readonly arrived: number;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Edit → other side, in seconds; an edit that never arrived counts in `edits`, not in the percentiles. */
export function latencyStats(edits: readonly Edit[]): LatencyStats {
  const s = edits
    .filter((e) => e.arrivedAt !== undefined)
    .map((e) => ((e.arrivedAt ?? 0) - e.at) / 1000)
    .sort((a, b) => a - b);
  return {
    edits: edits.length,
    arrived: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1) ?? null,
  };
}
