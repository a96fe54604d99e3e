/**
 * Cross-field rules and defaults: turns a structurally valid draft into resolved fields, or
 * into problems that each name the key to fix.
 */
import { type CountryCode, getCountries } from 'libphonenumber-js';
import type { CrmKind, FieldDirection } from '../core/vocabulary.js';
import { describeValue, type SourcedProblem, where } from '../core/yaml-problems/index.js';
import { type Draft, type DraftField, keyLocation, type Located } from './mapping-overrides.js';
import type { FieldMapping } from './mapping-schema.js';
import { type PropstreetAccessor, READ_ONLY_ACCESSORS } from './propstreet-accessors.js';
import { applyTransform, type Transform } from './transforms.js';

const CRM_NAME: Record<CrmKind, { pattern: RegExp; what: string; caseless: boolean }> = {
  hubspot: {
    pattern: /^[a-z][a-z0-9_]*$/,
    what: 'a HubSpot internal property name (a-z, 0-9, _)',
    caseless: false,
  },
  salesforce: {
    pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
    what: 'a Salesforce field API name (A-Z, 0-9, _)',
    caseless: true,
  },
};

/** Properties the adapters own: the connector's key and the CRM's system fields. */
const RESERVED: Record<CrmKind, readonly string[]> = {
  hubspot: ['propstreet_id', 'hs_object_id', 'lastmodifieddate', 'createdate', 'hs_merged_object_ids'],
  salesforce: [
    'Propstreet_Id__c',
    'Id',
    'SystemModstamp',
    'LastModifiedDate',
    'LastModifiedById',
    'IsDeleted',
    'MasterRecordId',
    'CreatedDate',
  ],
};

const WRITES_CRM: ReadonlySet<FieldDirection> = new Set(['both', 'to-crm']);

function defaultTransform(accessor: PropstreetAccessor | null): Transform {
  switch (accessor) {
    case 'email':
      return 'email';
    case 'phone':
    case 'mobilePhone':
      return 'phone';
    case 'tags':
      return 'tags';
    case 'primaryLanguage':
      return 'language';
    default:
      return 'trim';
  }
}

function defaultDirection(accessor: PropstreetAccessor | null): FieldDirection {
  return accessor === null || READ_ONLY_ACCESSORS.has(accessor) ? 'to-crm' : 'both';
}

function regionOf(draft: Draft, problems: SourcedProblem[]): CountryCode | null {
  const region = draft.defaultRegion;
  if (!region || region.value === null) return null;
  const code = region.value.toUpperCase();
  if ((getCountries() as readonly string[]).includes(code)) return code as CountryCode;
  problems.push({
    ...region.at,
    message: `expected an ISO 3166-1 alpha-2 region known to libphonenumber (e.g. SE, NO, GB), got ${describeValue(region.value)}`,
  });
  return null;
}

export function resolveFields(draft: Draft): {
  fields: FieldMapping[];
  region: CountryCode | null;
  problems: SourcedProblem[];
} {
  const problems: SourcedProblem[] = [];
  const region = regionOf(draft, problems);
  const fail = (at: Located, message: string) => problems.push({ ...at, message });
  const firstByName = new Map<string, DraftField>();
  const firstByCrm = new Map<string, DraftField>();
  const writerOf = new Map<PropstreetAccessor, DraftField>();
  const crmRule = CRM_NAME[draft.crm];
  const reserved = new Set(RESERVED[draft.crm].map((n) => (crmRule.caseless ? n.toLowerCase() : n)));
  const fields: FieldMapping[] = [];

  for (const field of draft.fields) {
    const e = field.entry;
    const at = (key: string) => keyLocation(field, key);
    const elsewhere = (other: DraftField, key: string) => {
      const loc = keyLocation(other, key);
      return where(loc.source, loc.path);
    };
    const propstreet = e.propstreet ?? null;
    const direction = e.direction ?? defaultDirection(propstreet);
    const transform = e.transform ?? defaultTransform(propstreet);

    const sameName = firstByName.get(e.name);
    if (sameName)
      fail(
        at('name'),
        `duplicate canonical name "${e.name}", first defined at ${elsewhere(sameName, 'name')}`,
      );
    else firstByName.set(e.name, field);

    const crmKey = crmRule.caseless ? e.crm.toLowerCase() : e.crm;
    const sameCrm = firstByCrm.get(crmKey);
    if (!crmRule.pattern.test(e.crm))
      fail(at('crm'), `expected ${crmRule.what}, got ${describeValue(e.crm)}`);
    else if (reserved.has(crmKey))
      fail(at('crm'), `"${e.crm}" is managed by the ${draft.crm} adapter and cannot be mapped`);
    else if (sameCrm)
      fail(
        at('crm'),
        `CRM property "${e.crm}" is already mapped by field "${sameCrm.entry.name}" at ${elsewhere(sameCrm, 'crm')}`,
      );
    else firstByCrm.set(crmKey, field);

    if (propstreet !== null && READ_ONLY_ACCESSORS.has(propstreet) && direction !== 'to-crm') {
      fail(
        at('direction'),
        `propstreet "${propstreet}" is read-only, so direction must be to-crm, got "${direction}"`,
      );
    }
    if (propstreet === null && direction !== 'to-crm') {
      fail(
        at('direction'),
        `a field without a propstreet source can only be written to the CRM, so direction must be to-crm, got "${direction}"`,
      );
    }
    if (propstreet === 'tags' && transform !== 'tags') {
      fail(at('transform'), `propstreet "tags" is a list, so transform must be tags, got "${transform}"`);
    }
    if (propstreet !== null && direction !== 'to-crm') {
      const writer = writerOf.get(propstreet);
      if (writer) {
        fail(
          at('propstreet'),
          `propstreet "${propstreet}" is already written by field "${writer.entry.name}" at ${elsewhere(writer, 'propstreet')}; make one of them to-crm`,
        );
      } else {
        writerOf.set(propstreet, field);
      }
    }

    if (!WRITES_CRM.has(direction)) {
      for (const key of ['required', 'default', 'maxLength', 'truncate'] as const) {
        if (e[key] != null && e[key] !== false) {
          fail(
            at(key),
            `${key} only applies to fields written to the CRM (direction both | to-crm), got direction "${direction}"`,
          );
        }
      }
    }
    const maxLength = e.maxLength ?? null;
    if (e.truncate === true && maxLength === null) fail(at('truncate'), 'truncate needs a maxLength');
    if (e.truncate === true && direction === 'both') {
      fail(
        at('truncate'),
        'truncate is only allowed on to-crm fields: a cut value read back would overwrite the full one on Propstreet',
      );
    }

    const fallback = e.default == null ? null : applyTransform(transform, e.default, region);
    if (e.default != null && fallback === null)
      fail(at('default'), `default is empty after the ${transform} transform; use null for no default`);
    if (fallback !== null && maxLength !== null && fallback.length > maxLength) {
      fail(at('default'), `default ${describeValue(fallback)} is longer than maxLength ${maxLength}`);
    }
    if (propstreet === null && e.default == null) {
      fail(
        at(e.required === true ? 'required' : 'propstreet'),
        e.required === true
          ? 'a required field needs a default or a propstreet source'
          : 'a field without a propstreet source needs a default (the constant it writes)',
      );
    }

    fields.push({
      name: e.name,
      propstreet,
      crm: e.crm,
      direction,
      transform,
      required: e.required ?? false,
      default: fallback,
      maxLength,
      truncate: e.truncate ?? false,
      region,
    });
  }
  return { fields, region, problems };
}
