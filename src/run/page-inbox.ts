/**
 * Propstreet pages read but not yet applied by the planner, first in first out. Most runs'
 * reader is at most a page or two ahead: those pages stay in memory as read, where every
 * page going through SQLite as JSON cost a stringify, an insert, a delete and a parse. When
 * the reader gets further ahead than `limit` records, later pages spill to a file of
 * length-prefixed JSON, so memory stays flat however far ahead it gets. The file lives in the
 * run's staging folder: removed when the run ends (close), or with the folder when the
 * process died (staging.ts removeOrphans).
 */
import { closeSync, ftruncateSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Bytes of the length written before each spilled page (uint32, little-endian). */
const HEADER = 4;

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
    const body = Buffer.from(JSON.stringify(page), 'utf8');
    const out = Buffer.allocUnsafe(HEADER + body.length);
    out.writeUInt32LE(body.length, 0);
    body.copy(out, HEADER);
    this.fd ??= openSync(this.path, 'w+');
    let done = 0;
    while (done < out.length) done += writeSync(this.fd, out, done, out.length - done, this.writeAt + done);
    this.writeAt += out.length;
  }

  /** The oldest page not yet taken, removed from the inbox; undefined when none waits. */
  take(): T[] | undefined {
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
    const header = this.read(fd, this.readAt, HEADER);
    const body = this.read(fd, this.readAt + HEADER, header.readUInt32LE(0));
    this.readAt += HEADER + body.length;
    if (this.readAt === this.writeAt) {
      // Drained: the file starts over, so it never holds more than the reader's lead.
      ftruncateSync(fd, 0);
      this.readAt = 0;
      this.writeAt = 0;
    }
    return JSON.parse(body.toString('utf8')) as T[];
  }

  /** Closes and removes the spill file; pages still waiting are dropped. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.memory.length = 0;
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
