/**
 * The systems of the live demo, as edit sources and as targets: each side edits a contact's
 * last name as a user would (through its fake's control API) and reads it back. A side is an
 * edit source only when `serve` hears its changes: Propstreet and HubSpot send webhooks,
 * Salesforce Change Data Capture events (the demo's Salesforce connection has
 * `changeEvents: true`). A side with `hearsEvents: false` would only receive edits.
 */
import type { Sandbox } from '../../fakes/sandbox/sandbox.js';

export interface LiveSide {
  readonly name: string;
  /** `serve` is told of this side's changes (a webhook or change-event subscription). */
  readonly hearsEvents: boolean;
  /** Sets the contact's last name as a user on this side. */
  edit(propstreetId: string, lastName: string): void;
  /** The contact's last name on this side now (undefined: not there). */
  read(propstreetId: string): string | undefined;
}

export function liveSides(sb: Sandbox): LiveSide[] {
  const { hubspot, salesforce } = sb;
  const sides: LiveSide[] = [
    {
      name: 'Propstreet',
      hearsEvents: true,
      edit: (id, lastName) => void sb.propstreet.editAsUser(id, { lastName }),
      read: (id) => sb.propstreet.contact(id)?.lastName ?? undefined,
    },
  ];
  if (hubspot) {
    const find = (id: string) => hubspot.control.dump().find((r) => r.properties.propstreet_id === id);
    sides.push({
      name: 'HubSpot',
      hearsEvents: true,
      edit: (id, lastName) => {
        const record = find(id);
        if (!record) throw new Error(`no HubSpot contact for ${id}`);
        hubspot.control.editAsUser(record.id, { lastname: lastName });
      },
      read: (id) => find(id)?.properties.lastname ?? undefined,
    });
  }
  if (salesforce)
    sides.push({
      name: 'Salesforce',
      // serve subscribes to its Change Data Capture events (`changeEvents: true`).
      hearsEvents: true,
      edit: (id, lastName) => {
        const record = salesforce.control.getByKey(id);
        if (!record) throw new Error(`no Salesforce contact for ${id}`);
        salesforce.control.edit(String(record.Id), { LastName: lastName });
      },
      read: (id) => {
        const last = salesforce.control.getByKey(id)?.LastName;
        return typeof last === 'string' ? last : undefined;
      },
    });
  return sides;
}
