/**
 * Propstreet pages read but not yet applied by the planner, first in first out. Most runs'
 * reader is at most a page or two ahead: those pages stay in memory as read, where every
 * page going through SQLite as JSON cost a stringify, an insert, a delete and a parse. When
 * the reader gets further ahead than `limit` records, later pages spill to a file of
 * length-prefixed JSON, so memory stays flat however far ahead it gets. A spilled page keeps
 * each record's JSON text apart (its length), and hands it back with the page (takenJson):
 * staging stores that text, where it stringified the record again. The file lives in the
 * run's staging folder: removed when the run ends (close), or with the folder when the
 * process died (staging.ts removeOrphans).
 */
import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A spilled page: the bytes after this word (uint32, little-endian), the record count, each
 * record's JSON length in UTF-16 code units (uint32 each), then the page's JSON array in UTF-8.
 */
const WORD = 4;

export class PageInbox<T> {
  /** Pages kept in memory, oldest first: all older than any spilled page. */
  private readonly memory: T[][] = [];
  private head = 0;
  private inMemory = 0;
  /** The spill file, opened at the first spill. */
  private fd: number | undefined;
  /** Where the next spilled page is written, and where the oldest unread one starts. */
  private writeAt = 0;
  private readAt = 0;
  /** The page `take` last read from the file, with each record's JSON text. */
  private lastJson: { readonly page: T[]; readonly json: string[] } | undefined;
  readonly path: string;

  /**
   * @param dir a folder private to this run (the staging folder)
   * @param limit records kept in memory before later pages spill to the file
   */
  constructor(
    dir: string,
    private readonly limit = 1000,
  ) {
    this.path = join(dir, 'inbox.bin');
  }

  /** Keeps a page until `take` hands it back, after every page pushed before it. */
  push(page: T[]): void {
    // A page goes to memory only while nothing waits in the file: order is kept by pages in
    // memory all being older than those in the file. A page bigger than the limit fits an
    // empty inbox: the reader holds it anyway.
    const spilling = this.readAt < this.writeAt;
    if (!spilling && (this.inMemory === 0 || this.inMemory + page.length <= this.limit)) {
      this.memory.push(page);
      this.inMemory += page.length;
      return;
    }
    // The array's text is its records' texts joined, as JSON.stringify(page) writes it.
    const json = page.map((r) => JSON.stringify(r));
    const body = `[${json.join(',')}]`;
    const head = WORD * (2 + json.length);
    const out = Buffer.allocUnsafe(head + Buffer.byteLength(body, 'utf8'));
    out.writeUInt32LE(out.length - WORD, 0);
    out.writeUInt32LE(json.length, WORD);
    for (let i = 0; i < json.length; i++) out.writeUInt32LE(json[i]?.length ?? 0, WORD * (2 + i));
    out.write(body, head, 'utf8');
    this.fd ??= openSync(this.path, 'w+');
    let done = 0;
    while (done < out.length) done += writeSync(this.fd, out, done, out.length - done, this.writeAt + done);
    this.writeAt += out.length;
  }

  /** The oldest page not yet taken, removed from the inbox; undefined when none waits. */
  take(): T[] | undefined {
    this.lastJson = undefined;
    const page = this.memory[this.head];
    if (page !== undefined) {
      this.memory[this.head++] = [];
      this.inMemory -= page.length;
      // A reader always a page ahead never drains it: taken slots are dropped now and then.
      if (this.head === this.memory.length || this.head >= 1024) {
        this.memory.splice(0, this.head);
        this.head = 0;
      }
      return page;
    }
    const fd = this.fd;
    if (fd === undefined || this.readAt >= this.writeAt) return undefined;
    const rest = this.read(fd, this.readAt, WORD).readUInt32LE(0);
    const bytes = this.read(fd, this.readAt + WORD, rest);
    this.readAt += WORD + rest;
    if (this.readAt === this.writeAt) {
      // Drained: the file starts over, so it never holds more than the reader's lead.
      ftruncateSync(fd, 0);
      this.readAt = 0;
      this.writeAt = 0;
    }
    const count = bytes.readUInt32LE(0);
    const text = bytes.toString('utf8', WORD * (1 + count));
    const taken = JSON.parse(text) as T[];
    const json: string[] = [];
    let at = 1;
    for (let i = 0; i < count; i++) {
      const length = bytes.readUInt32LE(WORD * (1 + i));
      json.push(text.slice(at, at + length));
      at += length + 1;
    }
    this.lastJson = { page: taken, json };
    return taken;
  }

  /**
   * Each record's JSON text, when `page` is the page `take` handed back last and it came from
   * the file: the text JSON.stringify gives the record parsed from it. Undefined otherwise.
   */
  takenJson(page: readonly T[]): readonly string[] | undefined {
    const last = this.lastJson;
    this.lastJson = undefined;
    return last !== undefined && last.page === page ? last.json : undefined;
  }

  /** Closes and removes the spill file; pages still waiting are dropped. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.memory.length = 0;
    this.lastJson = undefined;
    this.head = 0;
    this.inMemory = 0;
    this.readAt = 0;
    this.writeAt = 0;
    rmSync(this.path, { force: true });
  }

  private read(fd: number, at: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, buf, done, length - done, at + done);
      // The file is shorter than what was written to it: someone cut it; never guess a page.
      if (n === 0)
        throw new Error(`page inbox ${this.path} ends at byte ${at + done}, ${length - done} short`);
      done += n;
    }
    return buf;
  }
}
