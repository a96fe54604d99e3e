import { describe, expect, it } from 'vitest';
import { deletionKey, GUARD_MIN_DELETES, guardVerdict } from '../../src/engine/delete-guard.js';

const settings = (maxShare: number, maxCount?: number, windowMs?: number) => ({
  deletes: {
    fromPropstreet: 'archive' as const,
    fromCrm: 'unlink' as const,
    againstEdit: 'keep-edited' as const,
    maxShare,
    ...(maxCount === undefined ? {} : { maxCount }),
    ...(windowMs === undefined ? {} : { windowMs }),
  },
});

describe('the mass-delete guard arithmetic', () => {
  it('lets a run without deletes go on, however small the limits', () => {
    expect(guardVerdict(settings(0, 0), { deletes: 0, links: 10, earlier: 50 })).toBeUndefined();
  });

  it('stops a run over maxCount, and one over maxShare once it deletes at least the minimum', () => {
    expect(guardVerdict(settings(1, 3), { deletes: 4, links: 100, earlier: 0 })).toContain(
      'more than deletes.maxCount (3)',
    );
    expect(guardVerdict(settings(0.1), { deletes: GUARD_MIN_DELETES, links: 20, earlier: 0 })).toContain(
      '5 of 20 linked records (25.0%), more than deletes.maxShare (10.0%)',
    );
    // Below the minimum the share rule alone never stops a run.
    expect(
      guardVerdict(settings(0.1), { deletes: GUARD_MIN_DELETES - 1, links: 4, earlier: 0 }),
    ).toBeUndefined();
  });

  it('counts earlier runs within the window against the links there were before them', () => {
    const s = settings(0.1, undefined, 24 * 3_600_000);
    expect(guardVerdict(s, { deletes: 3, links: 100, earlier: 0 })).toBeUndefined();
    const verdict = guardVerdict(s, { deletes: 3, links: 100, earlier: 9 });
    expect(verdict).toContain('after 9 deleted by runs within deletes.window (24h)');
    expect(verdict).toContain('12 of 109 linked records');
  });

  it('keys a deletion by the link it ends', () => {
    expect(deletionKey({ propstreetId: 'ps-1', crmId: '7' })).toBe('ps-1');
    expect(deletionKey({ propstreetId: null, crmId: '7' })).toBe('crm:7');
  });
});
