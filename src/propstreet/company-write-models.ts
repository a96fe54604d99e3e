/**
 * Which company members each Propstreet write request takes, so a body the server would
 * partly ignore is stopped before it is sent (as write-models.ts does for contacts):
 *   - CreateCompanyRequest (POST) and UpdateCompanyRequest (PATCH by id, If-Match) take every
 *     member (docs.propstreet.com/api-reference/model/CreateCompanyRequest, …/UpdateCompanyRequest);
 *   - the upsert by external ref has no documented request model. By analogy with
 *     UpsertContactRequest it is taken to lack `externalRefs` (the path names the ref): a guess,
 *     marked so in docs/VENDOR-BEHAVIOUR.md.
 */
import type { CompanyWrite } from './company-schema.js';

type Member = keyof CompanyWrite;

const ALL: readonly Member[] = [
  'name',
  'domain',
  'homepageUrl',
  'linkedInUrl',
  'countryCode',
  'strategy',
  'tags',
  'externalRefs',
];

export const COMPANY_WRITE_MEMBERS: ReadonlySet<Member> = new Set(ALL);
export const COMPANY_UPSERT_MEMBERS: ReadonlySet<Member> = new Set(ALL.filter((m) => m !== 'externalRefs'));
