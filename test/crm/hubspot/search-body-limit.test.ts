/**
 * HubSpot's search refuses a body over 3,000 characters and a group of more than 6 filters (the
 * search guide's Limits, 2026; the fake enforces both, with 11-digit ids as a live portal has).
 * Through the SDK against the fake, with the shipped contacts mapping's properties.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter } from '../../../src/crm/hubspot/hubspot-adapter.js';
import { excluding } from '../../../src/crm/hubspot/hubspot-delta-filters.js';
import type { CrmAdapter, CrmChangePage } from '../../../src/crm/port.js';
import { FAST, FAST_LIMITS, KEY } from './hubspot-harness.js';

const redactor = new Redactor();
/** The shipped contacts mapping's properties (mappings/hubspot.contacts.yaml). */
const SHIPPED = [
  'firstname',
  'lastname',
  'email',
  'phone',
  'mobilephone',
  'jobtitle',
  'company',
  'hs_language',
  'propstreet_tags',
];

describe('HubSpot search bodies within 3,000 characters', () => {
  let fake: HubSpotFake | undefined;
  afterEach(async () => fake?.close());

  async function start(properties: readonly string[]): Promise<CrmAdapter> {
    fake = await startHubSpotFake({
      ...FAST,
      customProperties: [KEY, 'propstreet_tags', ...properties.filter((p) => p.startsWith('x_'))].map(
        (name) => ({ name, ...(name === KEY ? { hasUniqueValue: true } : {}) }),
      ),
    });
    return createHubSpotAdapter({
      redactor,
      accessToken: 'pat-na1-test-token-0001',
      basePath: fake.url,
      properties,
      limits: FAST_LIMITS,
    });
  }
  const searches = () => (fake?.control.apiRequests() ?? []).filter((r) => r.path.endsWith('/search'));
  const drain = async (pages: AsyncIterable<CrmChangePage>) => {
    const out: string[] = [];
    for await (const p of pages) out.push(...p.records.map((r) => r.id));
    return out;
  };

  it('finds 250 long addresses in searches HubSpot takes (100 of them alone are ≈ 4,300 characters)', async () => {
    const adapter = await start(SHIPPED);
    const emails = Array.from(
      { length: 250 },
      (_, i) => `firstname.lastname.${String(i).padStart(3, '0')}@long-company-domain.example.com`,
    );
    fake?.control.seed(emails.map((email) => ({ properties: { email } })));
    const found = await adapter.findByMatch('email', emails);
    expect(found).toHaveLength(250);
    expect(searches().map((r) => r.status)).not.toContain(400);
    // More searches than lists of 100 would take: each list is cut at the body limit.
    expect(searches().length).toBeGreaterThan(3);
  });

  it('reads a batch of 100 sharing a stamp at a page boundary with no record read twice', async () => {
    const adapter = await start(SHIPPED);
    const base = Date.parse('2024-03-01T00:00:00.000Z');
    fake?.control.seed(
      Array.from({ length: 1_050 }, (_, i) => ({
        properties: { email: `b${i}@x.example.com` },
        updatedAt: base + Math.floor((i + 30) / 100) * 1_000,
      })),
    );
    const ids = await drain(adapter.readChanges(null));
    expect(new Set(ids).size).toBe(1_050);
    // ⌈1,050 / 200⌉: the 100 ids of a batch still fit beside the shipped mapping's properties.
    expect(searches().map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('a mapping whose search would not fit is refused with the reason, not sent', async () => {
    const many = [...SHIPPED, ...Array.from({ length: 120 }, (_, i) => `x_custom_property_number_${i}`)];
    const adapter = await start(many);
    await expect(drain(adapter.readChanges(null))).rejects.toMatchObject({
      code: 'MAPPING_INVALID',
      message: expect.stringMatching(
        /search would be \d+ characters, over HubSpot's 3000: it reads 13\d properties/,
      ),
    });
    expect(searches()).toEqual([]);
  });

  it('leaves out as many ids as fit: within the filter room and the characters given, none past them', () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(57_156_923_901 + i));
    const all = excluding(ids, 5, 100_000);
    expect(all.map((f) => f.values?.length)).toEqual([100, 100, 50]);
    expect(excluding(ids, 2, 100_000).flatMap((f) => f.values)).toEqual(ids.slice(0, 200));
    const some = excluding(ids, 5, 1_000);
    const chars = some.reduce((n, f) => n + JSON.stringify(f).length + 1, 0);
    expect(chars).toBeLessThanOrEqual(1_000);
    expect(some.flatMap((f) => f.values)).toEqual(ids.slice(0, some[0]?.values?.length ?? 0));
    expect(some[0]?.values?.length).toBeGreaterThan(50);
    expect(excluding(ids, 5, 10)).toEqual([]);
  });
});
