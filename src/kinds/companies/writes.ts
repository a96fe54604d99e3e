/**
 * How a company write goes to Propstreet: every member is in the company PATCH
 * (UpdateCompanyRequest: name, domain, homepageUrl, linkedInUrl, countryCode, strategy, tags,
 * externalRefs), so an update goes whole through the PATCH by id with If-Match, and a create
 * whole through the upsert by the link's external ref. No member is upsert-only.
 */
import type { CompanyWrite } from '../../propstreet/company-schema.js';
import type { KindWrites } from '../../run/kind-writes.js';

export const companyWrites: KindWrites<CompanyWrite> = {
  splitCreate: (body) => ({ byId: {}, byRef: body }),
  splitUpdate: (body) => ({ byId: body, byRef: {} }),
  isEmpty: (body) => Object.keys(body).length === 0,
  withRefs: (body, externalRefs) => ({ ...body, externalRefs }),
  empty: () => ({}),
  upsertOnly: 'upsert-only members (companies have none)',
  // Propstreet documents no company field it keeps unique: a refused create is an ordinary failure.
  createRefused: () => undefined,
};
