import { existsSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PageInbox } from '../../src/run/page-inbox.js';

interface Rec {
  readonly id: string;
  readonly name?: string;
}

const page = (...ids: string[]): Rec[] => ids.map((id) => ({ id, name: `näme ${id} ✓` }));

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'page-inbox-test-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function drain<T>(inbox: PageInbox<T>): T[][] {
  const out: T[][] = [];
  for (let p = inbox.take(); p; p = inbox.take()) out.push(p);
  return out;
}

describe('PageInbox', () => {
  it('hands pages back in the order pushed, from memory below the limit (no file)', () => {
    const inbox = new PageInbox<Rec>(folder(), 5);
    const first = page('a', 'b');
    inbox.push(first);
    inbox.push(page('c'));
    expect(existsSync(inbox.path)).toBe(false);
    // Kept as read: the very objects, not a copy.
    expect(inbox.take()).toBe(first);
    expect(drain(inbox)).toEqual([page('c')]);
    expect(inbox.take()).toBeUndefined();
    inbox.close();
  });

  it('spills pages past the limit to the file and keeps the order across memory and file', () => {
    const inbox = new PageInbox<Rec>(folder(), 3);
    inbox.push(page('1', '2'));
    inbox.push(page('3', '4')); // over the limit: spilled
    inbox.push(page('5')); // fits memory, but must wait behind the spilled page
    expect(statSync(inbox.path).size).toBeGreaterThan(0);
    expect(inbox.take()).toEqual(page('1', '2'));
    inbox.push(page('6'));
    expect(drain(inbox)).toEqual([page('3', '4'), page('5'), page('6')]);
    // Drained: the file starts over, and new pages go to memory again.
    expect(statSync(inbox.path).size).toBe(0);
    inbox.push(page('7'));
    expect(statSync(inbox.path).size).toBe(0);
    expect(drain(inbox)).toEqual([page('7')]);
    inbox.close();
  });

  it('keeps a page bigger than the limit in an empty inbox, and round-trips many spilled pages', () => {
    const inbox = new PageInbox<Rec>(folder(), 2);
    const pages = Array.from({ length: 300 }, (_, i) => page(`${i}a`, `${i}b`, `${i}c`));
    for (const p of pages) inbox.push(p);
    expect(inbox.take()).toBe(pages[0]);
    expect(drain(inbox)).toEqual(pages.slice(1));
    inbox.close();
  });

  it("hands a spilled page's record texts back with it: what JSON.stringify gives each record", () => {
    const inbox = new PageInbox<Rec>(folder(), 1);
    const odd: Rec[] = [{ id: 'x', name: 'quote " slash \\ \u2028 \ud800 😀' }, { id: '1' }];
    inbox.push(page('a'));
    inbox.push(odd);
    const first = inbox.take();
    expect(first).toEqual(page('a'));
    // From memory: nothing kept, the page is the very one pushed.
    expect(inbox.takenJson(first ?? [])).toBeUndefined();
    const spilled = inbox.take() ?? [];
    expect(spilled).toEqual(odd);
    // Another page (a re-read) gets nothing; the page taken gets its texts, once.
    expect(inbox.takenJson([...spilled])).toBeUndefined();
    inbox.push(odd);
    inbox.push(odd);
    inbox.take();
    const again = inbox.take() ?? [];
    expect(inbox.takenJson(again)).toEqual(again.map((r) => JSON.stringify(r)));
    expect(inbox.takenJson(again)).toBeUndefined();
    inbox.close();
  });

  it('removes its file on close, drops what still waits, and closes twice', () => {
    const dir = folder();
    const inbox = new PageInbox<Rec>(dir, 1);
    inbox.push(page('a'));
    inbox.push(page('b'));
    expect(existsSync(inbox.path)).toBe(true);
    inbox.close();
    expect(existsSync(inbox.path)).toBe(false);
    expect(inbox.take()).toBeUndefined();
    inbox.close();
  });

  it('fails on a cut file rather than handing back part of a page', () => {
    const inbox = new PageInbox<Rec>(folder(), 1);
    inbox.push(page('a'));
    inbox.push(page('b', 'c'));
    expect(inbox.take()).toEqual(page('a'));
    truncateSync(inbox.path, statSync(inbox.path).size - 3);
    expect(() => inbox.take()).toThrow(/short/);
    inbox.close();
    expect(existsSync(inbox.path)).toBe(false);
  });
});
