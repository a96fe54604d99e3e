/**
 * The ways a mapping may read or write a Propstreet company (mapping files name these; see
 * mappings/README.md). Every member is a plain field of the company PATCH, so nothing needs
 * the record as it is now. Values here are raw: the mapping normalises them.
 */
import type { AccessorSet, AccessorWrite, RawValue } from '../../mapping/accessor-set.js';
import { isIso31661 } from '../../mapping/country-codes.js';
import { tagsToWrite } from '../../mapping/tag-list.js';
import type { Transform } from '../../mapping/transforms.js';
import type { Company, CompanyWrite } from '../../propstreet/company-schema.js';

const SCALARS = ['name', 'domain', 'homepageUrl', 'linkedInUrl', 'countryCode', 'strategy'] as const;
const NAMES = [...SCALARS, 'tags'] as const;

type Scalar = (typeof SCALARS)[number];
const isScalar = (name: string): name is Scalar => (SCALARS as readonly string[]).includes(name);

function readCompany(company: Company, accessor: string): RawValue {
  if (accessor === 'tags') return company.tags;
  return isScalar(accessor) ? (company[accessor] ?? null) : null;
}

/**
 * Propstreet derives `domain` from `homepageUrl` when a write sends both (it ignores the sent
 * domain), so a write of both holds only when they agree; mappings/README.md says how the
 * shipped files avoid the race.
 */
function writeCompany(writes: readonly AccessorWrite[], current: Company | null): CompanyWrite {
  const out: CompanyWrite = {};
  for (const { accessor, value } of writes) {
    if (accessor === 'tags') out.tags = value === null ? null : tagsToWrite(value, current?.tags);
    else if (isScalar(accessor)) out[accessor] = value;
  }
  return out;
}

function defaultTransform(accessor: string): Transform {
  switch (accessor) {
    case 'domain':
      return 'domain';
    case 'homepageUrl':
    case 'linkedInUrl':
      return 'url';
    case 'countryCode':
      return 'country';
    case 'tags':
      return 'tags';
    default:
      return 'trim';
  }
}

export const COMPANY_ACCESSORS: AccessorSet<Company, CompanyWrite> = {
  names: NAMES,
  readOnly: new Set(),
  lists: new Set(['tags']),
  needCurrent: new Set(),
  derivedFrom: new Map([['domain', 'homepageUrl']]),
  // CreateCompanyRequest (docs/VENDOR-BEHAVIOUR.md P26). It gives `strategy` no maximum: none is
  // assumed (before 12-05 the contacts' 4,000 was, and a longer CRM description never reached
  // Propstreet).
  propstreetLimits: {
    maxLength: new Map([
      ['name', 255],
      ['domain', 255],
      ['homepageUrl', 500],
      ['linkedInUrl', 500],
      ['countryCode', 10],
    ]),
    required: new Set(['name']),
    // A country the mapping could not read as a code ("Atlantis") would be stored as typed.
    form: new Map([['countryCode', { expected: 'an ISO 3166-1 alpha-2 code', test: isIso31661 }]]),
  },
  defaultTransform,
  read: readCompany,
  write: writeCompany,
};
