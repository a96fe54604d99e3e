/**
 * Which contacts the links phase looks at, in Propstreet ids: contacts whose Propstreet links
 * changed (the link delta, deletes included), CRM contacts changed since the CRM checkpoint,
 * contacts deferred earlier and due again, CRM contacts a webhook said had an association
 * change (association-marks.ts), the contacts of CRM relations changed since the relation
 * checkpoint (Salesforce's indirect AccountContactRelations, which stamp no contact), the
 * contacts of CRM links deleted for good since the last phase (deleted-links.ts), and on a full
 * scan every linked contact. Returns the checkpoints to store once the phase is done.
 */
import {
  compareStamps,
  crmWindow,
  isStamp,
  propstreetSince,
  QuietWindow,
  type WindowPlan,
} from '../run/quiet-window.js';
import { associationMarks, marksDone } from './association-marks.js';
import { deletedLinkContacts } from './deleted-links.js';
import { DeltaBoundary } from './delta-boundary.js';
import type { LinksOptions, LinksPorts } from './ports.js';

/** The relation delta's checkpoint, in the links scope's meta (a fact of its own: no Side for it). */
export const RELATIONS_CHECKPOINT_META = 'links.relationsCheckpoint';

export interface Touched {
  readonly contacts: ReadonlySet<string>;
  /**
   * Of those, the ones Propstreet changed (the link delta) or that are tried again: read in
   * Propstreet whatever the CRM holds. The others need a Propstreet read only when the CRM's side
   * moved off the shadow (crm-unchanged.ts).
   */
  readonly propstreetSide: ReadonlySet<string>;
  /**
   * CRM contacts not linked to a Propstreet contact (yet): not read by this phase. The contacts
   * kind links one by writing its key property, which stamps it, so a later delta brings it
   * back; its association marks wait for it (association-marks.ts).
   */
  readonly unlinkedCrm: readonly string[];
  readonly checkpoints: { propstreet?: string; crm?: string };
  /** The relation delta's checkpoint to keep (RELATIONS_CHECKPOINT_META) once the phase is done. */
  readonly relationsCheckpoint?: string;
  /** The deleted links' checkpoint to keep (DELETED_LINKS_META) once the phase is done. */
  readonly deletedCheckpoint?: string;
  /** Whether every linked contact was taken: asked for, or deleted links the CRM no longer lists. */
  readonly fullScan: boolean;
  /** How the link delta's overlap was read: saved once the checkpoints are committed. */
  readonly window: QuietWindow;
  /** The record versions at each delta's newest stamp: saved once the checkpoints are committed. */
  readonly boundary: DeltaBoundary;
  /** CRM contacts' titles as the CRM delta read them (none when the phase carries no titles). */
  readonly titles: ReadonlyMap<string, string | null>;
  /** CRM contacts the CRM delta listed (it lists live ones only): the CRM holds them. */
  readonly listed: ReadonlySet<string>;
  /** The association marks this phase is done with (association-marks.ts): dropped by its commit. */
  readonly marks: readonly string[];
}

