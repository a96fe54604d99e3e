/**
 * Who in Propstreet holds a value of a match rule Propstreet does not keep unique (companies'
 * domain, name), for a later run that reads only what changed: without it, a company whose
 * domain it shares with one not read this run would pair with the CRM's by guess. Propstreet
 * has no search by domain, so every live record is listed, once a run and only when a pairing by
 * such a rule is about to happen (a new or edited unlinked company whose value a CRM record
 * holds), and kept as ids per value.
 */
import { matchKey, sharedValueRules } from './match-values.js';
import type { PropstreetRecords } from './ports.js';
import type { RecordMapper } from './record-mapper.js';
import type { PropstreetRecord } from './records.js';

export function propstreetHolders<R extends PropstreetRecord>(
  records: Pick<PropstreetRecords<R, unknown>, 'list'>,
  mapper: RecordMapper<R, unknown>,
  match: readonly string[],
):
  | ((rule: string, values: readonly string[]) => Promise<ReadonlyMap<string, readonly string[]>>)
  | undefined {
  const rules = sharedValueRules(mapper, match);
  if (rules.length === 0) return undefined;
  let index: Promise<Map<string, Map<string, string[]>>> | undefined;
  const build = async () => {
    const out = new Map(rules.map((m) => [m.field.name, new Map<string, string[]>()]));
    for await (const page of records.list({ includeDeleted: false }))
      for (const r of page.records) {
        if (r.deletedUtc) continue;
        for (const m of rules) {
          const v = matchKey(mapper, m.field, m.field.propstreetValue(r));
          const ids = out.get(m.field.name);
          if (v && ids) ids.set(v, [...(ids.get(v) ?? []), r.id]);
        }
      }
    return out;
  };
  return async (rule, values) => {
    index ??= build();
    // A failed listing is not kept: the next pairing asks again.
    const ids = (
      await index.catch((e: unknown) => {
        index = undefined;
        throw e;
      })
    ).get(rule);
    return new Map(values.map((v) => [v, ids?.get(v) ?? []]));
  };
}
