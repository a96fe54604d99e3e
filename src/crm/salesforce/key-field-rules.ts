/**
 * When a field of the sObject (Contact, Account) may be the key that holds Propstreet ids: a
 * custom Text field, External ID and Unique (the describe flags `custom`, `type`, `externalId`,
 * `unique`). A standard field (`Email`, `Phone`, `Name`, `Id`…) holds the org's data; writing
 * Propstreet ids into it destroys that data. Shared by `validate --check` (setup-check.ts) and the
 * run's preflight.
 */
import type { SObjectName } from './sobject.js';

export function keyFieldInstructions(field: string, object: SObjectName = 'Contact'): string {
  const label = field.replace(/__c$/, '').replace(/_/g, ' ');
  return [
    `Create the External ID field ${field} on ${object} (the API cannot create fields):`,
    `1. In Salesforce, open Setup (gear icon) → Object Manager → ${object} → Fields & Relationships → New.`,
    '2. Data type: Text. Next.',
    `3. Field Label "${label}", Length 255, Field Name "${field.replace(/__c$/, '')}" (the API name becomes ${field}).`,
    '4. Tick "Unique" (treat "ABC" and "abc" as duplicate values) and "External ID". Next.',
    '5. Field-level security: make it visible and editable for the integration user’s profile. Next, Save.',
    '6. Run `propsync validate <config> --check` again.',
  ].join('\n');
}

export interface DescribeField {
  readonly name: string;
  readonly type?: string;
  readonly externalId?: boolean;
  readonly unique?: boolean;
  readonly custom?: boolean;
  /** Whether this user may set the field on an update (field-level security, formula and system fields). */
  readonly updateable?: boolean;
}

const DEFAULT_FIELD = 'Propstreet_Id__c';

/** Why this field cannot be the key (empty: it can). `field` undefined = the object has no such field. */
export function keyFieldProblems(
  name: string,
  field: DescribeField | undefined,
  object: SObjectName = 'Contact',
): string[] {
  if (!field) return [`${object} has no field ${name}`];
  const problems: string[] = [];
  const records = object === 'Account' ? 'accounts' : 'contacts';
  if (field.custom !== true || !/__c$/i.test(field.name))
    problems.push(
      `${object}.${field.name} is a standard field: it holds your ${records}' data, which Propstreet ids would overwrite`,
    );
  if (field.type !== 'string')
    problems.push(`${object}.${field.name} is of type ${field.type ?? 'unknown'}, not Text`);
  if (field.externalId !== true) problems.push(`${object}.${field.name} is not an External ID`);
  if (field.unique !== true) problems.push(`${object}.${field.name} is not Unique`);
  return problems;
}

export function keyFieldFix(name: string, object: SObjectName = 'Contact'): string {
  const custom = /__c$/i.test(name);
  return custom
    ? keyFieldInstructions(name, object)
    : `Set externalIdField to a field that only propsync writes (the default is ${DEFAULT_FIELD}).\n${keyFieldInstructions(DEFAULT_FIELD, object)}`;
}
