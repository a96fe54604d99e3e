/**
 * Progress for long runs: what the line says per phase (records, rate, ETA where the total is
 * known), the terminal line, and the periodic log line where there is no terminal. Time is a
 * hand-moved clock and the interval a hand-fired tick: nothing here waits.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createProgressLog, type Every } from '../../src/app/progress-log.js';
import { duration, ProgressTracker } from '../../src/app/progress-view.js';
import { createProgressLine } from '../../src/cli/progress-line.js';
import { createRunProgress } from '../../src/cli/run-progress.js';
import type { RunProgress } from '../../src/run/run-connection.js';

function clock() {
  let t = 1_000_000;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

const p = (over: Partial<RunProgress> & Pick<RunProgress, 'phase'>): RunProgress => ({
  pulled: 0,
  planned: 0,
  written: 0,
  ...over,
});

describe('ProgressTracker: what the line says', () => {
  it('pulling: records read and the rate, no ETA (pages stream in, the total is unknown)', () => {
    const c = clock();
    const t = new ProgressTracker(c.now);
    t.update('hubspot', p({ phase: 'pull', pulled: 0 }));
    expect(t.view()?.text).toBe('hubspot: pulling · 0 records read');
    c.advance(2000);
    t.update('hubspot', p({ phase: 'pull', pulled: 2000 }));
    expect(t.view()?.text).toBe('hubspot: pulling · 2,000 records read · 1,000/s');
    expect(t.view()?.fields).not.toHaveProperty('etaSeconds');
  });

  it('checking links by id: of the links there are, with an exact ETA', () => {
    const c = clock();
    const t = new ProgressTracker(c.now);
    t.update('sales', p({ phase: 'reconcile', pulled: 40, reconcile: { checked: 500, total: 2500 } }));
    c.advance(1000);
    t.update('sales', p({ phase: 'reconcile', pulled: 41, reconcile: { checked: 1000, total: 2500 } }));
    expect(t.view()?.text).toBe('sales: checking links by id · 1,000 of 2,500 · 500/s · ETA 3s');
  });

  it('planning and writing are one stage: of at most the records staged, so the ETA is an upper bound', () => {
    const c = clock();
    const t = new ProgressTracker(c.now);
    t.update('hubspot', p({ phase: 'pull', pulled: 4000 }));
    t.update('hubspot', p({ phase: 'plan', pulled: 4000, planned: 500 }));
    c.advance(1000);
    t.update(
      'hubspot',
      p({ phase: 'write', pulled: 4000, planned: 500, written: 480, refs: { queued: 300, done: 0 } }),
    );
    expect(t.view()?.text).toBe('hubspot: planning · 500 of ≤4,000 records · 480 written · refs 0/300 · 0/s');
    c.advance(1000);
    t.update(
      'hubspot',
      p({ phase: 'plan', pulled: 4000, planned: 1500, written: 480, refs: { queued: 300, done: 10 } }),
    );
    const view = t.view();
    // The write-backs queued so far at their own pace (10/s): 29 s, more than the plan needs.
    expect(view?.text).toBe(
      'hubspot: planning · 1,500 of ≤4,000 records · 480 written · refs 10/300 ~29s · 500/s · ETA ≤5s',
    );
    expect(view?.fields).toMatchObject({
      perSecond: 500,
      etaSeconds: 5,
      etaAtMost: true,
      refsEtaSeconds: 29,
    });
  });

  it('ref write-backs after the plan: of those queued, at their own rate', () => {
    const c = clock();
    const t = new ProgressTracker(c.now);
    t.update(
      'hubspot',
      p({ phase: 'refs', planned: 2000, written: 2000, refs: { queued: 1900, done: 100 } }),
    );
    c.advance(30_000);
    t.update(
      'hubspot',
      p({ phase: 'refs', planned: 2000, written: 2000, refs: { queued: 1900, done: 400 } }),
    );
    expect(t.view()?.text).toBe('hubspot: ref write-backs · 400 of 1,900 · 10/s · ETA 2m30s');
  });

  it('a new connection starts its own rate', () => {
    const c = clock();
    const t = new ProgressTracker(c.now);
    t.update('hubspot', p({ phase: 'pull', pulled: 0 }));
    c.advance(10_000);
    t.update('hubspot', p({ phase: 'pull', pulled: 10 }));
    t.update('sales', p({ phase: 'pull', pulled: 0 }));
    c.advance(1000);
    t.update('sales', p({ phase: 'pull', pulled: 700 }));
    expect(t.view()?.text).toBe('sales: pulling · 700 records read · 700/s');
  });

  it.each([
    [0, '0s'],
    [59, '59s'],
    [60, '1m00s'],
    [125, '2m05s'],
    [3720, '1h02m'],
  ])('duration(%i) is %s', (s, text) => {
    expect(duration(s)).toBe(text);
  });
});

/** A stream that looks like a terminal `columns` wide and keeps what is written. */
function terminal(columns = 200) {
  const written: string[] = [];
  const stream = { isTTY: true, columns, write: (s: string) => written.push(s) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, written };
}

