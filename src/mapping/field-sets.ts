/** Which fields flow where. Direction is named from Propstreet's point of view: `to-crm`. */
import type { Side } from '../state/port.js';
import type { FieldMapping, Mapping } from './mapping-schema.js';

export type Access = 'read' | 'write';

/**
 * Fields that are read from (`read`) or written to (`write`) `side`:
 * propstreet/read and crm/write are `both | to-crm`; crm/read and propstreet/write are `both | from-crm`.
 * Constant fields (no propstreet source) are crm/write only.
 */
export function fieldsFor(mapping: Mapping, side: Side, access: Access): FieldMapping[] {
  const towardsCrm = (side === 'crm') === (access === 'write');
  return mapping.fields.filter((f) => {
    if (towardsCrm) return f.direction !== 'from-crm' && (access === 'write' || f.propstreet !== null);
    return f.direction !== 'to-crm';
  });
}

/** The CRM properties to request when reading records: those whose values flow to Propstreet. */
export function crmProperties(mapping: Mapping): string[] {
  return [...new Set(fieldsFor(mapping, 'crm', 'read').map((f) => f.crm))];
}
