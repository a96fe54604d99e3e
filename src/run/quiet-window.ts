/**
 * Where each side's overlap window may start, so that a run with nothing new stays quiet even
 * right after a big sync.
 *
 * A delta is read from `checkpoint − overlap`: changes stamped a little before the checkpoint may
 * become visible only after the read that set it (an index lagging behind, a transaction stamped
 * before it commits). Right after a sync that window is full of our own writes, and each run
 * would read them again, page after page. The floor is a stamp before which every change is
 * known to have been read, and the window never starts before it (the floor is re-read itself,
 * inclusively, for changes that share its stamp):
 *
 * - each run remembers its newest own write per side (id and the stamp the API answered);
 * - the next run's delta read that returns that record at that stamp or later shows the read
 *   saw everything up to that write: a change becomes visible no later than any change stamped
 *   after it (one index, one sequence of commits). Everything before it that was visible was
 *   read, by this run or the earlier ones, so the stamp becomes the floor;
 * - a read that does not return it yet (the index still shows the version before our write, or
 *   nothing) proves nothing, and the floor stays where it was: the overlap re-reads as before.
 *
 * A person's edit among our writes is therefore read either by the run that confirms the floor
 * or, when it was not visible then, neither was our later write, and the window stays open.
 * What the floor does not cover: a store that shows a later change before an earlier one (no
 * page of the three APIs says theirs can). Facts live in the state store's scope meta
 * (`quiet.propstreet`, `quiet.crm`) and move only when a run commits its checkpoints.
 */
import type { CrmRecord, WriteResult } from '../crm/port.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { Scope, Side, StateStore } from '../state/port.js';

/** A record this connection wrote, at the stamp the API answered with. */
export interface OwnWrite {
  readonly id: string;
  readonly at: string;
}

interface SideFacts {
  readonly floor?: string;
  readonly wrote?: OwnWrite;
}

const metaKey = (side: Side) => `quiet.${side}`;

/** Orders ISO stamps (Propstreet's carry 100-ns digits; equal milliseconds fall back to the text). */
export function compareStamps(a: string, b: string): number {
  const d = Date.parse(a) - Date.parse(b);
  if (d !== 0 && !Number.isNaN(d)) return d;
  return a < b ? -1 : a > b ? 1 : 0;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareStamps(a, b) >= 0 ? a : b;
}

/**
 * The `updated_since` of a Propstreet delta: `checkpoint − overlap`, but not before the floor
 * and never after the checkpoint (inclusive: its own stamp is read again).
 */
export function windowStart(checkpoint: string, overlapMs: number, floor: string | undefined): string {
  const overlapped = new Date(Date.parse(checkpoint) - overlapMs).toISOString();
  const start = later(overlapped, floor) ?? overlapped;
  return compareStamps(start, checkpoint) > 0 ? checkpoint : start;
}

function parse(text: string | null): SideFacts {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as { floor?: unknown; wrote?: { id?: unknown; at?: unknown } };
    const floor = typeof v.floor === 'string' && !Number.isNaN(Date.parse(v.floor)) ? v.floor : undefined;
    const w = v.wrote;
    const wrote =
      w && typeof w.id === 'string' && typeof w.at === 'string' && !Number.isNaN(Date.parse(w.at))
        ? { id: w.id, at: w.at }
        : undefined;
    return { ...(floor ? { floor } : {}), ...(wrote ? { wrote } : {}) };
  } catch {
    // Unreadable facts only cost the old, wider window.
    return {};
  }
}

class SideWindow {
  private before: SideFacts = {};
  private confirmed = false;
  private newest: OwnWrite | undefined;

  restore(facts: SideFacts): void {
    this.before = facts;
  }

  get floor(): string | undefined {
    return this.before.floor;
  }

  /** A record the delta read returned: is it the previous run's newest write, or later? */
  seen(id: string, at: string): void {
    const w = this.before.wrote;
    if (!this.confirmed && w && id === w.id && compareStamps(at, w.at) >= 0) this.confirmed = true;
  }

  wrote(id: string, at: string | undefined): void {
    if (at === undefined || Number.isNaN(Date.parse(at))) return;
    if (!this.newest || compareStamps(at, this.newest.at) > 0) this.newest = { id, at };
  }

  /** The facts for the next run. */
  after(): SideFacts {
    const floor = this.confirmed ? later(this.before.floor, this.before.wrote?.at) : this.before.floor;
    return { ...(floor ? { floor } : {}), ...(this.newest ? { wrote: this.newest } : {}) };
  }
}

export class QuietWindow {
  private readonly propstreet = new SideWindow();
  private readonly crm = new SideWindow();

  /** Reads the facts the last committed run left (before the run reads anything). */
  async load(store: StateStore, scope: Scope): Promise<void> {
    const [ps, crm] = await Promise.all([
      store.getMeta(scope, metaKey('propstreet')),
      store.getMeta(scope, metaKey('crm')),
    ]);
    this.propstreet.restore(parse(ps));
    this.crm.restore(parse(crm));
  }

  /** `updated_since` for the Propstreet delta after `checkpoint` (none: read everything). */
  propstreetSince(checkpoint: string | null, overlapMs: number): string | undefined {
    return checkpoint ? windowStart(checkpoint, overlapMs, this.propstreet.floor) : undefined;
  }

  /** The CRM adapter's floor (it keeps the window between it and its checkpoint). */
  get crmFloor(): string | undefined {
    return this.crm.floor;
  }

  seenPropstreet(records: readonly PropstreetRecord[]): void {
    for (const r of records) this.propstreet.seen(r.id, r.updatedUtc);
  }

  /** Live records only: the archived list says nothing of what search shows. */
  seenCrm(records: readonly CrmRecord[]): void {
    for (const r of records) if (!r.deleted && !r.mergedInto) this.crm.seen(r.id, r.modifiedAt);
  }

  wrotePropstreet(record: PropstreetRecord): void {
    this.propstreet.wrote(record.id, record.updatedUtc);
  }

  /** CRMs that answer a write with its stamp (HubSpot) give evidence; the others (Salesforce) none. */
  wroteCrm(results: readonly WriteResult[]): void {
    for (const r of results) if (r.ok) this.crm.wrote(r.id, r.modifiedAt);
  }

  /** After the run committed its checkpoints: the floors and own writes for the next one. */
  async save(store: StateStore, scope: Scope): Promise<void> {
    for (const [side, w] of [
      ['propstreet', this.propstreet],
      ['crm', this.crm],
    ] as const) {
      const facts = w.after();
      await store.setMeta(scope, metaKey(side), Object.keys(facts).length > 0 ? JSON.stringify(facts) : null);
    }
  }
}
