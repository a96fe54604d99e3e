/** The one entry point the engine uses to normalise a value the way a field's mapping does. */
import type { FieldMapping } from './mapping-schema.js';
import { applyTransform, type InputValue } from './transforms.js';

export function normalise(
  field: Pick<FieldMapping, 'transform' | 'region'>,
  value: InputValue,
): string | null {
  return applyTransform(field.transform, value, field.region);
}
