/**
 * Fitting a canonical value to a CRM property that takes only fixed options (a HubSpot
 * enumeration such as `hs_language`, whose options the portal lists). HubSpot refuses any
 * other value (VALIDATION_ERROR, "… was not one of the allowed options"), so a value is
 * translated to the option that means the same, or not sent at all.
 */
import { isIso6391, toIso6391 } from './language-codes.js';
import type { FieldMapping } from './mapping-schema.js';

/** Allowed values per CRM property name, as the CRM lists them (its order). */
export type AllowedValues = ReadonlyMap<string, readonly string[]>;

/**
 * The option to send for `value`, or undefined when none means the same. In order: the value
 * itself; the same letters in another case; for a `language` field, the first option (in the
 * CRM's order) whose language is the value's ISO 639-1 code, so `en` becomes `en-us` in a
 * portal without a bare `en`. Reading `en-us` back gives `en` again, so the round trip holds.
 */
export function fitToOptions(
  field: Pick<FieldMapping, 'transform'>,
  value: string,
  options: readonly string[],
): string | undefined {
  if (options.includes(value)) return value;
  const lower = value.toLowerCase();
  const caseless = options.find((o) => o.toLowerCase() === lower);
  if (caseless !== undefined) return caseless;
  if (field.transform !== 'language' || !isIso6391(lower)) return undefined;
  const same = (iso: string) => options.find((o) => toIso6391(o.toLowerCase()) === iso);
  // Norwegian (canonical `no`): a CRM listing only Bokmål or Nynorsk takes that.
  return same(lower) ?? (lower === 'no' ? (same('nb') ?? same('nn')) : undefined);
}

/**
 * A list value (`tags`: `;`-separated) for a property that takes several of its options at once
 * (HubSpot's multiple checkboxes): each element fitted on its own; undefined when one fits none,
 * so the field is left out whole and no element reads as removed by the CRM. Fitting the joined
 * list against single options failed for every list of two or more (RELIABILITY.md bug 34).
 */
export function fitListToOptions(
  field: Pick<FieldMapping, 'transform'>,
  value: string,
  options: readonly string[],
): string | undefined {
  const fitted: string[] = [];
  for (const element of value.split(';')) {
    if (element === '') continue;
    const one = fitToOptions(field, element, options);
    if (one === undefined) return undefined;
    fitted.push(one);
  }
  return fitted.join(';');
}

export function notAnOptionMessage(crm: string, value: string, options: readonly string[]): string {
  const shown = options.length > 12 ? `${options.slice(0, 12).join(', ')}, …` : options.join(', ');
  return `${crm}: "${value}" is not one of the CRM's options for this property (${shown}); not sent`;
}
