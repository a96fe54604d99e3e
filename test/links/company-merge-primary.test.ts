/**
 * A contact's primary company merged away in HubSpot, on a bridge (HubSpot and Salesforce with
 * Contacts to Multiple Accounts), RELIABILITY.md bug 73. HubSpot merges Zeta into Eps: a new
 * record keeping Eps's key, the associations moved to it with their labels, so Fredrik (primary
 * Zeta, also at Eps) has the merged record as his primary there. Zeta's companies-kind link
 * ends; Zeta stays in Propstreet and in Salesforce. That label followed Zeta into the merged
 * record: no primary a HubSpot user chose, so Propstreet's primary stays Zeta, and Salesforce's
 * AccountId with it (README "Who works where": a company the CRM cannot hold keeps Propstreet's
 * jobs there as they are, title and primary included).
 *
 * The crash sweep of company deletions found it as two outcomes of one plain run: whether the
 * HubSpot links phase read Fredrik depended on whether his record's stamp from the first sync
 * was the newest one of its batch (the phase re-reads its checkpoint's stamp for a minute after
 * a sync; a company merge stamps no contact). Read, his primary moved to Eps in Propstreet and
 * Salesforce; not read, it stayed Zeta until his next edit moved it. Both orders are forced here.
 */
import { describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../e2e/support.js';
import { clockPast } from '../support/clock-past.js';
import { employ, hubspot, writesNothing } from './employments-support.js';

async function bridge(body: (e: E2E) => Promise<void>): Promise<void> {
  const e = await startE2E(
    { seed: 7, propstreetPerMinute: 10_000_000, salesforceOptions: { contactsToMultipleAccounts: true } },
    {
      tenant: 'acme',
      connections: ['hubspot', 'salesforce'],
      connection: { objects: ['companies', 'contacts', 'links'], retryBaseSeconds: 0 },
    },
  );
  try {
    e.sb.hubspot?.control.setRateLimit({ max: 2_000, searchPerSecond: 50 });
    await body(e);
  } finally {
    await e.close();
  }
}

/** Runs until one writes nothing (at most 4). */
async function settle(e: E2E): Promise<void> {
  for (let n = 0; n < 4; n++) {
    const before = JSON.stringify(e.sb.propstreet.apiWriteCount());
    const hs = e.sb.hubspot?.control.apiRequests().filter((r) => r.write).length;
    const sf = e.sb.salesforce?.http.requests.filter((r) => r.write).length;
    await e.run();
    if (
      JSON.stringify(e.sb.propstreet.apiWriteCount()) === before &&
      e.sb.hubspot?.control.apiRequests().filter((r) => r.write).length === hs &&
      e.sb.salesforce?.http.requests.filter((r) => r.write).length === sf
    )
      return;
  }
  throw new Error('still writing after 4 runs');
}

async function merged(e: E2E, fredrikReadInTheMergeRun: boolean) {
  const { hs, contact, company } = hubspot(e);
  const sf = e.sb.salesforce?.control;
  if (!sf) throw new Error('no Salesforce fake');
  const { id, link } = employ(e, {
    Eva: [
      ['Eps', 'Partner'],
      ['Zeta', 'Board'],
    ],
    Fredrik: [
      ['Zeta', 'COO'],
      ['Eps', 'Adviser'],
    ],
    Ivar: [['Iota', 'Analyst']],
  });
  await settle(e);
  // The HubSpot links phase re-reads the contacts at its checkpoint's stamp: a first sync's whole
  // batch, or some of it when the batch straddled a millisecond. Ivar edited later is the newest
  // stamp (the fake stamps with the wall clock: once it is past now), so a run that does not touch
  // Fredrik otherwise does not read him.
  await clockPast(Date.now());
  hs.editAsUser(contact(id('Ivar')), { phone: '+46 8 123 45 67' });
  await settle(e);

  const survivor = hs.companies.mergeAsUser(company(id('Eps')), company(id('Zeta')));
  // Fredrik's record edited in HubSpot (another field): the phase reads him in this very run.
  if (fredrikReadInTheMergeRun) hs.editAsUser(contact(id('Fredrik')), { phone: '+46 8 765 43 21' });
  await settle(e);
  const fredrik = () => e.sb.propstreet.contact(id('Fredrik'));
  const sfFredrik = () => sf.getByKey(id('Fredrik'));
  const sfAccount = (name: string) => sf.accounts.getByKey(id(name))?.Id;
  const primaryOf = (name: string) => e.sb.propstreet.contact(id(name))?.primaryCompanyId;
  return { hs, id, link, contact, survivor, fredrik, sfFredrik, sfAccount, primaryOf };
}

function expectZetaKept(w: Awaited<ReturnType<typeof merged>>) {
  const { hs, id, contact, survivor, fredrik, sfFredrik, sfAccount } = w;
  // HubSpot holds the merged record (Eps's key) as his primary: it cannot hold Zeta any more.
  expect(hs.associatedCompanies(contact(id('Fredrik')))).toEqual([{ companyId: survivor, primary: true }]);
  // Propstreet's primary and jobs stay as they were; Salesforce's AccountId stays Zeta.
  expect(fredrik()?.primaryCompanyId).toBe(id('Zeta'));
  expect(sfFredrik()?.AccountId).toBe(sfAccount('Zeta'));
  expect(sfFredrik()?.Title).toBe('COO');
  // Eva's primary was the survivor's own: nothing moved.
  expect(w.primaryOf('Eva')).toBe(id('Eps'));
}

describe('a primary company merged away in HubSpot, on a bridge (bug 73)', () => {
  it.each([
    ['read in the merge run', true],
    ['read only at its next change', false],
  ] as const)('Fredrik %s: Propstreet and Salesforce keep Zeta primary, as in the other order', (_, read) =>
    bridge(async (e) => {
      const w = await merged(e, read);
      expectZetaKept(w);
      // His next change in HubSpot reads him there (the CRM side only): still nothing moves.
      w.hs.editAsUser(w.contact(w.id('Fredrik')), { phone: '+46 8 111 11 11' });
      await settle(e);
      expectZetaKept(w);
      // Nor when Propstreet changes one of his jobs (both sides read, the shadow written again).
      e.sb.propstreet.editLinkAsUser(w.link('Fredrik', 'Eps').id, { jobTitle: 'Senior Adviser' });
      await settle(e);
      expectZetaKept(w);
      w.hs.editAsUser(w.contact(w.id('Fredrik')), { phone: '+46 8 222 22 22' });
      await settle(e);
      expectZetaKept(w);
      await writesNothing(e, { reconcile: true });
      expectZetaKept(w);
    }),
  );
});
