/** The field mapping layer: mapping files, and canonical values to and from both sides. */
export type { AllowedValues } from './crm-options.js';
export { type Access, crmProperties, fieldsFor } from './field-sets.js';
export {
  type CanonicalToCrmOptions,
  type CrmProblem,
  type CrmProblemCode,
  type CrmWrite,
  canonicalToCrm,
  canonicalToPropstreet,
} from './from-canonical.js';
export { loadMapping, loadMappingFromString, type OverridesInput } from './load-mapping.js';
export type {
  CrmKind,
  Direction,
  FieldMapping,
  Mapping,
  MappingOverrides,
} from './mapping-schema.js';
export { normalise } from './normalise.js';
export type { KeyPath, Position } from './problem-source.js';
export type { PropstreetAccessor } from './propstreet-accessors.js';
export { crmToCanonical, propstreetToCanonical } from './to-canonical.js';
export { TRANSFORMS, type Transform } from './transforms.js';
