/**
 * CrmAssociations for HubSpot: contact ↔ company associations through the v4 batch endpoints
 * (`/crm/v4/associations/{from}/{to}/batch/read|create|archive`). Only HubSpot-defined types:
 * contact→company 279 (unlabeled) and 1 (Primary company); from companies, 280 and 2. HubSpot
 * lists the unlabeled type with every association, so it is sent with a primary one too.
 * Reads take 1,000 ids a call (HubSpot's limit since February 2025) and follow each record's
 * own paging; writes 100 a call, a batch HubSpot refuses as a whole split until the culprit
 * stands alone.
 */
import type { PropsyncError } from '../../core/errors.js';
import type { AssociationResult, CrmAssociation, CrmAssociations } from '../associations.js';
import type { WriteError } from '../port.js';
import { sendIsolating } from './batch-isolation.js';
import { type HubSpotConnectionOptions, hubSpotTransport } from './hubspot-connection.js';
import type { HubSpotObjectType } from './hubspot-object.js';
import { chunk } from './hubspot-records.js';
import { sdkAssociationsV4 } from './hubspot-sdk.js';
import type { HubSpotTransport } from './hubspot-transport.js';
import { toWriteError, writeErrorOf } from './hubspot-write-errors.js';

export interface HubSpotAssociationsOptions extends HubSpotConnectionOptions {
  /** The side links are read from (default `contacts`, towards `companies`). */
  readonly from?: HubSpotObjectType;
}

/** HubSpot-defined association type ids (associations v4), by the side they are read from. */
const HUBSPOT_ASSOCIATION_TYPES: Readonly<
  Record<HubSpotObjectType, { readonly unlabeled: number; readonly primary: number }>
> = {
  contacts: { unlabeled: 279, primary: 1 },
  companies: { unlabeled: 280, primary: 2 },
};

const READ_BATCH = 1_000;
const WRITE_BATCH = 100;

interface Item {
  readonly index: number;
  readonly link: CrmAssociation;
}

interface BatchError {
  category?: string;
  message: string;
  context?: Record<string, string[]>;
}

const pairKey = (fromId: string, toId: string): string => `${fromId}→${toId}`;

export function createHubSpotAssociations(options: HubSpotAssociationsOptions): CrmAssociations {
  const from = options.from ?? 'contacts';
  const to: HubSpotObjectType = from === 'contacts' ? 'companies' : 'contacts';
  const transport = hubSpotTransport(options);
  const types = HUBSPOT_ASSOCIATION_TYPES[from];
  const path = (op: string) => `/crm/v4/associations/${from}/${to}/batch/${op}`;
  const api = () => transport.client.crm.associations.v4.batchApi;

  async function read(fromIds: readonly string[]): Promise<CrmAssociation[]> {
    const out: CrmAssociation[] = [];
    for (const part of chunk([...new Set(fromIds)], READ_BATCH)) {
      let inputs: { id: string; after?: string }[] = part.map((id) => ({ id }));
      while (inputs.length > 0) {
        const batch = inputs;
        const { data } = await transport.call({
          kind: 'read',
          method: 'POST',
          path: path('read'),
          idempotent: true,
          send: (o) => api().getPageWithHttpInfo(from, to, { inputs: batch }, o),
        });
        // Ids without associations come back as per-id errors: the port leaves them out.
        inputs = [];
        for (const r of data.results) {
          const fromId = String(r._from.id);
          for (const t of r.to) {
            const typeIds = t.associationTypes.map((a) => a.typeId);
            out.push({ fromId, toId: String(t.toObjectId), primary: typeIds.includes(types.primary) });
          }
          const after = r.paging?.next?.after;
          if (after) inputs.push({ id: fromId, after });
        }
      }
    }
    return out;
  }

  async function associate(links: readonly CrmAssociation[]): Promise<AssociationResult[]> {
    const results: (AssociationResult | undefined)[] = new Array(links.length);
    const items = links.map((link, index) => ({ index, link }));
    for (const part of chunk(items, WRITE_BATCH))
      await sendIsolating(part, {
        attempt: (batch) => sendCreate(transport, path('create'), from, to, types, batch, results),
        blame: async () => [],
        fail: (item, e) => {
          results[item.index] = failed(e);
        },
      });
    return Array.from(
      results,
      (r) =>
        r ?? {
          ok: false,
          error: {
            code: 'unknown',
            message: 'HubSpot returned neither a result nor an error for this association',
            retryable: true,
          },
        },
    );
  }

  async function dissociate(
    links: readonly Pick<CrmAssociation, 'fromId' | 'toId'>[],
  ): Promise<AssociationResult[]> {
    const results: AssociationResult[] = links.map(() => ({ ok: true }));
    const items = links.map((link, index) => ({ index, link: { ...link, primary: false } }));
    for (const part of chunk(items, WRITE_BATCH))
      await sendIsolating(part, {
        attempt: async (batch) => {
          const byFrom = new Map<string, string[]>();
          for (const { link } of batch)
            byFrom.set(link.fromId, [...(byFrom.get(link.fromId) ?? []), link.toId]);
          const inputs = [...byFrom].map(([id, toIds]) => ({
            _from: { id },
            to: toIds.map((t) => ({ id: t })),
          }));
          await transport.call({
            kind: 'archive',
            method: 'POST',
            path: path('archive'),
            idempotent: true,
            send: (o) => api().archiveWithHttpInfo(from, to, { inputs }, o),
          });
        },
        blame: async () => [],
        fail: (item, e) => {
          results[item.index] = failed(e);
        },
      });
    return results;
  }

  return { from, to, read, associate, dissociate, usage: () => transport.usage() };
}

