/**
 * Starts a Salesforce fake and an adapter wired to it, for the tests in this folder.
 */

import {
  type SalesforceFake,
  type SalesforceFakeOptions,
  startSalesforceFake,
} from '../../../fakes/salesforce/salesforce-fake.js';
import type { Clock } from '../../../src/core/clock.js';
import { Redactor } from '../../../src/core/redact.js';
import type { CrmAdapter } from '../../../src/crm/port.js';
import { createSalesforceAdapter, type SalesforceAdapterOptions } from '../../../src/crm/salesforce/index.js';
import type { CrmContractHarness } from '../../contract/crm-adapter.contract.js';

const CONTACT_FIELDS = ['FirstName', 'LastName', 'Email', 'Phone', 'Title'] as const;
const ACCOUNT_FIELDS = [
  'Name',
  'Website',
  'Phone',
  'Industry',
  'BillingCity',
  'BillingCountry',
  'Description',
] as const;

/** A clock whose sleeps return at once, so retry back-offs cost no test time. */
const instantClock: Clock = {
  now: () => new Date(),
  sleep: async () => {},
};

export interface Harness {
  readonly fake: SalesforceFake;
  readonly adapter: CrmAdapter;
  /** The adapters' redactor: what they register the tokens with. */
  readonly redactor: Redactor;
  makeAdapter(overrides?: Partial<SalesforceAdapterOptions>): CrmAdapter;
  /** Requests under /services/data, optionally only those whose path includes `part`. */
  apiCalls(part?: string): number;
  close(): Promise<void>;
}

export async function startHarness(
  fakeOptions: SalesforceFakeOptions = {},
  adapterOptions: Partial<SalesforceAdapterOptions> = {},
): Promise<Harness> {
  const fake = await startSalesforceFake(fakeOptions);
  const redactor = new Redactor();
  const makeAdapter = (overrides: Partial<SalesforceAdapterOptions> = {}) =>
    createSalesforceAdapter({
      redactor,
      instanceUrl: fake.url,
      accessToken: fake.accessToken,
      refreshToken: fake.refreshToken,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      loginUrl: fake.url,
      fields: [...CONTACT_FIELDS],
      clock: instantClock,
      ...adapterOptions,
      ...overrides,
    });
  return {
    fake,
    adapter: makeAdapter(),
    redactor,
    makeAdapter,
    apiCalls: (part) =>
      fake.http.requests.filter(
        (r) => r.path.startsWith('/services/data/') && (!part || r.path.includes(part)),
      ).length,
    close: () => fake.close(),
  };
}

/** The fake and adapter as the adapter-agnostic contract suite wants them. */
export async function contractHarness(): Promise<CrmContractHarness> {
  const h = await startHarness();
  return {
    adapter: h.adapter,
    seed: async (records) =>
      h.fake.control.seed(
        records.map((r) => ({ ...r.properties, ...(r.key ? { Propstreet_Id__c: r.key } : {}) })),
      ),
    editAsUser: async (id, props) => h.fake.control.edit(id, props),
    deleteAsUser: async (id) => h.fake.control.remove(id),
    teardown: () => h.close(),
  };
}

/** A harness whose adapter serves Account (the fake's contacts are left alone). */
export async function startAccountHarness(
  fakeOptions: SalesforceFakeOptions = {},
  adapterOptions: Partial<SalesforceAdapterOptions> = {},
): Promise<Harness> {
  return startHarness(fakeOptions, { sObject: 'Account', fields: [...ACCOUNT_FIELDS], ...adapterOptions });
}

/** The contract suite's harness over Account records. */
export async function accountContractHarness(): Promise<CrmContractHarness> {
  const h = await startAccountHarness();
  const accounts = h.fake.control.accounts;
  return {
    adapter: h.adapter,
    seed: async (records) =>
      accounts.seed(records.map((r) => ({ ...r.properties, ...(r.key ? { Propstreet_Id__c: r.key } : {}) }))),
    editAsUser: async (id, props) => accounts.edit(id, props),
    deleteAsUser: async (id) => accounts.remove(id),
    teardown: () => h.close(),
  };
}
