/**
 * What became of each user edit: it survived (every side holds the value), it was reported
 * as a conflict in some run result, or it was overwritten without a word — the one outcome
 * DESIGN.md invariants 4 and 5 forbid.
 */
import { openMapper } from '../../../src/app/open-connection.js';
import type { ConnectionConfig } from '../../../src/config/index.js';
import { contactSchema } from '../../../src/propstreet/schema.js';
import type { ConnectionResult } from '../../../src/run/run-result.js';
import type { CanonicalValues } from '../../../src/state/port.js';
import type { SideName, UserEdit, World } from './world.js';

export interface EditOutcomes {
  readonly survived: number;
  readonly reportedAsConflict: number;
  /** Edits lost without a conflict report, described. */
  readonly overwritten: string[];
}

type Seen = Partial<Record<SideName, { id: string; values: CanonicalValues }>>;

const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();
const same = (field: UserEdit['field'], a: string | null | undefined, b: string) =>
  field === 'phone' ? (a ?? '').replace(/\D/g, '') === b.replace(/\D/g, '') : a === b;

export async function sideValues(world: World): Promise<Map<string, Seen>> {
  const config = await world.config();
  const conn = (type: string) => config.connections.find((c) => c.type === type) as ConnectionConfig;
  const hs = openMapper(conn('hubspot'));
  const sf = openMapper(conn('salesforce'));
  const out = new Map<string, Seen>();
  const put = (side: SideName, id: string, values: CanonicalValues) => {
    const email = lower(values.email);
    out.set(email, { ...out.get(email), [side]: { id, values } });
  };
  for (const c of world.sb.propstreet.allContacts())
    if (!c.deletedUtc) put('propstreet', c.id, hs.fromPropstreet(contactSchema.parse(c)));
  for (const c of world.sb.hubspot!.control.dump())
    if (!c.archived)
      put(
        'hubspot',
        c.id,
        hs.fromCrm({ id: c.id, properties: c.properties, modifiedAt: '', deleted: false }),
      );
  for (const r of world.sb.salesforce!.control.dump()) {
    const properties = Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]),
    );
    put(
      'salesforce',
      r.Id as string,
      sf.fromCrm({ id: r.Id as string, properties, modifiedAt: '', deleted: false }),
    );
  }
  return out;
}

export async function editOutcomes(
  world: World,
  edits: readonly UserEdit[],
  results: readonly ConnectionResult[],
): Promise<EditOutcomes> {
  const seen = await sideValues(world);
  let survived = 0;
  let reportedAsConflict = 0;
  const overwritten: string[] = [];
  for (const e of edits) {
    const sides = seen.get(e.email) ?? {};
    const held = (['propstreet', 'hubspot', 'salesforce'] as const).every((s) =>
      same(e.field, sides[s]?.values[e.field], e.value),
    );
    if (held) {
      survived++;
      continue;
    }
    const ids = new Set(
      Object.values(sides)
        .map((x) => x?.id)
        .filter(Boolean),
    );
    const reported = results.some((r) =>
      r.conflicts.some(
        (c) =>
          c.field === e.field &&
          ((c.propstreetId && ids.has(c.propstreetId)) || (c.crmId && ids.has(c.crmId))),
      ),
    );
    if (reported) reportedAsConflict++;
    else
      overwritten.push(
        `${e.side} edit of ${e.email} ${e.field}=${e.value}: now ${(
          ['propstreet', 'hubspot', 'salesforce'] as const
        )
          .map((s) => `${s} ${sides[s]?.values[e.field] ?? '(absent)'}`)
          .join(', ')}`,
      );
  }
  return { survived, reportedAsConflict, overwritten };
}
