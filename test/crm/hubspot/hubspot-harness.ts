/** Starts the HubSpot fake and an adapter pointed at it, the real SDK in between. */

import {
  type HubSpotFake,
  type HubSpotFakeOptions,
  startHubSpotFake,
} from '../../../fakes/hubspot/hubspot-fake.js';
import { createHubSpotAdapter, type HubSpotLimits } from '../../../src/crm/hubspot/hubspot-adapter.js';
import type { CrmAdapter } from '../../../src/crm/port.js';
import type { CrmContractHarness } from '../../contract/crm-adapter.contract.js';

export const KEY = 'propstreet_id';
export const MAPPED = ['email', 'firstname', 'lastname', 'phone', 'jobtitle'];

/** Loose limits so tests measure behaviour, not HubSpot's real pace. */
export const FAST: HubSpotFakeOptions = {
  rateLimit: { max: 10_000, intervalMs: 10_000 },
  searchPerSecond: 10_000,
};
export const FAST_LIMITS: HubSpotLimits = { requestsPerInterval: 10_000, searchPerSecond: 10_000 };

export interface Started {
  readonly fake: HubSpotFake;
  readonly adapter: CrmAdapter;
}

export async function startHubSpot(
  fakeOptions: HubSpotFakeOptions = FAST,
  limits: HubSpotLimits = FAST_LIMITS,
  withKeyProperty = true,
): Promise<Started> {
  const fake = await startHubSpotFake({
    ...fakeOptions,
    ...(withKeyProperty ? { customProperties: [{ name: KEY, hasUniqueValue: true }] } : {}),
  });
  const adapter = createHubSpotAdapter({
    accessToken: 'pat-na1-test-token-0001',
    basePath: fake.url,
    properties: MAPPED,
    limits,
  });
  return { fake, adapter };
}

export async function contractHarness(): Promise<CrmContractHarness> {
  const { fake, adapter } = await startHubSpot(FAST, { ...FAST_LIMITS, searchPageSize: 2 }, false);
  return {
    adapter,
    seed: async (records) =>
      fake.control.seed(
        records.map((r) => ({ properties: { ...r.properties, ...(r.key ? { [KEY]: r.key } : {}) } })),
      ),
    editAsUser: async (id, props) => fake.control.editAsUser(id, props),
    deleteAsUser: async (id) => fake.control.deleteAsUser(id),
    teardown: () => fake.close(),
  };
}
