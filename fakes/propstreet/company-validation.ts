/**
 * Validates a company create / PATCH / upsert body as the request models describe it
 * (docs.propstreet.com/api-reference/model/CreateCompanyRequest, …/UpdateCompanyRequest):
 * `name` required on create (≤ 255), `countryCode` ≤ 10, `domain` ≤ 255, `homepageUrl` and
 * `linkedInUrl` ≤ 500, tags and refs under the limits page's caps. Members a model lacks are
 * dropped without a word, as for contacts.
 */

import type { ValidCompanyWrite } from './company-types.js';
import type { FieldErrors } from './contact-types.js';
import { externalRefsOf, NOT_AN_OBJECT, readBody, tagsOf } from './field-checks.js';

/** `ui` is a user in the Propstreet UI. */
export type CompanyWriteMode = 'create' | 'patch' | 'upsert' | 'ui';

const ALL = [
  'name',
  'domain',
  'homepageUrl',
  'linkedInUrl',
  'countryCode',
  'strategy',
  'tags',
  'externalRefs',
];

/**
 * No upsert request model is documented for companies; like UpsertContactRequest it is taken
 * to lack `externalRefs` (the path names the ref). A guess, marked in docs/VENDOR-BEHAVIOUR.md.
 */
const MEMBERS: Record<CompanyWriteMode, ReadonlySet<string>> = {
  create: new Set(ALL),
  patch: new Set(ALL),
  upsert: new Set(ALL.filter((m) => m !== 'externalRefs')),
  ui: new Set(ALL),
};

type Result = { ok: true; write: ValidCompanyWrite } | { ok: false; errors: FieldErrors };

export function validateCompanyWrite(
  body: unknown,
  mode: CompanyWriteMode,
  ignore: ReadonlySet<string> = new Set(),
): Result {
  const reader = readBody(body, MEMBERS[mode], ignore);
  if (!reader) return { ok: false, errors: NOT_AN_OBJECT };
  const { input, errors, fail, text } = reader;
  const write: ValidCompanyWrite = {};
  const set = <K extends keyof ValidCompanyWrite>(key: K, value: ValidCompanyWrite[K] | undefined) => {
    if (value !== undefined) write[key] = value;
  };
  // Company.name is required on the model, so a write cannot clear it (the PATCH model's
  // `null | string` notwithstanding): a guess, as is rejecting a blank name.
  const name = text('name', 255, (v) => (v.trim().length > 0 ? null : 'The name field cannot be empty.'));
  if (name === null) fail('name', 'The name field cannot be cleared.');
  else if (name === undefined && mode === 'create' && !('name' in errors))
    fail('name', 'The name field is required.');
  else set('name', name);
  set('domain', text('domain', 255));
  set('homepageUrl', text('homepageUrl', 500));
  set('linkedInUrl', text('linkedInUrl', 500));
  const country = text('countryCode', 10);
  set('countryCode', typeof country === 'string' ? country.toUpperCase() : country);
  // CreateCompanyRequest gives strategy no maximum (P26).
  set('strategy', text('strategy', Number.POSITIVE_INFINITY));
  if ('tags' in input) set('tags', tagsOf(input.tags, fail));
  if ('externalRefs' in input) set('externalRefs', externalRefsOf(input.externalRefs, fail));
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, write };
}
