/** One CRM search request through the transport (its own 5/s bucket, no rate-limit headers). */

import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
import { PropsyncError } from '../../core/errors.js';
import { type HubSpotObject, objectPath } from './hubspot-object.js';
import { checkObjects } from './hubspot-payload.js';
import type { SdkObject } from './hubspot-records.js';
import { sdkContacts } from './hubspot-sdk.js';
import type { HubSpotTransport } from './hubspot-transport.js';

export type Operator = 'EQ' | 'GT' | 'GTE' | 'IN' | 'NOT_IN' | 'HAS_PROPERTY';

let operators: Record<Operator, FilterOperatorEnum> | undefined;

/** The SDK's operator for `op`: its enum is read at the first search, when the SDK loads. */
function operatorOf(op: Operator): FilterOperatorEnum {
  if (!operators) {
    const { FilterOperatorEnum: F } = sdkContacts();
    operators = { EQ: F.Eq, GT: F.Gt, GTE: F.Gte, IN: F.In, NOT_IN: F.NotIn, HAS_PROPERTY: F.HasProperty };
  }
  return operators[op];
}

export interface SearchFilter {
  readonly propertyName: string;
  readonly operator: Operator;
  readonly value?: string;
  readonly values?: readonly string[];
}

export interface SearchRequest {
  /** One group of filters, all of which must hold. */
  readonly filters: readonly SearchFilter[];
  /** Further groups, OR'd with `filters` (HubSpot: ≤ 5 groups, ≤ 6 filters a group, ≤ 18 in all). */
  readonly orGroups?: readonly (readonly SearchFilter[])[];
  readonly sort?: { readonly propertyName: string; readonly direction: 'ASCENDING' | 'DESCENDING' };
  readonly properties: readonly string[];
  readonly limit: number;
  readonly after?: string | undefined;
}

export interface SearchPage {
  readonly results: SdkObject[];
  readonly total: number;
  readonly nextAfter: string | undefined;
}

/**
 * "A query can contain a maximum of 3,000 characters. If the body of your request exceeds 3,000
 * characters, a 400 error will be returned" (the search guide's Limits, 2026): every id or value
 * list a search carries is sized against it, not only counted.
 */
export const SEARCH_BODY_MAX = 3_000;

/** Filters one group may hold (the same Limits: 6 a group, 18 in all, 5 groups). */
export const GROUP_FILTERS = 6;

/** Values an `IN` / `NOT_IN` filter may list (HubSpot: 100). */
const LIST_VALUES = 100;

function bodyOf<O extends string>(request: SearchRequest, operator: (op: Operator) => O) {
  const group = (filters: readonly SearchFilter[]) => ({
    filters: filters.map((f) => ({
      propertyName: f.propertyName,
      operator: operator(f.operator),
      ...(f.value === undefined ? {} : { value: f.value }),
      ...(f.values === undefined ? {} : { values: [...f.values] }),
    })),
  });
  return {
    filterGroups: [request.filters, ...(request.orGroups ?? [])].map(group),
    // The SDK types sorts as string[], but HubSpot wants objects; they pass through untouched.
    ...(request.sort ? { sorts: [request.sort] as unknown as string[] } : {}),
    properties: [...request.properties],
    limit: request.limit,
    ...(request.after === undefined ? {} : { after: request.after }),
  };
}

/**
 * The characters of the body the SDK sends for `request` (it serialises these keys, undefined ones
 * left out, as JSON without spaces; the search fake measures what arrives, so a test catches any
 * difference).
 */
export function searchBodyLength(request: SearchRequest): number {
  return JSON.stringify(bodyOf(request, (op) => op)).length;
}

/**
 * How many of `values`, from `from` on, one `IN` / `NOT_IN` list takes within `chars` more
 * characters of body and HubSpot's 100 values, and the characters they add (each value's JSON and
 * a comma: the first has none before it, so the count errs on the safe side).
 */
export function valuesWithin(
  values: readonly string[],
  from: number,
  chars: number,
): { readonly n: number; readonly used: number } {
  let n = 0;
  let used = 0;
  for (const v of values.slice(from, from + LIST_VALUES)) {
    const cost = JSON.stringify(v).length + 1;
    if (used + cost > chars) break;
    used += cost;
    n++;
  }
  return { n, used };
}

export async function searchObjects(
  transport: HubSpotTransport,
  object: HubSpotObject,
  request: SearchRequest,
): Promise<SearchPage> {
  const chars = searchBodyLength(request);
  // Refused here with the reason rather than sent for HubSpot's bare 400.
  if (chars > SEARCH_BODY_MAX)
    throw new PropsyncError(
      'MAPPING_INVALID',
      `A HubSpot ${object.objectType} search would be ${chars} characters, over HubSpot's ${SEARCH_BODY_MAX}: ` +
        `it reads ${request.properties.length} properties (${request.properties.join(', ').slice(0, 200)}); map fewer`,
    );
  const body = bodyOf(request, operatorOf);
  const path = objectPath(object, '/search');
  const { data } = await transport.call({
    kind: 'search',
    method: 'POST',
    path,
    idempotent: true,
    send: (o) => object.apis(transport.client).searchApi.doSearchWithHttpInfo(body, o),
  });
  const results = checkObjects<SdkObject>(data.results, 'POST', path);
  return { results, total: data.total, nextAfter: data.paging?.next?.after };
}
