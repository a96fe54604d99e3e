/**
 * Deltas of one run, staged in a throwaway SQLite file so a run of any size keeps memory
 * flat: each side's changes are written page by page, deduplicated by id (the newest
 * version wins: overlap windows and inclusive `updated_since` re-read records), then read
 * back in chunks for planning. Propstreet pages are applied by the planner one page at a time
 * in the order read (stream-plan.ts, propstreet-pages.ts): what the planner sees is the pages
 * so far, never how far the reader got. A Propstreet record planned already in this run
 * keeps the version it was planned with: a later sighting (it changed during the read) is
 * handed back for the checkpoint to stay before it, never planned twice. It lives outside the
 * state store so a dry run writes nothing there; the file is removed when the run ends.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CrmRecord } from '../crm/port.js';
import type { MatchValues } from '../engine/match-values.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { StagedChanges } from '../engine/staged-changes.js';
import { processIsGone } from './run-lock.js';

const PREFIX = 'propsync-stage-';

/**
 * Propstreet records staged last, kept as objects for peekPropstreet: the streamed planner
 * reads back the pages it just staged, which cost a query and a parse a record. Bigger than
 * a few chunks (the planner's lag behind staging), small enough to stay flat in N.
 */
const FRESH = 2000;
/** Records kept past FRESH before the oldest go, together. */
const FRESH_BATCH = 500;

