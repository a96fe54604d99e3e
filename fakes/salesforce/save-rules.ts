/**
 * Salesforce's save-time rules, in the order the platform applies them: field access, required
 * fields, lengths and formats, lookups, then the unique external id index, then duplicate rules.
 * Each failure is a per-record error `{statusCode, message, fields}` as collections return it.
 */
import type { SObjectSchema } from './sobject-schema.js';
import type { FieldValue, SObjectRow } from './soql-eval.js';

export interface RecordError {
  readonly statusCode: string;
  readonly message: string;
  readonly fields: readonly string[];
  readonly duplicateResult?: unknown;
}

/** A request-level failure (HTTP 4xx with `[{errorCode, message}]`), not a per-record one. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields: readonly string[] = [],
  ) {
    super(message);
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Turns a JSON body into field values. Unknown fields fail the whole request (Salesforce cannot
 * deserialise them); read-only ones fail only this record.
 */
export function normaliseInput(
  schema: SObjectSchema,
  input: Readonly<Record<string, unknown>>,
  mode: 'create' | 'update',
): { values: Record<string, FieldValue>; errors: RecordError[] } {
  const values: Record<string, FieldValue> = {};
  const readOnly: string[] = [];
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes' || key === 'Id' || key === 'id') continue;
    const def = schema.resolve(key);
    if (!def)
      throw new RequestError(
        400,
        'INVALID_FIELD',
        `No such column '${key}' on sobject of type ${schema.objectName}`,
      );
    if (raw !== null && typeof raw === 'object') {
      throw new RequestError(
        400,
        'JSON_PARSER_ERROR',
        `Cannot deserialize instance of ${def.type} from START_OBJECT value for field ${def.name}`,
      );
    }
    if (mode === 'create' ? !def.createable : !def.updateable) {
      readOnly.push(def.name);
      continue;
    }
    if (raw === null || raw === undefined) values[def.name] = null;
    else if (def.type === 'boolean') values[def.name] = raw === true || String(raw).toLowerCase() === 'true';
    else values[def.name] = String(raw);
  }
  const errors: RecordError[] = readOnly.length
    ? [
        {
          statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          fields: readOnly,
        },
      ]
    : [];
  return { values, errors };
}

/** Required, length and format rules on the record as it would be saved. */
export function fieldErrors(
  schema: SObjectSchema,
  row: Readonly<SObjectRow>,
  changed: Readonly<Record<string, FieldValue>>,
): RecordError[] {
  const missing = schema.required.filter((f) => row[f] === null || row[f] === undefined || row[f] === '');
  if (missing.length > 0) {
    return [
      {
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: `Required fields are missing: [${missing.join(', ')}]`,
        fields: missing,
      },
    ];
  }
  const errors: RecordError[] = [];
  for (const [name, value] of Object.entries(changed)) {
    const def = schema.resolve(name);
    if (!def || typeof value !== 'string') continue;
    if (def.length > 0 && value.length > def.length) {
      errors.push({
        statusCode: 'STRING_TOO_LONG',
        message: `${def.label}: data value too large: ${value.slice(0, 40)}… (max length=${def.length})`,
        fields: [def.name],
      });
    } else if (def.type === 'email' && value !== '' && !EMAIL.test(value)) {
      errors.push({
        statusCode: 'INVALID_EMAIL_ADDRESS',
        message: `${def.label}: invalid email address: ${value}`,
        fields: [def.name],
      });
    }
  }
  return errors;
}

export function duplicateValueError(field: string, otherId: string): RecordError {
  return {
    statusCode: 'DUPLICATE_VALUE',
    message: `duplicate value found: ${field} duplicates value on record with id: ${otherId}`,
    fields: [],
  };
}
