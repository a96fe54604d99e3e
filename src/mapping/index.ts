/** The field mapping layer: mapping files, and canonical values to and from both sides. */

export type { KeyPath, Position } from '../core/yaml-problems/index.js';
export { type AllowedValues, fitToOptions } from './crm-options.js';
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
export {
  type FieldMapping,
  type Mapping,
  type MappingOverrides,
  mappingFileSchema,
  mappingOverridesSchema,
} from './mapping-schema.js';
export { normalise } from './normalise.js';
export {
  PROPSTREET_ACCESSORS,
  type PropstreetAccessor,
  READ_ONLY_ACCESSORS,
} from './propstreet-accessors.js';
export { crmToCanonical, propstreetToCanonical } from './to-canonical.js';
export { TRANSFORMS, type Transform } from './transforms.js';
