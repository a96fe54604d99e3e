/**
 * The mass-delete guard over a sliding window: 18 + 16 + 15 deletions in three runs, each
 * under `deletes.maxShare`, removed a quarter of a connection's links. Every deletion a run is
 * about to make is recorded in the scope's meta *before* it is sent (a run killed mid-way has
 * its deletions counted), keyed by the link's Propstreet id, so a rerun that plans the same
 * deletion again does not count it twice. The guard then counts this run's deletions plus the
 * recorded ones of the last `deletes.window`, against the links there were before them.
 */
import type { Scope, StateStore } from '../state/port.js';
import type { StateWrites } from './state-writes.js';

export const DELETE_WINDOW_META = 'deletes.recent';

interface Ledger {
  readonly v: 1;
  /** Deletion key → when it was recorded (ISO). */
  readonly at: Record<string, string>;
}

export class DeleteWindow {
  private constructor(
    private readonly writes: StateWrites,
    private readonly scope: Scope,
    private readonly windowMs: number,
    private entries: Map<string, number>,
    /** False when the stored ledger could not be read (it is then started afresh). */
    readonly readable: boolean,
  ) {}

  /** `writes`: where recorded deletions go (the store, unless the run writes no state). */
  static async load(
    store: Pick<StateStore, 'getMeta'> & StateWrites,
    scope: Scope,
    windowMs: number,
    now: Date,
    writes: StateWrites = store,
  ): Promise<DeleteWindow> {
    const raw = await store.getMeta(scope, DELETE_WINDOW_META);
    const parsed = raw === null ? new Map<string, number>() : parseLedger(raw);
    const w = new DeleteWindow(writes, scope, windowMs, parsed ?? new Map(), parsed !== undefined);
    w.prune(now);
    return w;
  }

  /** Deletions recorded in the window other than `ids` (those the current run counts itself). */
  othersThan(ids: ReadonlySet<string>): number {
    let n = 0;
    for (const key of this.entries.keys()) if (!ids.has(key)) n++;
    return n;
  }

  /** Records deletions about to be sent; durable before the first of them is. */
  async record(keys: readonly string[], now: Date): Promise<void> {
    if (keys.length === 0) return;
    this.prune(now);
    for (const k of keys) if (!this.entries.has(k)) this.entries.set(k, now.getTime());
    await this.save();
  }

  /** Forgets every recorded deletion (an operator accepted them with `--force`). */
  async clear(): Promise<void> {
    if (this.entries.size === 0) return;
    this.entries = new Map();
    await this.writes.setMeta(this.scope, DELETE_WINDOW_META, null);
  }

  private prune(now: Date): void {
    const from = now.getTime() - this.windowMs;
    for (const [k, at] of this.entries) if (at <= from) this.entries.delete(k);
  }

  private async save(): Promise<void> {
    const at: Record<string, string> = {};
    for (const [k, ms] of this.entries) at[k] = new Date(ms).toISOString();
    const ledger: Ledger = { v: 1, at };
    await this.writes.setMeta(this.scope, DELETE_WINDOW_META, JSON.stringify(ledger));
  }
}

function parseLedger(raw: string): Map<string, number> | undefined {
  try {
    const ledger = JSON.parse(raw) as Partial<Ledger>;
    if (ledger.v !== 1 || typeof ledger.at !== 'object' || ledger.at === null) return undefined;
    const out = new Map<string, number>();
    for (const [k, iso] of Object.entries(ledger.at)) {
      const ms = typeof iso === 'string' ? Date.parse(iso) : Number.NaN;
      if (!Number.isNaN(ms)) out.set(k, ms);
    }
    return out;
  } catch {
    return undefined;
  }
}

export { formatWindow } from '../engine/delete-guard.js';
