/** Which fields flow where. Direction is named from Propstreet's point of view: `to-crm`. */
import type { Side } from '../state/port.js';
import type { FieldMapping, Mapping } from './mapping-schema.js';

export type Access = 'read' | 'write';

/**
 * Fields that are read from (`read`) or written to (`write`) `side`:
 * propstreet/read and crm/write are `both | to-crm`; crm/read and propstreet/write are `both | from-crm`.
 * Constant fields (no propstreet source) are crm/write only.
 */
export function fieldsFor(mapping: Mapping, side: Side, access: Access): readonly FieldMapping[] {
  // Every record of a run is mapped through these lists: filter a mapping's fields once. Keyed
  // by the (readonly) field list, so a mapping copied with the same fields shares the lists.
  let lists = fieldLists.get(mapping.fields);
  if (lists === undefined) {
    lists = [undefined, undefined, undefined, undefined];
    fieldLists.set(mapping.fields, lists);
  }
  const slot = (side === 'crm' ? 2 : 0) + (access === 'write' ? 1 : 0);
  let list = lists[slot];
  if (list === undefined) {
    const towardsCrm = (side === 'crm') === (access === 'write');
    list = mapping.fields.filter((f) => {
      if (towardsCrm) return f.direction !== 'from-crm' && (access === 'write' || f.propstreet !== null);
      return f.direction !== 'to-crm';
    });
    lists[slot] = list;
  }
  return list;
}

/** propstreet/read, propstreet/write, crm/read, crm/write, each filtered when first asked for. */
const fieldLists = new WeakMap<readonly FieldMapping[], (readonly FieldMapping[] | undefined)[]>();

/** The CRM properties to request when reading records: those whose values flow to Propstreet. */
export function crmProperties(mapping: Mapping): string[] {
  return [...new Set(fieldsFor(mapping, 'crm', 'read').map((f) => f.crm))];
}
