/**
 * What a run checks of a Salesforce org before it writes (src/engine/preflight.ts):
 * - which org the session reaches: `SELECT Id, Name FROM Organization`, one REST query. The
 *   identity URL and `/services/oauth2/userinfo` (jsforce `conn.identity()`) would also say,
 *   but they need the `id`/`openid` scope, which the connector's documented connected app
 *   (`api refresh_token`) does not have, and jsforce's `identity()` costs two calls.
 * - whether the key field may hold Propstreet ids: the sObject's describe must show a custom
 *   (`custom: true`, API name `…__c`) Text field that is an External ID and Unique; then one
 *   query samples the values it already holds.
 */
import type { AccountIdentity } from '../../core/account-identity.js';
import { PayloadError, PropsyncError } from '../../core/errors.js';
import type { KeyFieldReport } from '../port.js';
import { type DescribeField, keyFieldFix, keyFieldProblems } from './key-field-rules.js';
import type { SalesforceClient } from './salesforce-client.js';
import type { SObjectName } from './sobject.js';

async function describeFields(
  client: SalesforceClient,
  object: SObjectName,
): Promise<readonly DescribeField[]> {
  const path = `/sobjects/${object}/describe`;
  const d = await client.call('meta', { method: 'GET', path }, true, () =>
    client.conn.request<{ fields: DescribeField[] }>(path),
  );
  return d.fields;
}

export async function orgIdentity(client: SalesforceClient): Promise<AccountIdentity | null> {
  let rows: readonly Record<string, unknown>[] = [];
  try {
    for await (const page of client.pages('SELECT Id, Name FROM Organization', 'meta', false)) {
      rows = page.records;
      break;
    }
  } catch (e) {
    if (e instanceof PropsyncError && (e.code === 'FORBIDDEN' || e.code === 'NOT_FOUND')) return null;
    throw e;
  }
  const org = rows[0];
  if (!org || typeof org.Id !== 'string')
    throw new PayloadError('Salesforce query of Organization returned no Id', 'records[0].Id');
  return { id: `salesforce-org:${org.Id}`, ...(typeof org.Name === 'string' ? { label: org.Name } : {}) };
}

export async function inspectExternalIdField(
  client: SalesforceClient,
  object: SObjectName,
  externalIdField: string,
  sampleSize: number,
): Promise<KeyFieldReport> {
  const fields = await describeFields(client, object);
  const field = fields.find((f) => f.name.toLowerCase() === externalIdField.toLowerCase());
  const problems = keyFieldProblems(externalIdField, field, object);
  const fix = keyFieldFix(externalIdField, object);
  if (problems.length > 0 || sampleSize <= 0 || !field)
    return { field: externalIdField, problems, fix, sample: [] };
  const soql = `SELECT Id, ${field.name} FROM ${object} WHERE ${field.name} != null LIMIT ${Math.floor(sampleSize)}`;
  const sample: string[] = [];
  for await (const page of client.pages(soql, 'read', false)) {
    for (const r of page.records) {
      const v = (r as Record<string, unknown>)[field.name];
      if (typeof v === 'string' && v !== '') sample.push(v);
    }
    break;
  }
  return { field: field.name, problems, fix, sample };
}
