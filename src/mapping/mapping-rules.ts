/**
 * Cross-field rules and defaults: turns a structurally valid draft into resolved fields, or
 * into problems that each name the key to fix.
 */
import { type CountryCode, getCountries } from 'libphonenumber-js/core';
// The metadata the phone transform parses with (transforms.ts): its regions are the ones it
// can use, and the package's default entry would load a second metadata set (≈ 3 MB resident).
import maxMetadata from 'libphonenumber-js/max/metadata';
import type { CrmKind, FieldDirection } from '../core/vocabulary.js';
import { didYouMean } from '../core/yaml-problems/did-you-mean.js';
import { describeValue, type SourcedProblem, where } from '../core/yaml-problems/index.js';
import { KINDS } from '../kinds/index.js';
import type { KindName } from '../kinds/names.js';
import type { AccessorSet } from './accessor-set.js';
import { type Draft, type DraftField, keyLocation, type Located } from './mapping-overrides.js';
import type { FieldMapping } from './mapping-schema.js';
import { applyTransform } from './transforms.js';

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

type Accessors = AccessorSet<unknown, unknown>;

function defaultDirection(accessors: Accessors, accessor: string | null): FieldDirection {
  return accessor === null || accessors.readOnly.has(accessor) ? 'to-crm' : 'both';
}

/** Why `accessor` is not one of the kind's (with the closest name when one is near), or undefined when it is. */
export function accessorProblem(object: KindName, accessor: string): string | undefined {
  const { names } = KINDS[object].accessors;
  if (names.includes(accessor)) return undefined;
  const guess = didYouMean(accessor, names);
  return `expected one of ${names.join(' | ')} (the ${object} accessors), got ${describeValue(accessor)}${guess ? ` (did you mean "${guess}"?)` : ''}`;
}

function regionOf(draft: Draft, problems: SourcedProblem[]): CountryCode | null {
  const region = draft.defaultRegion;
  if (!region || region.value === null) return null;
  const code = region.value.toUpperCase();
  if ((getCountries(maxMetadata) as readonly string[]).includes(code)) return code as CountryCode;
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
  const writerOf = new Map<string, DraftField>();
  const crmRule = CRM_NAME[draft.crm];
  const reserved = new Set(RESERVED[draft.crm].map((n) => (crmRule.caseless ? n.toLowerCase() : n)));
  const kind = KINDS[draft.object];
  const accessors: Accessors = kind.accessors;
  const count = kind.crm[draft.crm].dependantsCount;
  const countKey = count && crmRule.caseless ? count.toLowerCase() : count;
  const fields: FieldMapping[] = [];

  for (const field of draft.fields) {
    const e = field.entry;
    const at = (key: string) => keyLocation(field, key);
    const elsewhere = (other: DraftField, key: string) => {
      const loc = keyLocation(other, key);
      return where(loc.source, loc.path);
    };
    const named = e.propstreet ?? null;
    const unknown = named === null ? undefined : accessorProblem(draft.object, named);
    const known = unknown === undefined;
    if (unknown !== undefined) fail(at('propstreet'), unknown);
    // An unknown accessor is reported once, above; the other rules see a constant.
    const propstreet = known ? named : null;
    const direction = e.direction ?? defaultDirection(accessors, propstreet);
    const transform = e.transform ?? (propstreet === null ? 'trim' : accessors.defaultTransform(propstreet));

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
    else if (crmKey === countKey)
      fail(
        at('crm'),
        `"${e.crm}" is read-only in ${draft.crm}: the connector reads it to keep ${draft.object} that still have ${kind.dependants?.noun ?? 'dependants'}, and it cannot be mapped`,
      );
    else if (sameCrm)
      fail(
        at('crm'),
        `CRM property "${e.crm}" is already mapped by field "${sameCrm.entry.name}" at ${elsewhere(sameCrm, 'crm')}`,
      );
    else firstByCrm.set(crmKey, field);

    if (propstreet !== null && accessors.readOnly.has(propstreet) && direction !== 'to-crm') {
      fail(
        at('direction'),
        `propstreet "${propstreet}" is read-only, so direction must be to-crm, got "${direction}"`,
      );
    }
    if (propstreet === null && known && direction !== 'to-crm') {
      fail(
        at('direction'),
        `a field without a propstreet source can only be written to the CRM, so direction must be to-crm, got "${direction}"`,
      );
    }
    if (propstreet !== null && accessors.lists.has(propstreet) && transform !== 'tags') {
      fail(
        at('transform'),
        `propstreet "${propstreet}" is a list, so transform must be tags, got "${transform}"`,
      );
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

    // A CRM value equal to the default reads back as no value: on a both-ways field that is not
    // required, Propstreet's records holding that very value (a language `en`) would read as
    // cleared in the CRM and be cleared in Propstreet. Where the CRM needs a value, the
    // placeholder is unavoidable and both sides read it as none (to-canonical.ts).
    if (direction === 'both' && e.default != null && e.required !== true)
      fail(
        at('default'),
        `a default on a both-ways field needs required: true (the CRM needs a value): a CRM value equal to it reads back as no value, so Propstreet records holding ${JSON.stringify(e.default)} would be cleared; make the field to-crm, or drop the default`,
      );
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
    if (propstreet === null && known && e.default == null) {
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
  for (const [derived, source] of accessors.derivedFrom ?? []) {
    const a = writerOf.get(derived);
    const b = writerOf.get(source);
    if (!a || !b) continue;
    const loc = keyLocation(a, 'propstreet');
    fail(
      keyLocation(b, 'direction'),
      `propstreet "${source}" written to Propstreet makes Propstreet derive "${derived}" from it (a ${derived} sent with it is ignored), and field "${a.entry.name}" at ${where(loc.source, loc.path)} writes "${derived}" too: the two would race, a run's write never holding; make one of them to-crm`,
    );
  }
  return { fields, region, problems };
}