/** A logger whose lines are kept, parsed. */
function capturedLogger(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level, base: null }, dest), lines };
}

/** An interval fired by hand. */
function manualEvery() {
  const ticks: (() => void)[] = [];
  let stopped = 0;
  const every: Every = (_ms, tick) => {
    ticks.push(tick);
    return () => {
      stopped++;
    };
  };
  return {
    every,
    fire: () => {
      for (const t of ticks) t();
    },
    started: () => ticks.length,
    stopped: () => stopped,
  };
}

describe('on a terminal: one line, rewritten', () => {
  it('redraws at most every 100 ms, fits the terminal width, and is cleared when done', () => {
    const c = clock();
    const { stream, written } = terminal(30);
    const line = createProgressLine(stream, new ProgressTracker(c.now), c.now);
    line.update('hubspot', p({ phase: 'pull', pulled: 1 }));
    line.update('hubspot', p({ phase: 'pull', pulled: 2 }));
    c.advance(100);
    line.update('hubspot', p({ phase: 'pull', pulled: 123_456 }));
    expect(written).toHaveLength(2);
    // 29 columns: one is left free, so the cursor never wraps to a new row.
    expect(written[1]).toBe('\r\x1b[2Khubspot: pulling · 123,456 r…');
    line.done();
    expect(written.at(-1)).toBe('\r\x1b[2K');
  });
});

describe('without a terminal: a log line every interval', () => {
  it('logs the line and its numbers on each tick while the run goes on, none after it is done', () => {
    const c = clock();
    const { logger, lines } = capturedLogger();
    const timer = manualEvery();
    const log = createProgressLog(logger, new ProgressTracker(c.now), timer.every, 10_000);
    timer.fire();
    expect(lines).toEqual([]);
    log.update('hubspot', p({ phase: 'pull', pulled: 0 }));
    c.advance(10_000);
    log.update('hubspot', p({ phase: 'pull', pulled: 5000 }));
    timer.fire();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'hubspot: pulling · 5,000 records read · 500/s',
      progress: { run: 'hubspot', phase: 'pull', pulled: 5000, perSecond: 500 },
    });
    log.update('hubspot', p({ phase: 'done', pulled: 5000, planned: 5000 }));
    timer.fire();
    expect(lines).toHaveLength(1);
    expect(timer.started()).toBe(1);
    log.done();
    expect(timer.stopped()).toBe(1);
  });

  it('follows the log level: at warn, no progress lines', () => {
    const { logger, lines } = capturedLogger('warn');
    const timer = manualEvery();
    const log = createProgressLog(logger, new ProgressTracker(), timer.every, 10_000);
    log.update('hubspot', p({ phase: 'pull', pulled: 5 }));
    timer.fire();
    expect(lines).toEqual([]);
  });
});

describe('createRunProgress picks the line or the log', () => {
  it.each([
    ['a terminal', true, {}, 'line'],
    ['a terminal in CI', true, { CI: 'true' }, 'log'],
    ['a pipe', false, {}, 'log'],
  ] as const)('%s: %s', (_, isTTY, env, expected) => {
    const { stream, written } = terminal();
    (stream as { isTTY: boolean }).isTTY = isTTY;
    const { logger, lines } = capturedLogger();
    const timer = manualEvery();
    const progress = createRunProgress({ logger, stream, env, every: timer.every });
    progress.update('hubspot', p({ phase: 'pull', pulled: 3 }));
    timer.fire();
    expect({ line: written.length > 0, log: lines.length > 0 }).toEqual({
      line: expected === 'line',
      log: expected === 'log',
    });
    progress.done();
  });
});
