/**
 * Bug 53: Propstreet writes date-times with up to seven fractional digits, trailing zeros dropped
 * (its pages show `…08:30:00Z`, `…39.880Z` and `…00.1234567Z`), and the run compares stamps as
 * text, where `…00.12Z` sorts after `…00.1234567Z` though it is earlier. Stamps are rewritten at
 * the boundary to seven digits; the fake writes them trimmed, as .NET's System.Text.Json does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { contactSchema } from '../../src/propstreet/schema.js';
import { canonicalStamp } from '../../src/propstreet/utc-stamp.js';
import { Staging } from '../../src/run/staging.js';
import { clientFor, collect } from './helpers.js';

describe('Propstreet stamps in one form', () => {
  it.each([
    ['2025-01-16T08:30:00Z', '2025-01-16T08:30:00.0000000Z'],
    ['2026-05-05T17:18:39.880Z', '2026-05-05T17:18:39.8800000Z'],
    ['2025-01-15T10:00:00.1234567Z', '2025-01-15T10:00:00.1234567Z'],
    ['2025-01-15T10:00:00.12345678Z', '2025-01-15T10:00:00.1234567Z'],
    ['2025-01-15T12:00:00.5+02:00', '2025-01-15T10:00:00.5000000Z'],
    ['2025-01-15T10:00:00', '2025-01-15T10:00:00.0000000Z'],
  ])('%s → %s', (input, canonical) => {
    expect(canonicalStamp(input)).toBe(canonical);
  });

  it('refuses what is not a date-time at the boundary, naming the value', () => {
    const parsed = contactSchema.safeParse({
      id: '1',
      createdUtc: '2025-01-01T00:00:00Z',
      updatedUtc: 'yesterday',
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['updatedUtc'],
      message: 'expected an ISO-8601 date-time, got "yesterday"',
    });
  });

  it('a newer version of a contact planned in the run is handed back, whatever digits Propstreet wrote', () => {
    const read = (updatedUtc: string) =>
      contactSchema.parse({ id: 'a', createdUtc: '2026-01-01T09:00:00Z', updatedUtc, externalRefs: [] });
    const staging = new Staging();
    try {
      staging.putPropstreet([read('2026-01-01T10:00:00.12Z')]);
      staging.markPlanned(['a']);
      // 3.4567 ms later in the same second: as text, before the first.
      const newer = read('2026-01-01T10:00:00.1234567Z');
      expect(staging.putPropstreet([newer]).resighted).toEqual([newer]);
    } finally {
      staging.close();
    }
  });

  describe('through the fake', () => {
    let fake: PropstreetFake;
    let client: PropstreetClient;
    beforeAll(async () => {
      fake = await startPropstreetFake({ rateLimit: { limit: 1_000_000 } });
      fake.generate(3, { tieGroup: 1, startUtc: '2025-01-01T00:00:00Z' });
      client = clientFor(fake);
    });
    afterAll(async () => {
      await client.close();
      await fake.close();
    });

    it('the wire carries trimmed stamps; the client reads them in seven digits', async () => {
      const raw = (await (
        await fetch(`${fake.url}/api/v1/network/contacts?page_size=3`, {
          headers: { authorization: `Bearer ${fake.token}` },
        })
      ).json()) as { data: { updatedUtc: string }[] };
      expect(raw.data[0]?.updatedUtc).toBe('2025-01-01T00:00:00Z');
      const { contacts } = await collect(client.listContacts({ pageSize: 3 }));
      expect(contacts[0]?.updatedUtc).toBe('2025-01-01T00:00:00.0000000Z');
    });
  });
});
