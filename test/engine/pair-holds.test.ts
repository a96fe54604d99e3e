/** A quarantined record is held until it changes after its quarantine; a run that knows no failure holds nothing. */
import { describe, expect, it } from 'vitest';
import { holdQuarantined } from '../../src/engine/pair-holds.js';
import type { PairState } from '../../src/engine/plan-pair.js';
import type { Failure } from '../../src/state/port.js';
import { aContact } from './pair-builders.js';

const pair: PairState = { propstreet: aContact(), crm: null, link: null, propstreetEcho: false };

const failure = (over: Partial<Failure> = {}): Failure => ({
  side: 'propstreet',
  recordId: 'ps-1',
  attempts: 3,
  lastError: 'HTTP 400',
  nextRetryAt: '2026-01-03T00:00:00.000Z',
  quarantined: true,
  firstFailedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('holdQuarantined', () => {
  it('no failures known, or none of this record: the same pair', () => {
    expect(holdQuarantined(pair, new Map())).toBe(pair);
    expect(holdQuarantined(pair, new Map([['propstreet:ps-2', failure({ recordId: 'ps-2' })]]))).toBe(pair);
  });

  it('a failure not (yet) quarantined: the same pair', () => {
    expect(holdQuarantined(pair, new Map([['propstreet:ps-1', failure({ quarantined: false })]]))).toBe(pair);
  });

  it('quarantined and unchanged since: held, with why', () => {
    const held = holdQuarantined(pair, new Map([['propstreet:ps-1', failure()]]));
    expect(held.skipReason).toBe(
      'quarantined after 3 attempts (HTTP 400); edit the record or run `propsync retry`',
    );
  });

  it('quarantined but changed after it: the same pair', () => {
    const edited = { ...pair, propstreet: aContact({ updatedUtc: '2026-01-04T00:00:00Z' }) };
    expect(holdQuarantined(edited, new Map([['propstreet:ps-1', failure()]]))).toBe(edited);
  });
});
