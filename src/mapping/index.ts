/** The field mapping layer: mapping files, and canonical values to and from both sides. */
export type { AccessorSet, AccessorWrite, RawValue } from './accessor-set.js';
export type { AllowedValues } from './crm-options.js';
export { crmProperties, fieldsFor } from './field-sets.js';
export {
  canonicalToCrm,
  canonicalToPropstreet,
  cutToFit,
} from './from-canonical.js';
export { loadMapping, loadMappingFromString } from './load-mapping.js';
export type {
  FieldMapping,
  Mapping,
} from './mapping-schema.js';
export { normalise } from './normalise.js';
export { crmToCanonical, propstreetToCanonical } from './to-canonical.js';
export { TRANSFORMS } from './transforms.js';
