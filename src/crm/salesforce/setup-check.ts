/**
 * `check()` / `setup()`: the session works (GET /limits, which also tells the day's API usage),
 * the key field exists on the sObject (Contact, Account) as a unique External ID, the configured
 * fields exist, those the mapping writes are updateable by this user, and the
 * API budget has room. Custom fields cannot be created through the REST data API, so `setup()`
 * cannot fix a missing key field; it explains the clicks in Salesforce Setup instead.
 */
import { isPropsyncError } from '../../core/errors.js';
import type { SetupCheck } from '../port.js';
import {
  type DescribeField,
  keyFieldFix,
  keyFieldInstructions,
  keyFieldProblems,
} from './key-field-rules.js';
import type { SalesforceClient } from './salesforce-client.js';
import type { SObjectName } from './sobject.js';

type Check = SetupCheck['checks'][number];

export async function runSetupChecks(
  client: SalesforceClient,
  object: SObjectName,
  externalIdField: string,
  fields: readonly string[],
  budgetShare: number,
  explainFix: boolean,
  /** The fields the mapping writes (its `both` and `to-crm` fields). */
  written: readonly string[] = [],
): Promise<SetupCheck> {
  const checks: Check[] = [];
  const done = () => ({ ok: checks.every((c) => c.ok), checks });
  try {
    const limits = await client.call('meta', { method: 'GET', path: '/limits' }, true, () =>
      client.conn.request<{ DailyApiRequests?: { Max: number; Remaining: number } }>('/limits'),
    );
    const daily = limits.DailyApiRequests;
    checks.push({
      name: 'session',
      ok: true,
      message: daily
        ? `connected; ${daily.Max - daily.Remaining} of ${daily.Max} daily API requests used`
        : 'connected',
    });
    if (daily && daily.Max > 0 && (daily.Max - daily.Remaining) / daily.Max >= budgetShare) {
      checks.push({
        name: 'api-budget',
        ok: false,
        message: `the org has used ${Math.round(((daily.Max - daily.Remaining) / daily.Max) * 100)}% of its daily API requests; this connector stops at ${Math.round(budgetShare * 100)}% (dailyBudgetShare)`,
      });
    }
  } catch (e) {
    checks.push({ name: 'session', ok: false, ...failureOf(e) });
    return done();
  }
  let described: readonly DescribeField[];
  try {
    const path = `/sobjects/${object}/describe`;
    const d = await client.call('meta', { method: 'GET', path }, true, () =>
      client.conn.request<{ fields: DescribeField[] }>(path),
    );
    described = d.fields;
  } catch (e) {
    checks.push({ name: `${object.toLowerCase()}-describe`, ok: false, ...failureOf(e) });
    return done();
  }
  const byName = new Map(described.map((f) => [f.name.toLowerCase(), f]));
  const key = byName.get(externalIdField.toLowerCase());
  const hint = explainFix
    ? `\n${keyFieldInstructions(externalIdField, object)}`
    : ' (run `propsync setup` for how to create it)';
  if (!key) {
    checks.push({
      name: 'key-field',
      ok: false,
      message: `${object} has no field ${externalIdField}.${hint}`,
    });
  } else {
    const problems = keyFieldProblems(externalIdField, key, object);
    checks.push(
      problems.length > 0
        ? {
            name: 'key-field',
            ok: false,
            message: `${problems.join('; ')}. A custom Text field that is Unique and an External ID is needed, or upserts may create duplicates or overwrite data (Setup → Object Manager → ${object} → Fields & Relationships).${explainFix ? `\n${keyFieldFix(externalIdField, object)}` : ''}`,
          }
        : { name: 'key-field', ok: true, message: `${object}.${key.name} is a unique External ID` },
    );
  }
  const mapped = [...new Map([...fields, ...written].map((f) => [f.toLowerCase(), f])).values()];
  const unknown = mapped.filter((f) => !byName.has(f.toLowerCase()));
  // Each update of a field this user may not set fails its record (INVALID_FIELD_FOR_INSERT_UPDATE).
  const fixed = written.filter((f) => byName.get(f.toLowerCase())?.updateable === false);
  const problems = [
    ...(unknown.length > 0
      ? [
          `${object} has no field ${unknown.join(', ')} visible to this user (check the mapping and field-level security)`,
        ]
      : []),
    ...(fixed.length > 0
      ? [
          `${object} fields the mapping writes but this user may not update: ${fixed.join(', ')} (field-level security, or a formula or system field; make those fields from-crm, or drop them)`,
        ]
      : []),
  ];
  checks.push(
    problems.length > 0
      ? { name: 'fields', ok: false, message: problems.join('; ') }
      : { name: 'fields', ok: true, message: `${mapped.length} mapped fields readable` },
  );
  return done();
}

/** A failed call's message, and its code when typed (it decides the exit code). */
function failureOf(e: unknown): { message: string; code?: string } {
  return isPropsyncError(e) ? { message: e.message, code: e.code } : { message: String(e) };
}
