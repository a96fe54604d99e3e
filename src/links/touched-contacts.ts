/**
 * Which contacts the links phase looks at, in Propstreet ids: contacts whose Propstreet links
 * changed (the link delta, deletes included), CRM contacts changed since the CRM checkpoint,
 * contacts deferred earlier and due again, and on a full scan every linked contact. Returns the
 * checkpoints to store once the phase is done.
 */
import type { LinksOptions, LinksPorts } from './ports.js';

export interface Touched {
  readonly contacts: ReadonlySet<string>;
  /** CRM contacts not linked to a Propstreet contact (yet): deferred, tried again next run. */
  readonly unlinkedCrm: readonly string[];
  readonly checkpoints: { propstreet?: string; crm?: string };
}

export async function touchedContacts(ports: LinksPorts, options: LinksOptions): Promise<Touched> {
  const { store, scope } = ports;
  const contacts = new Set<string>();
  const checkpoints: { propstreet?: string; crm?: string } = {};

  const psSince = await store.getCheckpoint(scope, 'propstreet');
  const overlapMs = (options.overlapSeconds ?? 60) * 1000;
  const updatedSince = psSince ? new Date(Date.parse(psSince) - overlapMs).toISOString() : undefined;
  let high = psSince ?? '';
  for await (const page of ports.propstreet.listLinks({ updatedSince, includeDeleted: true })) {
    for (const link of page.links) {
      contacts.add(link.contactId);
      const stamp = link.deletedUtc && link.deletedUtc > link.updatedUtc ? link.deletedUtc : link.updatedUtc;
      if (stamp > high) high = stamp;
    }
  }
  if (high !== '') checkpoints.propstreet = high;

  const crmIds = new Set<string>();
  for await (const page of ports.crmChanges(await store.getCheckpoint(scope, 'crm'))) {
    for (const id of page.ids) crmIds.add(id);
    checkpoints.crm = page.checkpoint;
  }
  const now = ports.clock.now().toISOString();
  for (const f of await store.listFailures(scope, { dueBy: now, quarantined: false })) {
    if (f.side === 'crm') crmIds.add(f.recordId);
    else contacts.add(f.recordId);
  }
  const mapped = await ports.contacts.propstreetIds([...crmIds]);
  const unlinkedCrm: string[] = [];
  for (const id of crmIds) {
    const ps = mapped.get(id);
    if (ps) contacts.add(ps);
    else unlinkedCrm.push(id);
  }
  if (options.fullScan && ports.allContacts)
    for await (const ids of ports.allContacts()) for (const id of ids) contacts.add(id);
  return { contacts, unlinkedCrm, checkpoints };
}
