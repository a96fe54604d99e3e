/**
 * The mapping file's shape (zod) and the resolved `Mapping` the rest of the code uses.
 * Structure is checked here; rules that span fields live in mapping-rules.ts.
 */
import type { CountryCode } from 'libphonenumber-js/core';
import { z } from 'zod';
import {
  type CrmKind,
  crmKindSchema,
  type FieldDirection,
  fieldDirectionSchema,
} from '../core/vocabulary.js';
import { KIND_NAMES, type KindName } from '../kinds/names.js';
import { TRANSFORMS, type Transform } from './transforms.js';

const CANONICAL_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const fieldShape = {
  name: z
    .string()
    .regex(CANONICAL_NAME, { error: 'expected a name of letters, digits and _ that starts with a letter' }),
  /** An accessor of the mapping's kind; which ones exist is checked against the kind (mapping-rules.ts). */
  propstreet: z.string().nullable().optional(),
  crm: z.string(),
  direction: fieldDirectionSchema.optional(),
  transform: z.enum(TRANSFORMS).optional(),
  required: z.boolean().optional(),
  default: z.string().nullable().optional(),
  maxLength: z.int().min(1).nullable().optional(),
  truncate: z.boolean().optional(),
};

export const fieldEntrySchema = z.strictObject(fieldShape);
/** A change to a field of the base file: any key but `name`, which selects it. */
const fieldPatchSchema = z.strictObject({ ...fieldShape, crm: z.string().optional() }).omit({ name: true });

export const mappingFileSchema = z.strictObject({
  crm: crmKindSchema,
  object: z.enum(KIND_NAMES).optional(),
  defaultRegion: z.string().nullable().optional(),
  fields: z.array(fieldEntrySchema).min(1),
});

/** Tenant-level changes to a shipped mapping; embed this schema in the tenant config schema. */
export const mappingOverridesSchema = z.strictObject({
  defaultRegion: z.string().nullable().optional(),
  fields: z.record(z.string(), fieldPatchSchema).optional(),
  add: z.array(fieldEntrySchema).optional(),
  remove: z.array(z.string()).optional(),
});

export type FieldEntry = z.output<typeof fieldEntrySchema>;
export type MappingFile = z.output<typeof mappingFileSchema>;
export type MappingOverrides = z.input<typeof mappingOverridesSchema>;

/** One resolved field: every option has its final value. */
export interface FieldMapping {
  /** Canonical field name, the key in `CanonicalValues`. */
  readonly name: string;
  /** An accessor of the mapping's kind; null: a constant written to the CRM (`default`), read from nowhere. */
  readonly propstreet: string | null;
  readonly crm: string;
  readonly direction: FieldDirection;
  readonly transform: Transform;
  readonly required: boolean;
  /** Normalised; sent to the CRM when the canonical value is null. */
  readonly default: string | null;
  /** In UTF-16 code units, as the CRMs count. */
  readonly maxLength: number | null;
  readonly truncate: boolean;
  /** Region for numbers without a country code (the mapping's `defaultRegion`). */
  readonly region: CountryCode | null;
}

/** `K`: the kind the file's `object` names (contacts when it names none). */
export interface Mapping<K extends KindName = KindName> {
  readonly crm: CrmKind;
  readonly object: K;
  readonly defaultRegion: CountryCode | null;
  readonly fields: readonly FieldMapping[];
  /** Where it came from, for messages: the file, plus the overrides' source when any. */
  readonly source: string;
}
