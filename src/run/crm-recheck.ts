/**
 * CRM updates are blind: HubSpot's batch update and Salesforce's collections take no precondition,
 * so a person's edit made after the run read a record, to a field the run then writes, is
 * overwritten, and no later run sees it (the next delta shows our value, equal to the shadow).
 * Most runs write seconds after their read; a first sync's or a big backlog's chunks can write
 * hours after it. So when the CRM read is older than `recheckCrmAfterMs` (60 s by default), the
 * records a chunk is about to update are read again first (one batch read per batch), and a
 * record whose fields to be written changed since is not updated: it fails for now and is
 * planned again from both sides' new values by the next run (a true conflict goes to the
 * tenant's policy). The window left is the batch read's round trip.
 */
import type { CrmRecord } from '../crm/port.js';
import type { PropstreetRecord } from '../engine/records.js';
import { messageOf, type Progress } from './chunk-progress.js';
import type { CrmUpdate } from './crm-phase.js';
import type { ExecuteDeps } from './execute-chunk.js';

const DEFAULT_AFTER_MS = 60_000;

/** Marks failed the updates whose fields to be written changed in the CRM since the run read them. */
export async function holdChangedSinceRead(
  updates: readonly CrmUpdate[],
  deps: Pick<ExecuteDeps, 'crm' | 'mapper' | 'clock' | 'settings' | 'crmReadAt'>,
): Promise<void> {
  if (deps.crmReadAt === undefined) return;
  const age = deps.clock.now().getTime() - Date.parse(deps.crmReadAt);
  if (age < (deps.settings.recheckCrmAfterMs ?? DEFAULT_AFTER_MS)) return;
  // A key-only write (on a record just created in Propstreet) writes no field a person edits.
  const checked = updates.filter((u) => !u.keyOnly && u.p.pp.plan.toCrm.length > 0);
  if (checked.length === 0) return;
  const fresh = new Map<string, CrmRecord>();
  try {
    for (const r of await deps.crm.readByIds(checked.map((u) => u.id))) if (!r.deleted) fresh.set(r.id, r);
  } catch (error) {
    // Only these pairs wait: the chunk's other writes go on (an error that must stop the run, a
    // daily limit, meets their update too and stops it there).
    for (const { p } of checked)
      p.failed = {
        message: `could not read the CRM record again before updating it (${messageOf(error)}); retried next run`,
        retryable: true,
      };
    return;
  }
  // Fields read from the CRM: a `to-crm` one's CRM value is never read (see changedFields).
  const read = new Set(deps.mapper.fields.filter((f) => f.direction !== 'to-crm').map((f) => f.name));
  for (const { p, id } of checked) {
    const now = fresh.get(id);
    // Gone or merged: the update's own answer (not-found) takes that path.
    if (!now) continue;
    const changed = changedFields(p, now, read, deps);
    if (changed.length > 0)
      p.failed = {
        message: `changed in the CRM since this run read it (${changed.join(', ')}): not overwritten; the next run plans it from both sides`,
        retryable: true,
      };
  }
}

/**
 * The fields the plan writes whose CRM value is no longer the one it was planned from. Only fields
 * read from the CRM count: a `to-crm` field's CRM value is never read (it is always "empty" here),
 * and a person's edit of it is Propstreet's to overwrite. When the delta did not carry the record,
 * the plan took the shadow for it: the record unchanged since the last sync (its modified time)
 * is then no edit, whatever a cut or fitted value makes the shadow look like; one changed since
 * is compared with the shadow, and a false alarm there (a cut value) defers the pair once, as the
 * next run's delta carries the record.
 */
function changedFields(
  p: Progress<PropstreetRecord>,
  fresh: CrmRecord,
  read: ReadonlySet<string>,
  deps: Pick<ExecuteDeps, 'mapper'>,
): string[] {
  const { pair, plan } = p.pp;
  const link = pair.link;
  if (!pair.crm && link?.crmModifiedAt && Date.parse(fresh.modifiedAt) <= Date.parse(link.crmModifiedAt))
    return [];
  const now = deps.mapper.fromCrm(fresh);
  const then = pair.crm ? deps.mapper.fromCrm(pair.crm) : (link?.shadow ?? {});
  return plan.toCrm.map((c) => c.field).filter((f) => read.has(f) && (now[f] ?? null) !== (then[f] ?? null));
}
