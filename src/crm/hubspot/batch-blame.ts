/**
 * Which inputs a whole-batch failure is about. A property that does not exist condemns every
 * input that sets it; a value error that quotes exactly one input's value condemns that one;
 * "Contact already exists. Existing ID: N" is traced by reading N's email (the property HubSpot
 * keeps unique for the object; companies have none). Anything else is left to splitting the batch.
 */
import type { PropsyncError } from '../../core/errors.js';
import type { WriteError } from '../port.js';
import { existingIdOf, propertyIssues, responseInfo } from './hubspot-error-body.js';
import { type HubSpotObject, objectPath } from './hubspot-object.js';
import type { HubSpotTransport } from './hubspot-transport.js';
import { writeErrorOf } from './hubspot-write-errors.js';

export interface Item {
  readonly index: number;
  /** The key value (upsert) or record id (update, archive). */
  readonly id: string;
  readonly properties: Record<string, string>;
}

/** Issue codes that condemn every input that sets the property, whatever its value. */
const PROPERTY_LEVEL = new Set(['PROPERTY_DOESNT_EXIST', 'READ_ONLY_VALUE', 'INVALID_ID_PROPERTY']);

/** `text` names `value` as a whole word (so "L7" is not found in "L70"). */
function mentions(text: string, value: string): boolean {
  let from = text.indexOf(value);
  while (from >= 0) {
    const before = text[from - 1] ?? ' ';
    const after = text[from + value.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = text.indexOf(value, from + 1);
  }
  return false;
}

export class BatchBlame {
  constructor(
    private readonly transport: HubSpotTransport,
    private readonly object: HubSpotObject,
    private readonly keyProperty: string,
  ) {}

  async blame(error: PropsyncError, batch: Item[]): Promise<Item[]> {
    const info = responseInfo(error);
    if (error.code === 'VALIDATION') {
      const issues = propertyIssues(info?.body);
      const byProperty = issues.filter((i) => PROPERTY_LEVEL.has(i.error));
      if (byProperty.length > 0)
        return batch.filter((item) => byProperty.some((i) => i.name in item.properties));
      // A value error names the value in its message; trust it only when it points at one input.
      const hits = batch.filter((item) =>
        issues.some((i) => {
          const v = item.properties[i.name];
          return v !== undefined && v !== '' && mentions(i.message, v);
        }),
      );
      return hits.length === 1 ? hits : [];
    }
    if (error.code === 'CONFLICT') return this.blameDuplicate(info?.body?.message, batch);
    return [];
  }

  /** "Contact already exists. Existing ID: N": find which input carries N's email. */
  private async blameDuplicate(message: string | undefined, batch: Item[]): Promise<Item[]> {
    const existingId = existingIdOf(message);
    const unique = this.object.uniqueProperty;
    if (!existingId || !unique || !batch.some((i) => i.properties[unique])) return [];
    const { transport, object, keyProperty } = this;
    const { data } = await transport.call({
      kind: 'read',
      method: 'POST',
      path: objectPath(object, '/batch/read'),
      idempotent: true,
      send: (o) =>
        object
          .apis(transport.client)
          .batchApi.readWithHttpInfo(
            { inputs: [{ id: existingId }], properties: [unique, keyProperty], propertiesWithHistory: [] },
            undefined,
            o,
          ),
    });
    const owner = data.results[0];
    const value = owner?.properties[unique]?.toLowerCase();
    if (!owner || !value) return [];
    const ownerKey = owner.properties[keyProperty];
    return batch.filter(
      (i) => i.properties[unique]?.toLowerCase() === value && i.id !== ownerKey && i.id !== owner.id,
    );
  }

  /** The whole-batch error as it applies to one input. */
  pinned(error: PropsyncError, item: Item): WriteError {
    const base = writeErrorOf(error);
    if (base.code !== 'invalid') return base;
    const issues = propertyIssues(responseInfo(error)?.body).filter((i) => i.name in item.properties);
    if (issues.length === 0) return base;
    return { ...base, message: issues.map((i) => i.message).join('; '), fields: issues.map((i) => i.name) };
  }
}