/** Staging folders of runs whose process died (SIGKILL) are removed by the next run. */
function removeOrphans(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.slice(PREFIX.length).split('-')[0]);
    if (processIsGone(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** How to read the values pairing looks records up by. */
export interface StagingKeys<R extends PropstreetRecord> {
  /** The CRM property holding the key (the Propstreet id). */
  readonly key: string;
  /** The rules the match values below are given under (engine/match-values.ts): one column each. */
  readonly matchRules?: readonly string[] | undefined;
  /** A CRM record's values per match rule, as pairing compares them (engine/match-values.ts). */
  readonly crmMatch?: ((record: CrmRecord) => MatchValues) | undefined;
  /** A Propstreet record's values per match rule. */
  readonly propstreetMatch?: ((record: R) => MatchValues) | undefined;
}

/** A staged record found by one of several values: the value it was found by, and the record. */
interface StagedRow {
  readonly v: string;
  readonly json: string;
}

/**
 * One query for a whole list of values (a chunk's keys), where one query per value cost a
 * first sync ~20 µs a record: the rows come back in the order one query per value gave them
 * (value by value, each value's rows in staging order), a value asked twice giving its rows twice.
 */
function inValueOrder<T>(values: readonly string[], query: (json: string) => StagedRow[]): T[] {
  if (values.length === 0) return [];
  const byValue = new Map<string, string[]>();
  for (const row of query(JSON.stringify([...new Set(values)]))) {
    const rows = byValue.get(row.v);
    if (rows) rows.push(row.json);
    else byValue.set(row.v, [row.json]);
  }
  if (byValue.size === 0) return [];
  return values.flatMap((v) => (byValue.get(v) ?? []).map((json) => JSON.parse(json) as T));
}

/** Staged records by id, in the order of `ids` (the order one query per id gave), each parsed once. */
function inIdOrder<T>(ids: readonly string[], rows: readonly { id: string; json: string }[]): Map<string, T> {
  const json = new Map(rows.map((r) => [r.id, r.json]));
  const out = new Map<string, T>();
  for (const id of ids) {
    const found = json.get(id);
    if (found !== undefined && !out.has(id)) out.set(id, JSON.parse(found) as T);
  }
  return out;
}

/** What staging a Propstreet page did to each of its records. */
export interface StagedPage<R extends PropstreetRecord> {
  /** Ids staged for the first time in this run, in page order. */
  readonly fresh: string[];
  /** Newer versions of records planned already in this run: not staged, left for the next run. */
  readonly resighted: R[];
}

/** Every statement of a run, prepared once rather than per page or per call. */
interface StagingStatements {
  readonly insertPs: Database.Statement;
  readonly updatePs: Database.Statement;
  readonly psBefore: Database.Statement;
  readonly markPlanned: Database.Statement;
  readonly putCrm: Database.Statement;
  readonly peekPs: Database.Statement;
  readonly peekCrm: Database.Statement;
  readonly markDone: Database.Statement;
  readonly claim: Database.Statement;
  readonly planned: Database.Statement;
  readonly claimed: Database.Statement;
  readonly crmByKeys: Database.Statement;
  readonly losersOf: Database.Statement;
  readonly chunksPs: Database.Statement;
  readonly chunksCrm: Database.Statement;
  readonly deletedPs: Database.Statement;
  readonly deletedCrm: Database.Statement;
  readonly countPs: Database.Statement;
  readonly countCrm: Database.Statement;
  readonly allPlanned: Database.Statement;
  readonly allDone: Database.Statement;
}

export class Staging<R extends PropstreetRecord = PropstreetRecord> implements StagedChanges<R> {
  private readonly db: Database.Database;
  private readonly dir: string;
  /** Whether any staged record was merged away: most runs have none and skip the lookups. */
  private hasMerges = false;
  /** Whether any staged CRM record is deleted or merged away (a first sync has none). */
  private hasGone = false;
  /** Whether any Propstreet record staged was a deletion: most runs have none and skip the scan. */
  private psDeletions = false;
  private readonly sql: StagingStatements;
  /** Lookups by match column, by table and column: prepared at their first use. */
  private readonly byMatch = new Map<string, Database.Statement>();
  /** The staged version of the Propstreet records staged last, oldest first (FRESH). */
  private readonly fresh = new Map<string, R>();
  /** The match value columns (m0, m1, …), one per match rule, in `keys.matchRules` order. */
  private readonly matchColumns: readonly string[];
  /** Match columns already indexed, by table: an index is built on the first lookup that needs it. */
  private readonly indexed = new Set<string>();

  /**
   * @param keys how to read a record's key (Propstreet id) and match value, so a first sync
   *   — which stages every CRM record — can match by key and match value without API calls.
   */
  constructor(private readonly keys: StagingKeys<R> = { key: '' }) {
    removeOrphans();
    this.dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    this.db = new Database(join(this.dir, 'stage.db'));
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
    // The file is this run's alone (a fresh mkdtemp folder): no other connection ever opens
    // it, so the lock is taken once rather than around every statement.
    this.db.pragma('locking_mode = EXCLUSIVE');
    this.matchColumns = (keys.matchRules ?? []).map((_, i) => `m${i}`);
    // A record has at most one value per match rule, kept in its row: no table of match rows
    // to delete and insert into for every record staged (three B-tree writes a value).
    const matchDefs = this.matchColumns.map((c) => `, ${c} TEXT`).join('');
    // Planned and paired ids are rows of their own tables: marking one writes a short row,
    // where setting a flag rewrote the staged row, JSON and all. The key and merge indexes
    // are built at their first lookup (crmIndex), not grown with every record staged.
    this.db.exec(`
      CREATE TABLE ps (id TEXT PRIMARY KEY, updated TEXT NOT NULL, json TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0${matchDefs});
      CREATE TABLE ps_planned (id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE crm (id TEXT PRIMARY KEY, modified TEXT NOT NULL, json TEXT NOT NULL,
        key TEXT, live INTEGER NOT NULL DEFAULT 1, merged_into TEXT${matchDefs});
      CREATE TABLE crm_done (id TEXT PRIMARY KEY) WITHOUT ROWID;
      CREATE TABLE crm_claimed (id TEXT PRIMARY KEY) WITHOUT ROWID;
    `);
    this.sql = this.prepare();
  }

  putPropstreet(records: readonly R[]): StagedPage<R> {
    const { insertPs, updatePs, psBefore } = this.sql;
    const valuesOf = this.keys.propstreetMatch;
    const staged: StagedPage<R> = { fresh: [], resighted: [] };
    this.db.transaction(() => {
      for (let i = 0; i < records.length; i++) {
        const c = records[i] as R;
        const json = JSON.stringify(c);
        if (c.deletedUtc) this.psDeletions = true;
        const match = this.matchArgs(valuesOf, c);
        // Most records are new to the run: one insert, and only a record staged already
        // (an overlap window, a re-read) costs a look at its staged version and an update.
        if (insertPs.run(c.id, c.updatedUtc, json, c.deletedUtc ? 1 : 0, ...match).changes === 1) {
          staged.fresh.push(c.id);
          this.keepFresh(c, false);
          continue;
        }
        const before = psBefore.get(c.id) as { updated: string; planned: number };
        if (before.planned === 1) {
          if (c.updatedUtc > before.updated) staged.resighted.push(c);
          continue;
        }
        if (
          updatePs.run(c.updatedUtc, json, c.deletedUtc ? 1 : 0, ...match, c.id, c.updatedUtc).changes === 1
        )
          this.keepFresh(c);
      }
    })();
    return staged;
  }

  /**
   * Remembers `c` as the staged version of its id. `known`: it may be remembered already (a
   * newer version), so it moves to the newest end; an id staged for the first time cannot be.
   * The oldest go a batch at a time, past FRESH: one walk of the keys a batch, not a record.
   */
  private keepFresh(c: R, known = true): void {
    if (known) this.fresh.delete(c.id);
    this.fresh.set(c.id, c);
    if (this.fresh.size <= FRESH + FRESH_BATCH) return;
    let drop = this.fresh.size - FRESH;
    for (const oldest of this.fresh.keys()) {
      this.fresh.delete(oldest);
      if (--drop === 0) return;
    }
  }

  /** Marks Propstreet records planned: a later sighting in this run is not staged (putPropstreet). */
  markPlanned(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.sql.markPlanned.run(JSON.stringify(ids));
  }

  putCrm(records: readonly CrmRecord[]): void {
    const { putCrm } = this.sql;
    const { key } = this.keys;
    const valuesOf = this.keys.crmMatch;
    this.db.transaction(() => {
      for (const r of records) {
        const k = key ? (r.properties[key] ?? null) : null;
        if (r.mergedInto) this.hasMerges = true;
        if (r.deleted || r.mergedInto) this.hasGone = true;
        putCrm.run(
          r.id,
          r.modifiedAt,
          JSON.stringify(r),
          k || null,
          r.deleted ? 0 : 1,
          r.mergedInto ?? null,
          ...this.matchArgs(valuesOf, r),
        );
      }
    })();
  }

  /** A record's value per match column (null where it has none), as the put statements bind them. */
  private matchArgs<T>(valuesOf: ((record: T) => MatchValues) | undefined, record: T): (string | null)[] {
    const rules = this.keys.matchRules ?? [];
    if (rules.length === 0) return [];
    const out: (string | null)[] = new Array(rules.length).fill(null);
    if (valuesOf)
      for (const [rule, value] of valuesOf(record)) {
        const i = rules.indexOf(rule);
        if (i >= 0) out[i] = value;
      }
    return out;
  }

  private prepare(): StagingStatements {
    const cols = this.matchColumns;
    const names = cols.map((c) => `, ${c}`).join('');
    const marks = cols.map(() => ', ?').join('');
    // A newer version's match values replace the older one's (also when a merge keeps its JSON).
    const sets = cols.map((c) => `, ${c} = excluded.${c}`).join('');
    const assigns = cols.map((c) => `, ${c} = ?`).join('');
    const db = this.db;
    return {
      insertPs: db.prepare(
        `INSERT INTO ps (id, updated, json, deleted${names}) VALUES (?, ?, ?, ?${marks}) ON CONFLICT(id) DO NOTHING`,
      ),
      updatePs: db.prepare(
        `UPDATE ps SET updated = ?, json = ?, deleted = ?${assigns} WHERE id = ? AND updated <= ?`,
      ),
      psBefore: db.prepare(
        'SELECT updated, EXISTS (SELECT 1 FROM ps_planned p WHERE p.id = ps.id) AS planned FROM ps WHERE id = ?',
      ),
      // Only staged ids: one planned before it was staged would hide it from propstreetChunks.
      markPlanned: db.prepare(
        'INSERT OR IGNORE INTO ps_planned (id) SELECT id FROM ps WHERE id IN (SELECT value FROM json_each(?))',
      ),
      putCrm: db.prepare(
        // A merged-away record may also show up as a plain deletion (HubSpot lists it as
        // archived): the merge is the better fact, so a later plain deletion keeps it.
        `INSERT INTO crm (id, modified, json, key, live, merged_into${names}) VALUES (?, ?, ?, ?, ?, ?${marks})
         ON CONFLICT(id) DO UPDATE SET modified = excluded.modified, key = excluded.key, live = excluded.live,
           json = CASE WHEN crm.merged_into IS NOT NULL AND excluded.merged_into IS NULL AND excluded.live = 0
             THEN crm.json ELSE excluded.json END,
           merged_into = CASE WHEN excluded.merged_into IS NULL AND excluded.live = 0
             THEN crm.merged_into ELSE excluded.merged_into END${sets}
         WHERE excluded.modified >= crm.modified`,
      ),
      peekPs: db.prepare('SELECT id, json FROM ps WHERE id IN (SELECT value FROM json_each(?))'),
      peekCrm: db.prepare('SELECT id, json FROM crm WHERE id IN (SELECT value FROM json_each(?))'),
      // Only staged ids, as the flag it replaces: an id marked before it was staged would hide it.
      claim: db.prepare('INSERT OR IGNORE INTO crm_claimed (id) SELECT value FROM json_each(?)'),
      planned: db.prepare('SELECT id FROM ps_planned WHERE id IN (SELECT value FROM json_each(?))').pluck(),
      claimed: db.prepare('SELECT id FROM crm_claimed WHERE id IN (SELECT value FROM json_each(?))').pluck(),
      markDone: db.prepare(
        'INSERT OR IGNORE INTO crm_done (id) SELECT id FROM crm WHERE id IN (SELECT value FROM json_each(?))',
      ),
      crmByKeys: db.prepare(
        'SELECT key AS v, json FROM crm WHERE key IN (SELECT value FROM json_each(?)) AND live = 1 ORDER BY rowid',
      ),
      losersOf: db.prepare(
        'SELECT merged_into AS survivor, json FROM crm WHERE merged_into IN (SELECT value FROM json_each(?)) ORDER BY rowid',
      ),
      chunksPs: db.prepare(
        `SELECT rowid AS r, json FROM ps WHERE rowid > ?
           AND NOT EXISTS (SELECT 1 FROM ps_planned p WHERE p.id = ps.id) ORDER BY rowid LIMIT ?`,
      ),
      chunksCrm: db.prepare(
        `SELECT rowid AS r, json FROM crm WHERE rowid > ?
           AND NOT EXISTS (SELECT 1 FROM crm_done d WHERE d.id = crm.id) ORDER BY rowid LIMIT ?`,
      ),
      deletedPs: db.prepare(
        'SELECT rowid AS r, id FROM ps WHERE rowid > ? AND deleted = 1 ORDER BY rowid LIMIT ?',
      ),
      deletedCrm: db.prepare(
        'SELECT rowid AS r, id FROM crm WHERE rowid > ? AND live = 0 AND merged_into IS NULL ORDER BY rowid LIMIT ?',
      ),
      countPs: db.prepare('SELECT count(*) AS n FROM ps'),
      countCrm: db.prepare('SELECT count(*) AS n FROM crm'),
      // Planned and paired ids are staged ids (markPlanned, markDone) and staged rows are never
      // deleted: equal counts mean every staged row is marked.
      allPlanned: db.prepare('SELECT (SELECT count(*) FROM ps_planned) = (SELECT count(*) FROM ps) AS v'),
      allDone: db.prepare('SELECT (SELECT count(*) FROM crm_done) = (SELECT count(*) FROM crm) AS v'),
    };
  }

  /**
   * An index of the CRM table, built at the first lookup that needs it, in one sort: most
   * runs never look a key up (an incremental run reads its CRM partners by id) nor have a
   * merge, and an index grown with every record staged cost each put two more B-tree writes.
   */
  private crmIndex(column: 'key' | 'merged_into'): void {
    if (this.indexed.has(column)) return;
    this.db.exec(
      column === 'key'
        ? 'CREATE INDEX IF NOT EXISTS crm_key ON crm (key)'
        : 'CREATE INDEX IF NOT EXISTS crm_merged_into ON crm (merged_into)',
    );
    this.indexed.add(column);
  }

  /**
   * The lookup of a rule's match values, on its column, indexed: most runs never look a value
   * up (a first sync matching by key only), so the index is built at the first lookup, in one
   * sort, instead of growing with every record staged. Undefined for a rule no value is kept for.
   */
  private matchLookup(table: 'ps' | 'crm', rule: string): Database.Statement | undefined {
    const i = (this.keys.matchRules ?? []).indexOf(rule);
    const column = this.matchColumns[i];
    if (column === undefined) return undefined;
    const index = `${table}_${column}`;
    let stmt = this.byMatch.get(index);
    if (!stmt) {
      this.db.exec(`CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${column})`);
      this.indexed.add(index);
      const live = table === 'ps' ? 'deleted = 0' : 'live = 1';
      stmt = this.db.prepare(
        `SELECT ${column} AS v, json FROM ${table}
         WHERE ${column} IN (SELECT value FROM json_each(?)) AND ${live} ORDER BY rowid`,
      );
      this.byMatch.set(index, stmt);
    }
    return stmt;
  }

  /** Live staged CRM records whose key is one of these (for a first sync, where all are staged). */
  crmByKeys(keys: readonly string[]): CrmRecord[] {
    if (keys.length === 0) return [];
    this.crmIndex('key');
    const stmt = this.sql.crmByKeys;
    return inValueOrder<CrmRecord>(keys, (json) => stmt.all(json) as StagedRow[]);
  }

  /** Live staged CRM records whose value for match rule `rule` is one of these keys. */
  crmByMatch(rule: string, values: readonly string[]): CrmRecord[] {
    const stmt = values.length > 0 ? this.matchLookup('crm', rule) : undefined;
    if (stmt === undefined) return [];
    return inValueOrder<CrmRecord>(values, (json) => stmt.all(json) as StagedRow[]);
  }

  /** Live staged Propstreet records whose value for match rule `rule` is one of these keys. */
  propstreetByMatch(rule: string, values: readonly string[]): R[] {
    const stmt = values.length > 0 ? this.matchLookup('ps', rule) : undefined;
    if (stmt === undefined) return [];
    return inValueOrder<R>(values, (json) => stmt.all(json) as StagedRow[]);
  }

  count(side: 'ps' | 'crm'): number {
    return ((side === 'ps' ? this.sql.countPs : this.sql.countCrm).get() as { n: number }).n;
  }

  /** Propstreet records not planned yet (none streamed while the pages came in), in chunks, in staging order. */
  *propstreetChunks(size: number): Generator<R[]> {
    // A first sync streams every record: counting both tables walks their pages, where the
    // chunk query checked each staged row for its mark only to find none (0.5 µs a record).
    if (this.marked(this.sql.allPlanned)) return;
    for (const chunk of this.chunks<R>(this.sql.chunksPs, size)) {
      this.markPlanned(chunk.map((c) => c.id));
      yield chunk;
    }
  }

  /** CRM records not already paired with a Propstreet record in this run. */
  *crmChunks(size: number): Generator<CrmRecord[]> {
    // A run whose CRM changes all came with a Propstreet change has none left (as above).
    if (this.marked(this.sql.allDone)) return;
    yield* this.chunks<CrmRecord>(this.sql.chunksCrm, size);
  }

  /** Whether every staged row of a side is marked (planned, or paired), by `allPlanned` / `allDone`. */
  private marked(stmt: Database.Statement): boolean {
    return (stmt.get() as { v: number }).v === 1;
  }

  /** Staged CRM records by id; marks them as paired so the CRM pass skips them. */
  takeCrm(ids: readonly string[]): Map<string, CrmRecord> {
    if (ids.length === 0) return new Map();
    const json = JSON.stringify([...new Set(ids)]);
    const rows = this.sql.peekCrm.all(json) as { id: string; json: string }[];
    this.sql.markDone.run(json);
    return inIdOrder<CrmRecord>(ids, rows);
  }

  /**
   * A CRM record a match rule paired in this run, staged or found by a lookup: no other record
   * may pair with it in this run, before or without (a dry run) a stored link. Marked as paired
   * too (takeCrm).
   */
  claimCrm(id: string): void {
    const json = JSON.stringify([id]);
    this.sql.claim.run(json);
    this.sql.markDone.run(json);
  }

  /** Which of these CRM records a match rule paired in this run (claimCrm). */
  claimedCrm(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    return new Set(this.sql.claimed.all(JSON.stringify([...new Set(ids)])) as string[]);
  }

  /** Which of these Propstreet records this run planned already (its Propstreet pass). */
  plannedPropstreet(ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    return new Set(this.sql.planned.all(JSON.stringify([...new Set(ids)])) as string[]);
  }

  /** Staged CRM records by id, left for the CRM pass. */
  peekCrm(ids: readonly string[]): Map<string, CrmRecord> {
    if (ids.length === 0) return new Map();
    const rows = this.sql.peekCrm.all(JSON.stringify([...new Set(ids)])) as { id: string; json: string }[];
    return inIdOrder<CrmRecord>(ids, rows);
  }

  /** Whether this run staged any CRM record deleted or merged away. */
  get anyCrmGone(): boolean {
    return this.hasGone;
  }

  /** Whether this run staged any record merged away (a CRM merge). */
  get anyMerged(): boolean {
    return this.hasMerges;
  }

  /** Staged records merged into each of these ids (a merge's losers), by the id they went into. */
  losersOf(ids: readonly string[]): Map<string, CrmRecord[]> {
    const out = new Map<string, CrmRecord[]>();
    if (!this.hasMerges || ids.length === 0) return out;
    this.crmIndex('merged_into');
    const rows = this.sql.losersOf.all(JSON.stringify([...new Set(ids)])) as {
      survivor: string;
      json: string;
    }[];
    for (const r of rows)
      out.set(r.survivor, [...(out.get(r.survivor) ?? []), JSON.parse(r.json) as CrmRecord]);
    return out;
  }

  /**
   * Staged Propstreet records by id (a record left for the CRM pass is planned there). The
   * records staged last come from memory: they are what the streamed planner asks for.
   */
  peekPropstreet(ids: readonly string[]): Map<string, R> {
    if (ids.length === 0) return new Map();
    const missing = ids.filter((id) => !this.fresh.has(id));
    const rows =
      missing.length === 0
        ? []
        : (this.sql.peekPs.all(JSON.stringify([...new Set(missing)])) as { id: string; json: string }[]);
    const stored = inIdOrder<R>(missing, rows);
    const out = new Map<string, R>();
    for (const id of ids) {
      if (out.has(id)) continue;
      const found = this.fresh.get(id) ?? stored.get(id);
      if (found !== undefined) out.set(id, found);
    }
    return out;
  }

  /** Ids of deleted records on each side, for the mass-delete guard's pre-count. */
  *deletedIds(side: 'ps' | 'crm', size: number): Generator<string[]> {
    // No deletion staged on that side: no scan of every staged row to find none.
    if (!(side === 'ps' ? this.psDeletions : this.hasGone)) return;
    const stmt = side === 'ps' ? this.sql.deletedPs : this.sql.deletedCrm;
    let after = 0;
    for (;;) {
      const rows = stmt.all(after, size) as { r: number; id: string }[];
      const last = rows.at(-1);
      if (!last) return;
      after = last.r;
      yield rows.map((r) => r.id);
    }
  }

  /** Rows a chunk statement (chunksPs, chunksCrm) gives, in chunks, in staging order. */
  private *chunks<T>(stmt: Database.Statement, size: number): Generator<T[]> {
    let after = 0;
    for (;;) {
      const rows = stmt.all(after, size) as { r: number; json: string }[];
      const last = rows.at(-1);
      if (!last) return;
      after = last.r;
      yield rows.map((r) => JSON.parse(r.json) as T);
    }
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
