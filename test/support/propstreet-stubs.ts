/**
 * The company and link calls of the PropstreetApi port for test doubles that serve contacts
 * only: every one throws, naming the call, so a double stays a full port without pretending.
 */
import type {
  PropstreetCompaniesApi,
  PropstreetContactsApi,
  PropstreetLinksApi,
} from '../../src/propstreet/port.js';

const none = (call: string) => (): never => {
  throw new Error(`${call}: this test double serves contacts only`);
};

export const noCompaniesOrLinks: PropstreetCompaniesApi & PropstreetLinksApi = {
  listCompanies: none('listCompanies'),
  getCompany: none('getCompany'),
  createCompany: none('createCompany'),
  patchCompany: none('patchCompany'),
  upsertCompanyByExternalRef: none('upsertCompanyByExternalRef'),
  deleteCompany: none('deleteCompany'),
  listLinks: none('listLinks'),
  createLink: none('createLink'),
  patchLink: none('patchLink'),
  deleteLink: none('deleteLink'),
};

/** A client without `propstreet.batchUpsertPath`: no batch upsert, contacts go one by one. */
export const noBatchUpsert: Pick<
  PropstreetContactsApi,
  'upsertContactsByExternalRef' | 'batchUpsertFallback'
> = {
  upsertContactsByExternalRef: async () => null,
  batchUpsertFallback: () => null,
};
