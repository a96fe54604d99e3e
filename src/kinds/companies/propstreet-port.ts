/**
 * The companies kind's Propstreet port: a thin adapter over the client's company calls, as
 * src/kinds/contacts/ports.ts is for contacts. The run reads and writes companies through it.
 */
import type { PropstreetRecords } from '../../engine/ports.js';
import type { Company, CompanyWrite } from '../../propstreet/company-schema.js';
import type { PropstreetCompaniesApi } from '../../propstreet/port.js';

/** Takes the whole PropstreetApi as well; only its company calls are used. */
export function propstreetCompanies(api: PropstreetCompaniesApi): PropstreetRecords<Company, CompanyWrite> {
  return {
    list: (o) => pages(api, o),
    get: (id) => api.getCompany(id),
    patch: (id, body, o) => api.patchCompany(id, body, o),
    upsertByExternalRef: async (namespace, externalId, body) => {
      const { company, action } = await api.upsertCompanyByExternalRef(namespace, externalId, body);
      return { record: company, action };
    },
    delete: (id, o) => api.deleteCompany(id, o),
  };
}

async function* pages(
  api: PropstreetCompaniesApi,
  o: { readonly updatedSince?: string | undefined; readonly includeDeleted: boolean },
) {
  for await (const page of api.listCompanies({
    updatedSince: o.updatedSince,
    includeDeleted: o.includeDeleted,
  }))
    yield { records: page.companies, invalid: page.invalid };
}
