import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DELETE_WINDOW_META, DeleteWindow, formatWindow } from '../../src/run/delete-window.js';
import type { StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 't', connection: 'c', kind: 'contacts' };
const HOUR = 3_600_000;
const at = (h: number) => new Date(Date.UTC(2026, 0, 1) + h * HOUR);

describe('the deletion window', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await memoryStore();
  });
  afterEach(async () => store.close());

  it('remembers deletions across loads, once per link, and forgets them after the window', async () => {
    const first = await DeleteWindow.load(store, scope, 24 * HOUR, at(0));
    await first.record(['1', '2', '3'], at(0));
    // A rerun that plans the same deletion again (its first attempt was cut off) adds nothing.
    const second = await DeleteWindow.load(store, scope, 24 * HOUR, at(2));
    await second.record(['3', '4'], at(2));

    const later = await DeleteWindow.load(store, scope, 24 * HOUR, at(3));
    expect(later.othersThan(new Set())).toBe(4);
    // What the current run counts itself is not counted twice.
    expect(later.othersThan(new Set(['4', '9']))).toBe(3);
    expect((await DeleteWindow.load(store, scope, 24 * HOUR, at(24.5))).othersThan(new Set())).toBe(1);
    expect((await DeleteWindow.load(store, scope, 24 * HOUR, at(27))).othersThan(new Set())).toBe(0);
  });

  it('is cleared when an operator forces a run, and starts afresh from an unreadable record', async () => {
    const w = await DeleteWindow.load(store, scope, HOUR, at(0));
    await w.record(['1'], at(0));
    await w.clear();
    expect(await store.getMeta(scope, DELETE_WINDOW_META)).toBeNull();

    await store.setMeta(scope, DELETE_WINDOW_META, '{not json');
    const broken = await DeleteWindow.load(store, scope, HOUR, at(0));
    expect(broken.readable).toBe(false);
    expect(broken.othersThan(new Set())).toBe(0);
    await broken.record(['2'], at(0));
    expect((await DeleteWindow.load(store, scope, HOUR, at(0))).readable).toBe(true);
  });

  it('formats its length for messages', () => {
    expect(formatWindow(24 * HOUR)).toBe('24h');
    expect(formatWindow(90 * 60_000)).toBe('90m');
    expect(formatWindow(45_000)).toBe('45s');
  });
});
