/** Starts the HubSpot fake and an adapter pointed at it, the real SDK in between. */

import {
  type HubSpotFake,
  type HubSpotFakeOptions,
  startHubSpotFake,
} from '../../../fakes/hubspot/hubspot-fake.js';
import { Redactor } from '../../../src/core/redact.js';
import { createHubSpotAdapter, type HubSpotLimits } from '../../../src/crm/hubspot/hubspot-adapter.js';
import type { CrmAdapter, CrmChangePage, CrmRecord } from '../../../src/crm/port.js';
import type { CrmContractHarness } from '../../contract/crm-adapter.contract.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

export const KEY = 'propstreet_id';
export const MAPPED = ['email', 'firstname', 'lastname', 'phone', 'jobtitle'];
export const COMPANY_MAPPED = ['name', 'domain', 'website', 'phone', 'city', 'industry'];

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

export interface StartOptions {
  readonly objectType?: 'contacts' | 'companies';
  readonly fake?: HubSpotFakeOptions;
  readonly limits?: HubSpotLimits;
  /** Whether the object already has the unique key property (default true). */
  readonly withKeyProperty?: boolean;
}

/** The fake and an adapter for one object (contacts by default, with MAPPED; companies with COMPANY_MAPPED). */
export async function startHubSpotObject(options: StartOptions = {}): Promise<Started> {
  const objectType = options.objectType ?? 'contacts';
  const key = options.withKeyProperty === false ? [] : [{ name: KEY, hasUniqueValue: true }];
  const fake = await startHubSpotFake({
    ...(options.fake ?? FAST),
    ...(objectType === 'contacts' ? { customProperties: key } : { companyProperties: key }),
  });
  const adapter = createHubSpotAdapter({
    redactor,
    accessToken: 'pat-na1-test-token-0001',
    basePath: fake.url,
    objectType,
    properties: objectType === 'contacts' ? MAPPED : COMPANY_MAPPED,
    limits: options.limits ?? FAST_LIMITS,
  });
  return { fake, adapter };
}

export function startHubSpot(
  fakeOptions: HubSpotFakeOptions = FAST,
  limits: HubSpotLimits = FAST_LIMITS,
  withKeyProperty = true,
): Promise<Started> {
  return startHubSpotObject({ fake: fakeOptions, limits, withKeyProperty });
}

function harness(objectType: 'contacts' | 'companies'): () => Promise<CrmContractHarness> {
  return async () => {
    const { fake, adapter } = await startHubSpotObject({
      objectType,
      limits: { ...FAST_LIMITS, searchPageSize: 2 },
      withKeyProperty: false,
    });
    const records = fake.control.objects(objectType);
    return {
      adapter,
      seed: async (input) =>
        records.seed(
          input.map((r) => ({ properties: { ...r.properties, ...(r.key ? { [KEY]: r.key } : {}) } })),
        ),
      editAsUser: async (id, props) => records.editAsUser(id, props),
      deleteAsUser: async (id) => records.deleteAsUser(id),
      teardown: () => fake.close(),
    };
  };
}

export const contractHarness = harness('contacts');
export const companiesContractHarness = harness('companies');

/** Every page of a read, in order. */
export async function drain(iterable: AsyncIterable<CrmChangePage>): Promise<CrmChangePage[]> {
  const pages: CrmChangePage[] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

export const records = (pages: readonly CrmChangePage[]): CrmRecord[] => pages.flatMap((p) => p.records);

/**
 * Resumes a read from the first checkpoint inside a tie phase: the ids the first read
 * delivered after that page, and what the resumed read delivers.
 */
export async function resumeFromTie(
  adapter: CrmAdapter,
  pages: readonly CrmChangePage[],
): Promise<{ later: Set<string>; resumed: CrmRecord[] }> {
  const tieIndex = pages.findIndex((p) => JSON.parse(p.checkpoint).p === 'tie');
  const checkpoint = pages[tieIndex]?.checkpoint;
  if (tieIndex <= 0 || checkpoint === undefined)
    throw new Error('the read had no tie phase after its first page');
  const later = new Set(records(pages.slice(tieIndex + 1)).map((r) => r.id));
  return { later, resumed: records(await drain(adapter.readChanges(checkpoint))) };
}
