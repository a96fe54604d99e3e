/**
 * What the last links phase read at the newest stamp of each delta, so that the next one does
 * not read it again. Both deltas are read from their checkpoint inclusively — a record stamped
 * at the checkpoint may become visible only after the read that set it (HubSpot's search index
 * lags, Propstreet stamps a transaction before it commits) — so every run used to get the
 * newest stamp's records again: the last batch a first sync wrote, a contact whose link changed
 * last. For each it re-read the contact's employments on both sides: a Propstreet read and four
 * CRM batch reads in a run that had nothing to do. The record versions at the newest stamp are
 * kept in the links scope's meta (`links.boundary`) once the phase has committed; the next phase
 * skips a record whose stamp is the one it had then (an unchanged version), and reads a record
 * that became visible late or changed (another stamp). Salesforce's relation delta (indirect
 * AccountContactRelations, which stamp no contact) is a third delta, kept the same way. Changes
 * that no delta lists (a HubSpot association edited alone; a Salesforce relation deleted, whose
 * id alone is listed, deleted-links.ts): association marks, the deleted ids and the full scan
 * bring those. More than MOST records at one stamp are not kept (they are read again).
 *
 * Only versions stamped at least MARGIN_MS (or one overlap, when longer) before the phase's
 * read are kept. A stamp is as fine as its API makes it (Salesforce: whole seconds), so an edit
 * made just after a read can carry the stamp of the version read: kept, it would be skipped and
 * lost. Stamped that much earlier (more than any stamp's grain and the clock skew the deltas'
 * overlap already bounds), any later edit is stamped later. So the runs right after a sync read
 * the newest stamp again, as before, and from the first run a minute later, runs with nothing
 * new stay quiet.
 */
import type { Scope, StateStore } from '../state/port.js';

export const BOUNDARY_META = 'links.boundary';
const MOST = 2_000;
const MARGIN_MS = 60_000;

interface Saved {
  readonly v: 1;
  /** Propstreet link id → the stamp it was read at. */
  readonly ps: Readonly<Record<string, string>>;
  /** CRM contact id → its last-modified stamp as read. */
  readonly crm: Readonly<Record<string, string>>;
  /** CRM relation id (Salesforce AccountContactRelation) → its stamp as read; absent before 12-03. */
  readonly rel?: Readonly<Record<string, string>>;
}

/** The records at the newest stamp seen so far on one side. */
class Edge {
  private high = Number.NEGATIVE_INFINITY;
  readonly at = new Map<string, string>();

  see(id: string, stamp: string): void {
    const ms = Date.parse(stamp);
    if (Number.isNaN(ms) || ms < this.high) return;
    if (ms > this.high) {
      this.high = ms;
      this.at.clear();
    }
    this.at.set(id, stamp);
  }

  /** The versions to keep: none when too many, or when the newest stamp is younger than `cutoff`. */
  saved(cutoff: number): Record<string, string> {
    if (this.at.size > MOST || !(this.high <= cutoff)) return {};
    return Object.fromEntries(this.at);
  }
}

export class DeltaBoundary {
  private readonly ps = new Edge();
  private readonly crm = new Edge();
  private readonly rel = new Edge();

  private constructor(
    private readonly before: Saved,
    private readonly cutoff: number,
  ) {}

  /**
   * @param readAt when the phase starts reading (engine clock)
   * @param overlapMs the deltas' overlap: versions stamped later than `readAt − max(overlap, 1 min)` are not kept
   */
  static async load(
    store: StateStore,
    scope: Scope,
    readAt: Date,
    overlapMs: number,
  ): Promise<DeltaBoundary> {
    const saved = parse(await store.getMeta(scope, BOUNDARY_META));
    return new DeltaBoundary(saved, readAt.getTime() - Math.max(MARGIN_MS, overlapMs));
  }

  /** Notes a Propstreet link version read; true when the last phase read this very version. */
  link(id: string, stamp: string): boolean {
    this.ps.see(id, stamp);
    return this.before.ps[id] === stamp;
  }

  /** Notes a CRM contact version read; true when the last phase read this very version. */
  contact(id: string, modifiedAt: string): boolean {
    this.crm.see(id, modifiedAt);
    return this.before.crm[id] === modifiedAt;
  }

  /** Notes a CRM relation version read (the relation delta); true when the last phase read it. */
  relation(id: string, modifiedAt: string): boolean {
    this.rel.see(id, modifiedAt);
    return this.before.rel?.[id] === modifiedAt;
  }

  /** After the phase's commit (like its quiet window): a crash before it costs one re-read. */
  async save(store: StateStore, scope: Scope): Promise<void> {
    const next: Saved = {
      v: 1,
      ps: this.ps.saved(this.cutoff),
      crm: this.crm.saved(this.cutoff),
      rel: this.rel.saved(this.cutoff),
    };
    await store.setMeta(scope, BOUNDARY_META, JSON.stringify(next));
  }
}

function parse(text: string | null): Saved {
  const empty: Saved = { v: 1, ps: {}, crm: {} };
  if (text === null) return empty;
  try {
    const v = JSON.parse(text) as Partial<Saved>;
    const isMap = (m: unknown): m is Record<string, string> =>
      typeof m === 'object' && m !== null && Object.values(m).every((x) => typeof x === 'string');
    if (v.v !== 1 || !isMap(v.ps) || !isMap(v.crm)) return empty;
    return { v: 1, ps: v.ps, crm: v.crm, ...(isMap(v.rel) ? { rel: v.rel } : {}) };
  } catch {
    // An unreadable fact: read everything again, as before there was one.
    return empty;
  }
}
