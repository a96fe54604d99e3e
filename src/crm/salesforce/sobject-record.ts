/**
 * A row from SOQL (Contact, Account) → the port's CrmRecord. Values become strings (the port's wire form),
 * Salesforce's `2024-05-01T12:34:56.000+0000` stamps become ISO-8601 `…Z`.
 */
import { PayloadError } from '../../core/errors.js';
import type { CrmRecord } from '../port.js';

export type SoqlRow = Readonly<Record<string, unknown>>;

export function toIsoStamp(value: unknown, recordId: string, object: string): string {
  const text = typeof value === 'string' ? value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2') : '';
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new PayloadError(
      `Salesforce ${object} ${recordId} has no valid SystemModstamp (${JSON.stringify(value)})`,
      'SystemModstamp',
      recordId,
    );
  }
  return new Date(ms).toISOString();
}

function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function toCrmRecord(row: SoqlRow, fields: readonly string[], object: string): CrmRecord {
  const id = row.Id;
  if (typeof id !== 'string' || id === '')
    throw new PayloadError(`Salesforce ${object} row without an Id`, 'Id');
  const properties: Record<string, string | null> = {};
  for (const f of fields) properties[f] = asText(row[f]);
  const master = asText(row.MasterRecordId);
  return {
    id,
    properties,
    modifiedAt: toIsoStamp(row.SystemModstamp, id, object),
    deleted: row.IsDeleted === true,
    ...(master ? { mergedInto: master } : {}),
  };
}
