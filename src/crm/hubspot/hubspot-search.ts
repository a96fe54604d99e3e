/** One CRM search request through the transport (its own 5/s bucket, no rate-limit headers). */

import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts/index.js';
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
  /** Further groups, OR'd with `filters` (HubSpot: ≤ 5 groups, ≤ 10 filters a group, ≤ 25 in all). */
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

export async function searchObjects(
  transport: HubSpotTransport,
  object: HubSpotObject,
  request: SearchRequest,
): Promise<SearchPage> {
  const group = (filters: readonly SearchFilter[]) => ({
    filters: filters.map((f) => ({
      propertyName: f.propertyName,
      operator: operatorOf(f.operator),
      ...(f.value === undefined ? {} : { value: f.value }),
      ...(f.values === undefined ? {} : { values: [...f.values] }),
    })),
  });
  const body = {
    filterGroups: [request.filters, ...(request.orGroups ?? [])].map(group),
    // The SDK types sorts as string[], but HubSpot wants objects; they pass through untouched.
    ...(request.sort ? { sorts: [request.sort] as unknown as string[] } : {}),
    properties: [...request.properties],
    limit: request.limit,
    ...(request.after === undefined ? {} : { after: request.after }),
  };
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
