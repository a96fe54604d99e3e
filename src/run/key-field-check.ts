/**
 * The CRM key property/field receives every linked contact's Propstreet id. Pointed at a field
 * that holds people's data (`keyProperty: website`, `externalIdField: Email`), a run would
 * overwrite that data with ids. Before a connection's first write the key must be a dedicated,
 * unique, text property that holds only Propstreet ids or nothing; the adapter reads its
 * definition and a sample of its values. A passed check is remembered in the scope's meta
 * (one check per connection), and done again when the key, the CRM or its account changes.
 */
import type { AccountIdentity } from '../core/account-identity.js';
import { PropsyncError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { looksLikePropstreetId } from '../propstreet/contact-id.js';
import type { Scope, StateStore } from '../state/port.js';
import type { CrmAccount } from './run-deps.js';
import type { StateWrites } from './state-writes.js';

export const KEY_FIELD_META = 'crm.keyField';
/** Values read to see what the key already holds (one search / query). */
const KEY_SAMPLE_SIZE = 100;

export interface KeyFieldCheckOptions {
  /** Where a passed check is remembered: nowhere in a dry run. */
  readonly writes: StateWrites;
  readonly log: Logger;
  readonly clock: { now(): Date };
}

export async function checkKeyField(
  store: StateStore,
  scope: Scope,
  crm: Pick<CrmAccount, 'kind' | 'inspectKeyField'> & { readonly keyProperty: string },
  account: AccountIdentity | null,
  o: KeyFieldCheckOptions,
): Promise<void> {
  const subject = { crm: crm.kind, field: crm.keyProperty, account: account?.id ?? null };
  const remembered = await store.getMeta(scope, KEY_FIELD_META);
  if (remembered !== null && sameSubject(remembered, subject)) return;

  const report = await crm.inspectKeyField(KEY_SAMPLE_SIZE);
  const problems = [...report.problems];
  const foreign = report.sample.filter((v) => !looksLikePropstreetId(v));
  if (problems.length === 0 && foreign.length > 0)
    problems.push(
      `it already holds values that are not Propstreet ids (${foreign.length} of ${report.sample.length} sampled: ${kindsOf(foreign)}), so it is someone's data`,
    );
  if (problems.length > 0)
    throw new PropsyncError(
      'SETUP_REQUIRED',
      `${crm.kind} key ${report.field} cannot hold Propstreet ids: ${problems.join('; ')}. Nothing was written.\n${report.fix}`,
    );
  o.log.info({ field: report.field, sampled: report.sample.length }, 'key field checked');
  await o.writes.setMeta(
    scope,
    KEY_FIELD_META,
    JSON.stringify({ ...subject, checkedAt: o.clock.now().toISOString() }),
  );
}

function sameSubject(remembered: string, subject: { crm: string; field: string; account: string | null }) {
  try {
    const r = JSON.parse(remembered) as Record<string, unknown>;
    return r.crm === subject.crm && r.field === subject.field && r.account === subject.account;
  } catch {
    return false;
  }
}

/** What kind of values they are, without printing anyone's data. */
function kindsOf(values: readonly string[]): string {
  const kinds = new Set<string>();
  for (const v of values) {
    if (v.includes('@')) kinds.add('email addresses');
    else if (/^[a-z]+:\/\/|^www\.|\.[a-z]{2,}(\/|$)/i.test(v)) kinds.add('web addresses');
    else if (/^\+?[\d\s().-]{6,}$/.test(v)) kinds.add('phone numbers');
    else if (/\s/.test(v)) kinds.add('text with spaces');
    else kinds.add('other text');
  }
  return [...kinds].join(', ');
}
