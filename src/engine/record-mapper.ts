/**
 * What the engine needs of a field mapping for one kind of record. Built from a loaded mapping
 * file (src/mapping) by `mapperFromMapping`; tests may build one by hand. `W` is the body a
 * Propstreet write of the kind sends.
 */
import type { CrmRecord } from '../crm/port.js';
import type { CanonicalValues } from '../state/port.js';
import type { KindRules } from './kind-rules.js';
import type { PropstreetRecord } from './records.js';

export type FieldDirection = 'both' | 'to-crm' | 'from-crm';

export interface RecordMapper<R extends PropstreetRecord = PropstreetRecord, W = unknown> {
  /** The kind the mapping's records are (the mapping file's `object`). */
  readonly kind: KindRules<R>;
  /** Canonical field names with their directions. */
  readonly fields: readonly {
    readonly name: string;
    readonly direction: FieldDirection;
    /** The CRM property it maps to, whatever the direction (mapping changes: mapping-bindings.ts). */
    readonly crm?: string;
  }[];
  /** CRM properties to read. */
  readonly crmProperties: readonly string[];
  /** The CRM property a canonical field is read from (mapped both ways or from the CRM), when mapped. */
  crmPropertyOf(field: string): string | undefined;
  fromPropstreet(record: R): CanonicalValues;
  fromCrm(record: CrmRecord): CanonicalValues;
  /**
   * `raw` normalised as the mapping normalises canonical field `field` (its transform), so a
   * CRM's `https://www.acme.com/` and Propstreet's `acme.com` compare equal as a domain; null
   * when empty. A field the mapping lacks is only trimmed.
   */
  canonical(field: string, raw: string | null | undefined): string | null;
  /**
   * How many of the kind's dependants a CRM record has, when its CRM says (a count property
   * read with every record); undefined when the record cannot tell.
   */
  crmDependants?(record: CrmRecord): number | undefined;
  /**
   * `create` fills defaults and constants for fields that are absent. `problems` fail the
   * record; `skipped` are fields left out because the CRM would refuse the value (outside a
   * property's options): the rest of the record is still written.
   */
  toCrm(
    values: CanonicalValues,
    options?: { create?: boolean },
  ): {
    properties: Record<string, string | null>;
    problems: string[];
    /** Values cut to fit (the field's `truncate`), sent so: notes, not problems. */
    cut?: readonly string[];
    skipped?: readonly { readonly field: string; readonly message: string }[];
  };
  /**
   * The same mapper, with values fitted to the CRM properties' fixed options (`allowed`, by CRM
   * property name, as the CRM port's `allowedValues` reads them); a value no option fits is skipped.
   */
  withAllowedValues?(allowed: ReadonlyMap<string, readonly string[]>): RecordMapper<R, W>;
  /** `current` is the record as last read (null on create): list fields are rewritten from it. */
  toPropstreet(values: CanonicalValues, current: R | null): W;
  /**
   * Of these values bound for Propstreet, those it would refuse (longer than it takes, or a
   * value it will not clear), each with why: left out of the write, the rest still written.
   */
  propstreetRefuses?(
    values: CanonicalValues,
  ): readonly { readonly field: string; readonly message: string }[];
  /** Whether writing these fields to Propstreet needs the record as it is now (a list field). */
  needsCurrent(fields: readonly string[]): boolean;
}

/**
 * The CRM property a match field is read from, when the kind has the field and the mapping
 * reads it from the CRM. Without `rule`: the kind's first match field (contacts: email).
 */
export function crmMatchProperty<R extends PropstreetRecord>(
  mapper: RecordMapper<R, unknown>,
  rule?: string,
): string | undefined {
  const fields = mapper.kind.matchFields;
  const field = rule === undefined ? fields[0] : fields.find((f) => f.name === rule);
  return field ? mapper.crmPropertyOf(field.name) : undefined;
}
