/**
 * The links phase against the HubSpot fake over HTTP, set up as the HubSpot links tests share
 * it: the real adapter and associations client (a test may wrap the latter; `real` is the
 * unwrapped one), and, for most, two
 * contacts and two companies linked on both sides, no employment yet.
 */
import { afterEach } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import { Redactor } from '../../src/core/redact.js';
import type { CrmAssociations } from '../../src/crm/associations.js';
import { createHubSpotAdapter, createHubSpotAssociations } from '../../src/crm/hubspot/index.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { FAST, FAST_LIMITS, KEY, MAPPED } from '../crm/hubspot/hubspot-harness.js';
import { type LinksWorld, startLinksWorld } from './links-harness.js';

export interface HubSpotLinksOptions {
  readonly now?: () => Date;
  readonly beforeFirstPatch?: (client: PropstreetClient, linkId: string) => Promise<void>;
  /** What the phase gets instead of the real associations client (a portal that reads empty, …). */
  readonly associations?: (real: CrmAssociations) => CrmAssociations;
  /** False: the mapping carries no job title (the phase reads and writes none). */
  readonly titles?: boolean;
}

export async function startHubSpotLinks(
  o: HubSpotLinksOptions = {},
): Promise<{ hs: HubSpotFake; world: LinksWorld; real: CrmAssociations }> {
  const hs = await startHubSpotFake({ ...FAST, customProperties: [{ name: KEY, hasUniqueValue: true }] });
  const conn = {
    redactor: new Redactor(),
    accessToken: 'pat-na1-test-token-0001',
    basePath: hs.url,
    limits: FAST_LIMITS,
  };
  const real = createHubSpotAssociations(conn);
  const world = await startLinksWorld({
    adapter: createHubSpotAdapter({ ...conn, properties: MAPPED }),
    associations: o.associations ? o.associations(real) : real,
    secondary: async () => true,
    ...(o.titles === false ? {} : { titleProperty: 'jobtitle' }),
    ...(o.now ? { now: o.now } : {}),
    ...(o.beforeFirstPatch ? { beforeFirstPatch: o.beforeFirstPatch } : {}),
  });
  return { hs, world, real };
}

/**
 * startHubSpotLinks for a describe block: whatever a test started is closed after it (the
 * world, then the fake), so the three HubSpot links test files share one teardown.
 */
export function useHubSpotLinks(): typeof startHubSpotLinks {
  let started: { hs: HubSpotFake; world: LinksWorld } | undefined;
  afterEach(async () => {
    await started?.world.close();
    await started?.hs.close();
    started = undefined;
  });
  return async (o) => {
    const out = await startHubSpotLinks(o);
    started = out;
    return out;
  };
}

/** Ada and Bo, Acme AB and Beta AB, each linked to its HubSpot record; Propstreet ids and HubSpot ids. */
export async function seedTwoByTwo(world: LinksWorld, hs: HubSpotFake) {
  const [ada, bo] = world.ps.seed([
    { firstName: 'Ada', lastName: 'Lind', email: 'ada@example.com' },
    { firstName: 'Bo', lastName: 'Berg', email: 'bo@example.com' },
  ]);
  const acme = await world.client.createCompany({ name: 'Acme AB' });
  const beta = await world.client.createCompany({ name: 'Beta AB' });
  const [hAda, hBo] = hs.control.contacts.seed([
    { properties: { email: 'ada@example.com' } },
    { properties: { email: 'bo@example.com' } },
  ]);
  const [hAcme, hBeta] = hs.control.companies.seed([
    { properties: { name: 'Acme AB' } },
    { properties: { name: 'Beta AB' } },
  ]);
  const ids = {
    ada: ada?.id ?? '',
    bo: bo?.id ?? '',
    acme: acme.id,
    beta: beta.id,
    hAda: hAda ?? '',
    hBo: hBo ?? '',
    hAcme: hAcme ?? '',
    hBeta: hBeta ?? '',
  };
  await world.linkContact(ids.ada, ids.hAda);
  await world.linkContact(ids.bo, ids.hBo);
  await world.linkCompany(ids.acme, ids.hAcme);
  await world.linkCompany(ids.beta, ids.hBeta);
  return ids;
}
