/**
 * Writing records of one sObject (Contact, Account) through sObject Collections, 200 records a
 * call, `allOrNone: false`, results in input order. Inputs Salesforce would reject for sure (no
 * required field on an upsert: Contact LastName, Account Name; a cleared required field, a
 * malformed id, a repeated key) are answered here without a call.
 *
 * When a call fails as a whole: if it was the operation's first call the error is thrown; after
 * that, earlier calls have been applied, so their results are returned and the failure is
 * reported on each record of the failed and remaining calls instead of being thrown away.
 *
 * Creates and updates carry `Sforce-Duplicate-Rule-Header: allowSave=true` unless duplicate
 * rules are to be respected: real orgs have the standard Contact and Account rules on (Allow with
 * Alert on create), and through the API an alert is an error unless the request saves past it.
 */
import { PayloadError, PropsyncError } from '../../core/errors.js';
import type { UpdateInput, UpsertInput, WriteError, WriteResult } from '../port.js';
import type { SalesforceClient } from './salesforce-client.js';
import { callFailureToWriteError, type SalesforceSaveError, toWriteError } from './salesforce-errors.js';
import type { SObjectDescriptor } from './sobject.js';
import { isSalesforceId } from './soql.js';

export const COLLECTION_SIZE = 200;

interface SaveResultLike {
  readonly id?: string | null | undefined;
  readonly success: boolean;
  readonly created?: boolean | undefined;
  readonly errors?: readonly SalesforceSaveError[] | undefined;
}

type Fields = Record<string, string | null>;
interface Pending {
  readonly index: number;
  readonly record: Fields;
}

function fail(code: WriteError['code'], crmCode: string, message: string, fields?: string[]): WriteResult {
  return { ok: false, error: { code, crmCode, message, retryable: false, ...(fields ? { fields } : {}) } };
}

function toResult(
  r: SaveResultLike | undefined,
  object: SObjectDescriptor,
  fallbackId?: string,
): WriteResult {
  if (!r) throw new PayloadError('Salesforce returned fewer results than records sent', '[]');
  if (r.success) return { ok: true, id: r.id ?? fallbackId ?? '', created: r.created === true };
  return { ok: false, error: toWriteError(r.errors, object) };
}

function blank(value: string | null | undefined): boolean {
  return value === undefined || value === null || value.trim() === '';
}

/** Salesforce's header (REST API "Duplicate Rule Header", API 52.0+): save past rule alerts. */
const ALLOW_SAVE = { 'Sforce-Duplicate-Rule-Header': 'allowSave=true' } as const;

export class SObjectWriter {
  /** Headers for creates and updates (the duplicate rule header, or none). */
  private readonly saveHeaders: Readonly<Record<string, string>>;

  constructor(
    private readonly client: SalesforceClient,
    private readonly object: SObjectDescriptor,
    private readonly externalIdField: string,
    duplicateRules: 'allow' | 'respect' = 'allow',
  ) {
    this.saveHeaders = duplicateRules === 'allow' ? ALLOW_SAVE : {};
  }

  private missingRequired(): WriteResult {
    const f = this.object.requiredField;
    return fail('required-missing', 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${f}]`, [f]);
  }

  async upsertByKey(inputs: readonly UpsertInput[]): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(inputs.length);
    const pending: Pending[] = [];
    const seen = new Set<string>();
    inputs.forEach((input, index) => {
      const key = input.key.trim();
      if (key === '')
        results[index] = fail('invalid', 'MISSING_ARGUMENT', `${this.externalIdField} is empty`);
      else if (seen.has(key.toLowerCase())) {
        results[index] = fail('duplicate', 'DUPLICATE_EXTERNAL_ID', `key ${key} appears twice in one upsert`);
      } else if (blank(input.properties[this.object.requiredField])) {
        results[index] = this.missingRequired();
      } else pending.push({ index, record: { ...input.properties, [this.externalIdField]: key } });
      seen.add(key.toLowerCase());
    });
    const path = `/composite/sobjects/${this.object.name}/${this.externalIdField}`;
    await this.inChunks(pending, results, async (chunk) => {
      const res = await this.client.call('write', { method: 'PATCH', path }, true, () =>
        this.client.conn
          .sobject(this.object.name)
          .upsert(chunk, this.externalIdField, { allOrNone: false, headers: { ...this.saveHeaders } }),
      );
      return chunk.map((_, j) => toResult(res[j], this.object));
    });
    return results;
  }

  async update(inputs: readonly UpdateInput[]): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(inputs.length);
    const batch: Pending[] = [];
    inputs.forEach((input, index) => {
      const required = this.object.requiredField;
      if (!isSalesforceId(input.id))
        results[index] = fail('not-found', 'MALFORMED_ID', `not a ${this.object.name} id: ${input.id}`);
      else if (required in input.properties && blank(input.properties[required])) {
        results[index] = this.missingRequired();
      } else batch.push({ index, record: { ...input.properties, Id: input.id } });
    });
    await this.inChunks(batch, results, async (chunk) => {
      const res = await this.client.call(
        'write',
        { method: 'PATCH', path: '/composite/sobjects' },
        true,
        () =>
          this.client.conn.sobject(this.object.name).update(
            chunk.map((r) => ({ ...r, Id: r.Id as string })),
            { allOrNone: false, headers: { ...this.saveHeaders } },
          ),
      );
      return chunk.map((r, j) => toResult(res[j], this.object, r.Id ?? undefined));
    });
    return results;
  }

  async delete(ids: readonly string[]): Promise<WriteResult[]> {
    const results: WriteResult[] = new Array(ids.length);
    const pending: Pending[] = [];
    ids.forEach((id, index) => {
      if (isSalesforceId(id)) pending.push({ index, record: { Id: id } });
      else results[index] = fail('not-found', 'MALFORMED_ID', `not a ${this.object.name} id: ${id}`);
    });
    await this.inChunks(pending, results, async (chunk) => {
      const chunkIds = chunk.map((r) => r.Id as string);
      // DELETE is idempotent in effect: a repeat reports ENTITY_IS_DELETED, it deletes nothing else.
      const res = await this.client.call(
        'write',
        { method: 'DELETE', path: '/composite/sobjects' },
        true,
        () => this.client.conn.sobject(this.object.name).destroy(chunkIds, { allOrNone: false }),
      );
      return chunk.map((r, j) => toResult(res[j], this.object, r.Id ?? undefined));
    });
    return results;
  }

  private async inChunks(
    pending: readonly Pending[],
    results: WriteResult[],
    send: (chunk: Fields[]) => Promise<WriteResult[]>,
  ): Promise<void> {
    for (let start = 0; start < pending.length; start += COLLECTION_SIZE) {
      const chunk = pending.slice(start, start + COLLECTION_SIZE);
      try {
        const out = await send(chunk.map((p) => p.record));
        chunk.forEach((p, j) => {
          results[p.index] = out[j] as WriteResult;
        });
      } catch (e) {
        if (!(e instanceof PropsyncError) || start === 0) throw e;
        const error = callFailureToWriteError(e);
        for (const p of pending.slice(start)) results[p.index] = { ok: false, error };
        return;
      }
    }
  }
}