export async function touchedContacts(ports: LinksPorts, options: LinksOptions): Promise<Touched> {
  const { store, scope } = ports;
  const contacts = new Set<string>();
  const propstreetSide = new Set<string>();
  const checkpoints: { propstreet?: string; crm?: string } = {};

  const psSince = await store.getCheckpoint(scope, 'propstreet');
  // The overlap is re-read once per overlap period, not by every run (src/run/quiet-window.ts):
  // otherwise every run re-reads, contact by contact, the last burst of link changes before it.
  const readAt = ports.clock.now();
  const overlapMs = (options.overlapSeconds ?? 60) * 1000;
  const window = new QuietWindow();
  const plan = await window.load(store, scope, readAt, overlapMs);
  const updatedSince = psSince ? propstreetSince(psSince, plan) : undefined;
  const boundary = await DeltaBoundary.load(store, scope, readAt, overlapMs);
  let high = psSince ?? '';
  for await (const page of ports.propstreet.listLinks({ updatedSince, includeDeleted: true })) {
    for (const link of page.links) {
      const stamp = link.deletedUtc && link.deletedUtc > link.updatedUtc ? link.deletedUtc : link.updatedUtc;
      if (stamp > high) high = stamp;
      // The version the last phase read at its checkpoint's stamp: nothing new (delta-boundary.ts).
      if (boundary.link(link.id, stamp)) continue;
      contacts.add(link.contactId);
      propstreetSide.add(link.contactId);
    }
  }
  if (high !== '') checkpoints.propstreet = high;

  // Marks first: one made after this read is left for the next phase, which will see its change.
  const marks = associationMarks(await store.listMeta(scope));
  const crmIds = new Set<string>(marks.map((m) => m.crmId));
  const titles = new Map<string, string | null>();
  const listed = new Set<string>();
  const crmSince = await store.getCheckpoint(scope, 'crm');
  for await (const page of ports.crmChanges(crmSince, crmWindow(plan))) {
    for (const r of page.records) {
      listed.add(r.id);
      if (r.title !== undefined) titles.set(r.id, r.title);
      if (!boundary.contact(r.id, r.modifiedAt)) crmIds.add(r.id);
    }
    checkpoints.crm = page.checkpoint;
  }
  const relationChanges = ports.relationChanges;
  const relationsCheckpoint = relationChanges
    ? await readRelations(relationChanges, ports, crmSince, plan, readAt, overlapMs, (r) => {
        if (!boundary.relation(r.id, r.modifiedAt)) crmIds.add(r.fromId);
      })
    : undefined;
  // Contacts whose shadows keep the id of a link the CRM deleted for good: CRM-side touches.
  // Only where the CRM holds links of its own (Salesforce with relations): without them there
  // is nothing to list, and a first phase would take its missing checkpoint for a gap.
  const deleted =
    ports.deletedLinks && (await ports.secondary())
      ? await deletedLinkContacts(ports.deletedLinks, ports, readAt, overlapMs)
      : undefined;
  for (const id of deleted?.contacts ?? []) contacts.add(id);
  const now = ports.clock.now().toISOString();
  const retriedCrm = new Set<string>();
  for (const f of await store.listFailures(scope, { dueBy: now, quarantined: false })) {
    if (f.side === 'crm') {
      crmIds.add(f.recordId);
      retriedCrm.add(f.recordId);
    } else {
      contacts.add(f.recordId);
      propstreetSide.add(f.recordId);
    }
  }
  const mapped = await ports.contacts.propstreetIds([...crmIds]);
  const unlinkedCrm: string[] = [];
  for (const id of crmIds) {
    const ps = mapped.get(id);
    if (ps) contacts.add(ps);
    else unlinkedCrm.push(id);
    if (ps && retriedCrm.has(id)) propstreetSide.add(ps);
  }
  // Deletions the CRM no longer lists (its 15 days passed since the last phase): only reading
  // every linked contact finds them.
  const fullScan =
    (options.fullScan === true || deleted?.incomplete === true) && ports.allContacts !== undefined;
  if (fullScan && ports.allContacts)
    for await (const ids of ports.allContacts()) for (const id of ids) contacts.add(id);
  const done = marksDone(marks, (id) => mapped.has(id), ports.clock.now());
  return {
    contacts,
    propstreetSide,
    unlinkedCrm,
    checkpoints,
    ...(relationsCheckpoint === undefined ? {} : { relationsCheckpoint }),
    ...(deleted === undefined ? {} : { deletedCheckpoint: deleted.checkpoint }),
    fullScan,
    window,
    boundary,
    titles,
    listed,
    marks: done,
  };
}

/**
 * The relation delta: each relation changed since the relation checkpoint, handed to `see`;
 * returns the checkpoint to keep. A phase that never kept one (or keeps one it cannot read)
 * starts where its contact delta stands: what came before, the phase's reads of those contacts
 * saw. A first phase (no contact checkpoint either) reads every contact anyway: it lists no
 * relation and starts the delta at its own read, less the overlap (a minute at least) for
 * relations saved late or stamped by a skewed clock.
 */
async function readRelations(
  changes: NonNullable<LinksPorts['relationChanges']>,
  ports: Pick<LinksPorts, 'store' | 'scope'>,
  crmSince: string | null,
  plan: WindowPlan,
  readAt: Date,
  overlapMs: number,
  see: (relation: { id: string; fromId: string; modifiedAt: string }) => void,
): Promise<string> {
  const kept = await ports.store.getMeta(ports.scope, RELATIONS_CHECKPOINT_META);
  // An unreadable fact is no fact (as the boundary's): start from the contact delta again.
  const since = isStamp(kept) ? kept : crmSince;
  if (since === null) return new Date(readAt.getTime() - Math.max(overlapMs, 60_000)).toISOString();
  let checkpoint = since;
  for await (const page of changes(since, crmWindow(plan))) {
    for (const r of page.records) see(r);
    // The window re-reads before the checkpoint: a page of those never moves it back.
    if (compareStamps(page.checkpoint, checkpoint) > 0) checkpoint = page.checkpoint;
  }
  return checkpoint;
}
