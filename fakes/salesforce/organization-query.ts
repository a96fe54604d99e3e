/**
 * `SELECT Id, Name FROM Organization`: the one row every org has (the Organization object of
 * the SOAP API / Object Reference; queryable by any API user). The fake knows only `Id` and
 * `Name` and no WHERE or ORDER BY on it; anything else is answered as Salesforce would answer
 * an unknown column, or as a malformed query.
 */
import { pointAt, SoqlError } from './soql-lexer.js';
import type { SoqlQuery } from './soql-parser.js';

export interface OrganizationRow {
  readonly Id: string;
  readonly Name: string;
}

const FIELDS = new Map([
  ['id', 'Id'],
  ['name', 'Name'],
] as const);

export function organizationRecords(
  q: SoqlQuery,
  org: OrganizationRow,
  version: string,
): Record<string, unknown>[] {
  const fields = q.fields.map((f) => {
    const name = FIELDS.get(f.name.toLowerCase() as 'id' | 'name');
    if (!name)
      throw new SoqlError(
        'INVALID_FIELD',
        pointAt(q.soql, f.pos, `No such column '${f.name}' on entity 'Organization'.`),
      );
    return name;
  });
  if (q.where || q.orderBy.length > 0)
    throw new SoqlError('MALFORMED_QUERY', 'the fake answers Organization queries without WHERE or ORDER BY');
  const row: Record<string, unknown> = {
    attributes: { type: 'Organization', url: `/services/data/v${version}/sobjects/Organization/${org.Id}` },
  };
  for (const f of fields) row[f] = org[f];
  const rows = (q.offset ?? 0) > 0 || q.limit === 0 ? [] : [row];
  return rows;
}