function failed(e: PropsyncError): AssociationResult {
  return { ok: false, error: writeErrorOf(e) };
}

/** One create call; results and 207 errors are matched to inputs by their (from, to) pair. */
async function sendCreate(
  transport: HubSpotTransport,
  path: string,
  from: HubSpotObjectType,
  to: HubSpotObjectType,
  types: { readonly unlabeled: number; readonly primary: number },
  batch: Item[],
  results: (AssociationResult | undefined)[],
): Promise<void> {
  const category = sdkAssociationsV4().AssociationSpecAssociationCategoryEnum.HubspotDefined;
  const spec = (associationTypeId: number) => ({
    associationCategory: category,
    associationTypeId,
  });
  const inputs = batch.map(({ link }) => ({
    _from: { id: link.fromId },
    to: { id: link.toId },
    types: [spec(types.unlabeled), ...(link.primary ? [spec(types.primary)] : [])],
  }));
  const { data } = await transport.call<{
    results: { fromObjectId: unknown; toObjectId: unknown }[];
    errors?: BatchError[];
  }>({
    kind: 'write',
    method: 'POST',
    path,
    // Creating an association that exists changes nothing: a repeat is safe.
    idempotent: true,
    send: (o) => transport.client.crm.associations.v4.batchApi.createWithHttpInfo(from, to, { inputs }, o),
  });
  const byPair = new Map(batch.map((item) => [pairKey(item.link.fromId, item.link.toId), item]));
  for (const r of data.results) {
    const item = byPair.get(pairKey(String(r.fromObjectId), String(r.toObjectId)));
    if (item) results[item.index] = { ok: true };
  }
  let unplaced: WriteError | undefined;
  for (const err of data.errors ?? []) {
    const error = toWriteError(err.category, err.message, err);
    const fromIds = err.context?.fromObjectId ?? [];
    const toIds = err.context?.toObjectId ?? [];
    const named = batch.filter(
      ({ link }) => fromIds.includes(link.fromId) && (toIds.length === 0 || toIds.includes(link.toId)),
    );
    for (const item of named) if (!results[item.index]) results[item.index] = { ok: false, error };
    if (named.length === 0) unplaced = error;
  }
  // An error HubSpot did not tie to an input belongs to the inputs that got no result.
  if (unplaced) for (const item of batch) results[item.index] ??= { ok: false, error: unplaced };
}
