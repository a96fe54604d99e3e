/**
 * The company calls of the client: `/api/v1/network/companies`, shaped like the contact calls
 * (shared paging, problem mapping, retries and pacing live in list-pages.ts and http.ts).
 */
import { type Company, companySchema } from './company-schema.js';
import { COMPANY_UPSERT_MEMBERS, COMPANY_WRITE_MEMBERS } from './company-write-models.js';
import type { Transport } from './http.js';
import { listPages } from './list-pages.js';
import { companyFrom } from './payload.js';
import type { PropstreetCompaniesApi } from './port.js';
import { ifMatchHeaders, onlyMembers, orNull, seg, upsertActionOf } from './resource.js';

export const COMPANIES_PATH = '/api/v1/network/companies';

const COMPANIES = { path: COMPANIES_PATH, schema: companySchema, noun: 'company' };

export function companyCalls(transport: Transport, pageSize: number): PropstreetCompaniesApi {
  return {
    async *listCompanies(options = {}) {
      for await (const { items, invalid, nextCursor } of listPages<Company>(
        transport,
        COMPANIES,
        options,
        pageSize,
      ))
        yield { companies: items, invalid, nextCursor };
    },

    getCompany: (id) =>
      orNull(async () =>
        companyFrom(
          await transport.send({ method: 'GET', path: `${COMPANIES_PATH}/${seg(id)}`, idempotent: true }),
        ),
      ),

    // A repeat after a lost answer meets the external ref it set: 409, never a second company.
    createCompany: async (body) => {
      onlyMembers(body, COMPANY_WRITE_MEMBERS, 'POST /companies (CreateCompanyRequest)');
      return companyFrom(
        await transport.send({ method: 'POST', path: COMPANIES_PATH, body, idempotent: false }),
      );
    },

    patchCompany: async (id, patch, { ifMatch }) => {
      onlyMembers(patch, COMPANY_WRITE_MEMBERS, 'PATCH /companies/{id} (UpdateCompanyRequest)');
      return companyFrom(
        await transport.send({
          method: 'PATCH',
          path: `${COMPANIES_PATH}/${seg(id)}`,
          body: patch,
          ...ifMatchHeaders(ifMatch),
          idempotent: ifMatch !== undefined,
        }),
      );
    },

    upsertCompanyByExternalRef: async (namespace, externalId, body, upsertOptions = {}) => {
      onlyMembers(body, COMPANY_UPSERT_MEMBERS, 'PATCH /companies/external/{namespace}/{id}');
      const answer = await transport.send({
        method: 'PATCH',
        path: `${COMPANIES_PATH}/external/${seg(namespace)}/${seg(externalId)}`,
        query: { revive: upsertOptions.revive === undefined ? undefined : String(upsertOptions.revive) },
        body,
        idempotent: true,
      });
      const company = companyFrom(answer);
      return { company, action: upsertActionOf(answer, company.id) };
    },

    deleteCompany: async (id, deleteOptions = {}) => {
      await transport.send({
        method: 'DELETE',
        path: `${COMPANIES_PATH}/${seg(id)}`,
        ...ifMatchHeaders(deleteOptions.ifMatch),
        idempotent: true,
      });
    },
  };
}
