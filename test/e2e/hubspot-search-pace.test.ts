/**
 * HubSpot's search limit (5 requests a second per account) is one budget for all of a
 * connection's clients: each kind's adapter and the links phase search the same portal, one
 * right after the other, and each pacing itself alone drew secondly 429s (the demo's warnings).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startHubSpotLinksTenant } from './support.js';

describe('HubSpot search pace across a connection’s clients', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startHubSpotLinksTenant({ contacts: 40, companies: 8 });
  }, 120_000);
  afterAll(async () => e?.close());

  it('runs one after another draw no 429 from HubSpot', async () => {
    for (let i = 0; i < 4; i++) await e.run();
    const limited = (e.sb.hubspot?.control.apiRequests() ?? []).filter((r) => r.status === 429);
    expect(limited.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
