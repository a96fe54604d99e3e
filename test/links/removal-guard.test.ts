/** The links phase's mass-removal guard: its arithmetic (pure) and when a due full scan runs. */
import { describe, expect, it } from 'vitest';
import { fullScanDue } from '../../src/links/full-scan.js';
import { removalVerdict } from '../../src/links/removal-guard.js';

const limits = { maxShare: 0.1, maxCount: 500 };

describe('removalVerdict', () => {
  it('lets no removals, and few removals, through', () => {
    expect(removalVerdict(limits, { removals: 0, employments: 0 })).toBeUndefined();
    // Under 5 removals the share rule alone never holds (a contact leaving two companies of ten).
    expect(removalVerdict(limits, { removals: 4, employments: 10 })).toBeUndefined();
    expect(removalVerdict(limits, { removals: 10, employments: 100 })).toBeUndefined();
  });

  it('holds more than maxShare of the known employments, from 5 removals up', () => {
    expect(removalVerdict(limits, { removals: 11, employments: 100 })).toBe(
      'this run would remove 11 of 100 known employments (11.0%), more than deletes.maxShare (10.0%); rerun with --force if intended',
    );
    expect(removalVerdict(limits, { removals: 5, employments: 5 })).toContain(
      '5 of 5 known employments (100.0%)',
    );
  });

  it('holds more than maxCount removals whatever the share', () => {
    expect(removalVerdict({ maxShare: 1, maxCount: 20 }, { removals: 21, employments: 10_000 })).toBe(
      'this run would remove 21 employments (contact–company links), more than deletes.maxCount (20); rerun with --force if intended',
    );
    expect(
      removalVerdict({ maxShare: 1, maxCount: 20 }, { removals: 20, employments: 10_000 }),
    ).toBeUndefined();
    // maxCount 0: any removal holds, even one.
    expect(removalVerdict({ maxShare: 1, maxCount: 0 }, { removals: 1, employments: 1 })).toContain(
      'maxCount (0)',
    );
  });

  it('never divides by fewer employments than it removes (shadows read short)', () => {
    expect(removalVerdict(limits, { removals: 6, employments: 0 })).toContain(
      '6 of 6 known employments (100.0%)',
    );
  });
});

describe('removalVerdict over the window', () => {
  const windowed = { ...limits, windowMs: 86_400_000 };

  it('counts earlier runs’ removals against the employments there were before them', () => {
    // 4 now after 4 earlier: 8 of 60 (52 left + 8) is 13.3 %.
    expect(removalVerdict(windowed, { removals: 4, employments: 56, earlier: 4 })).toBe(
      'this run would remove 4 employments after 4 removed by runs within deletes.window (24h): 8 of 60 known employments (13.3%), more than deletes.maxShare (10.0%); rerun with --force if intended',
    );
    expect(removalVerdict(windowed, { removals: 2, employments: 96, earlier: 4 })).toBeUndefined();
    // Under 5 together, the share rule alone never holds.
    expect(removalVerdict(windowed, { removals: 2, employments: 2, earlier: 2 })).toBeUndefined();
  });

  it('holds past maxCount together, and lets a run with no removal through', () => {
    expect(
      removalVerdict(
        { ...windowed, maxShare: 1, maxCount: 20 },
        { removals: 3, employments: 1_000, earlier: 18 },
      ),
    ).toContain(
      '3 employments after 18 removed by runs within deletes.window (24h): 21, more than deletes.maxCount (20)',
    );
    expect(removalVerdict(windowed, { removals: 0, employments: 0, earlier: 400 })).toBeUndefined();
  });
});

describe('fullScanDue', () => {
  const day = 86_400_000;
  const now = new Date('2026-03-02T12:00:00.000Z');

  it('is due when asked, whatever the setting', () => {
    expect(fullScanDue('2026-03-02T11:59:00.000Z', undefined, now, true)).toBe(true);
  });

  it('is never due without a period', () => {
    expect(fullScanDue(null, undefined, now)).toBe(false);
    expect(fullScanDue(null, 0, now)).toBe(false);
  });

  it('is due once the period has passed since the last scan, or with none recorded', () => {
    expect(fullScanDue(null, day, now)).toBe(true);
    expect(fullScanDue('2026-03-01T12:00:00.001Z', day, now)).toBe(false);
    expect(fullScanDue('2026-03-01T12:00:00.000Z', day, now)).toBe(true);
    expect(fullScanDue('not a date', day, now)).toBe(true);
  });
});
