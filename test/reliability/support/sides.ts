/** What a user sees and does on each side: which people are there, and editing one. */
import type { Sandbox } from '../../../fakes/sandbox/sandbox.js';
import type { SideName, UserEdit } from './world.js';

/** Per side: email → that side's record id, live records only. */
export function presentBySide(sb: Sandbox): Record<SideName, Map<string, string>>;
export function presentBySide(sb: Sandbox, side: SideName): Map<string, string>;
export function presentBySide(
  sb: Sandbox,
  side?: SideName,
): Record<SideName, Map<string, string>> | Map<string, string> {
  const lower = (s: unknown) => (typeof s === 'string' ? s.toLowerCase() : '');
  const read: Record<SideName, () => Map<string, string>> = {
    propstreet: () =>
      new Map(
        sb.propstreet
          .allContacts()
          .filter((c) => !c.deletedUtc && c.email)
          .map((c) => [lower(c.email), c.id]),
      ),
    hubspot: () =>
      new Map(
        sb
          .hubspot!.control.dump()
          .filter((c) => !c.archived && c.properties.email)
          .map((c) => [lower(c.properties.email), c.id]),
      ),
    salesforce: () =>
      new Map(
        sb
          .salesforce!.control.dump()
          .filter((r) => r.Email)
          .map((r) => [lower(r.Email), r.Id as string]),
      ),
  };
  if (side) return read[side]();
  return { propstreet: read.propstreet(), hubspot: read.hubspot(), salesforce: read.salesforce() };
}

export function applyEdit(
  sb: Sandbox,
  side: SideName,
  id: string,
  field: UserEdit['field'],
  value: string,
): void {
  if (side === 'propstreet') sb.propstreet.editAsUser(id, { [field]: value });
  else if (side === 'hubspot') sb.hubspot!.control.editAsUser(id, { [field.toLowerCase()]: value });
  else
    sb.salesforce!.control.edit(id, {
      [{ firstName: 'FirstName', lastName: 'LastName', phone: 'Phone' }[field]]: value,
    });
}
