/**
 * The delta reader's resumable position, serialised as JSON (opaque to the engine).
 * - live: search the object's last-modified property (contacts `lastmodifieddate`, companies
 *   `hs_lastmodifieddate`) `≥ t` (or `> t` when `x`, set only after a tie phase);
 *   records at exactly `t` come again after a resume (the port allows repeats; skipping
 *   them by id would lose a second write within the same millisecond);
 * - tie: more records share `t` than one search page holds: page through them by
 *   `hs_object_id > id`;
 * - archived: walking the archived list from cursor `c`.
 * `a` is this run's lower bound for `archivedAt`; `s` is when (engine clock) the archived
 * list was last walked to the end, for connections that walk it only every so often. `o` names
 * the object when it is not contacts (checkpoints written before companies have none), so one
 * object's position never resumes another's read.
 */
import { PropsyncError } from '../../core/errors.js';

export interface Checkpoint {
  readonly v: 1;
  readonly p: 'live' | 'tie' | 'archived';
  readonly t: number;
  readonly x?: true;
  readonly id?: string;
  readonly c?: string;
  readonly a: number;
  readonly s?: number;
  readonly o?: string;
}

/**
 * A record stamped in the future (a skewed clock, hostile data) must not carry the checkpoint
 * past "now", or every real change until then would be skipped: positions are clamped.
 */
export function encodeCheckpoint(c: Checkpoint, now: number = Date.now()): string {
  if (c.t <= now && c.a <= now && (c.s ?? 0) <= now) return JSON.stringify(c);
  const { x: _strict, ...rest } = c;
  return JSON.stringify({
    ...rest,
    t: Math.min(c.t, now),
    a: Math.min(c.a, now),
    ...(c.s === undefined ? {} : { s: Math.min(c.s, now) }),
  });
}

export function decodeCheckpoint(text: string): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const c = value as Partial<Checkpoint> | undefined;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    c.v === 1 &&
    (c.p === 'live' || c.p === 'tie' || c.p === 'archived') &&
    typeof c.t === 'number' &&
    typeof c.a === 'number' &&
    (c.s === undefined || typeof c.s === 'number') &&
    (c.o === undefined || typeof c.o === 'string');
  if (!ok) throw new PropsyncError('STATE', `Not a HubSpot delta checkpoint: ${text.slice(0, 120)}`);
  return c as Checkpoint;
}

/**
 * The checkpoint in words, for `propsync status` (the JSON is for machines: `status --json`).
 * E.g. "modified up to 2026-12-02T04:52:53Z; archived list walked at 2026-12-02T04:50:00Z".
 * Undefined when the text is not a HubSpot checkpoint.
 */
export function describeCheckpoint(text: string): string | undefined {
  let c: Checkpoint;
  try {
    c = decodeCheckpoint(text);
  } catch {
    return undefined;
  }
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
  const parts = [`${c.o === undefined ? '' : `${c.o} `}modified ${c.x ? 'after' : 'up to'} ${at(c.t)}`];
  if (c.p === 'tie') parts.push(`paging through records modified at that instant (after id ${c.id ?? '-'})`);
  if (c.p === 'archived') parts.push(`walking the archived list (archived since ${at(c.a)})`);
  if (c.s !== undefined) parts.push(`archived list walked at ${at(c.s)}`);
  return parts.join('; ');
}
