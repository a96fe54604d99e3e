/**
 * Associations v4 between contacts and companies, batch endpoints only
 * (`/crm/v4/associations/{from}/{to}/batch/{read|create|archive}`): read 200 (207 when some
 * ids have none), create 201 (207 when some inputs fail), archive 204, as the SDK 13.5.0
 * expects. Object types by name (`contacts`, `contact`) or id (`0-1`, `0-2`).
 */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { type AssociationStore, allowedTypes, typeLabel } from './association-store.js';
import { badRequest, errorBody } from './fake-errors.js';
import type { FakeObjectType } from './object-schema.js';
import type { ObjectStore } from './object-store.js';
import { isRecord } from './wire.js';

const PATH = /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/(read|create|archive)$/;
const TYPE_NAMES: Readonly<Record<string, FakeObjectType>> = {
  contacts: 'contacts',
  contact: 'contacts',
  '0-1': 'contacts',
  companies: 'companies',
  company: 'companies',
  '0-2': 'companies',
};
const TYPE_IDS: Readonly<Record<FakeObjectType, string>> = { contacts: '0-1', companies: '0-2' };
/** Inputs per batch read: 1,000 (changelog "Batch Read Limit for HubSpot Associations API"). */
const READ_LIMIT = 1_000;
/** Inputs per batch create/archive: a guess (no vendor page found). */
const WRITE_LIMIT = 2_000;
/** Associated records per `from` id and page: a guess. */
const ASSOCIATION_PAGE = 500;

export interface AssociationRoute {
  readonly from: FakeObjectType;
  readonly write: boolean;
  readonly run: () => FakeResponse;
}

export function associationRoute(
  associations: AssociationStore,
  objects: Readonly<Record<FakeObjectType, ObjectStore>>,
  req: FakeRequest,
): AssociationRoute | undefined {
  const m = PATH.exec(req.path);
  const from = TYPE_NAMES[m?.[1] ?? ''];
  const to = TYPE_NAMES[m?.[2] ?? ''];
  if (!m || req.method !== 'POST' || !from || !to || from === to) return undefined;
  const pair = { associations, from, to, fromStore: objects[from], toStore: objects[to] };
  if (m[3] === 'read') return { from, write: false, run: () => batchRead(pair, req.body) };
  if (m[3] === 'create') return { from, write: true, run: () => batchCreate(pair, req.body) };
  return { from, write: true, run: () => batchArchive(pair, req.body) };
}

interface Pair {
  readonly associations: AssociationStore;
  readonly from: FakeObjectType;
  readonly to: FakeObjectType;
  readonly fromStore: ObjectStore;
  readonly toStore: ObjectStore;
}

function inputsOf(body: unknown, limit: number): unknown[] | FakeResponse {
  if (!isRecord(body) || !Array.isArray(body.inputs)) return badRequest('Request body needs an inputs array');
  if (body.inputs.length > limit)
    return badRequest(`Too many inputs (${body.inputs.length}); a batch takes at most ${limit}.`);
  return body.inputs;
}

const idOf = (v: unknown): string | undefined =>
  isRecord(v) && (typeof v.id === 'string' || typeof v.id === 'number') ? String(v.id) : undefined;

function batchAnswer(status: number, results: unknown[], errors: unknown[]): FakeResponse {
  const now = new Date().toISOString();
  return {
    status: errors.length > 0 ? 207 : status,
    body: {
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      startedAt: now,
      completedAt: now,
    },
  };
}

function cursor(offset: number): string {
  return Buffer.from(`a:${offset}`).toString('base64url');
}

function offsetOf(after: unknown): number {
  if (typeof after !== 'string') return 0;
  const text = Buffer.from(after, 'base64url').toString('utf8');
  return text.startsWith('a:') ? Number(text.slice(2)) || 0 : 0;
}

function batchRead(p: Pair, body: unknown): FakeResponse {
  const inputs = inputsOf(body, READ_LIMIT);
  if (!Array.isArray(inputs)) return inputs;
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const [i, input] of inputs.entries()) {
    const id = idOf(input);
    if (id === undefined) return badRequest(`inputs[${i}].id is required`);
    const live = p.fromStore.getLive(id)
      ? p.associations.associated(p.from, id).filter((a) => p.toStore.getLive(a.toId))
      : [];
    if (live.length === 0) {
      // HubSpot's 207 error for an id without associations, as captured answers show it (H52).
      errors.push(
        errorBody(
          'OBJECT_NOT_FOUND',
          `No ${p.toStore.schema.noun} is associated with ${p.fromStore.schema.noun} ${id}.`,
          {
            subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
            context: {
              fromObjectId: [id],
              fromObjectType: [p.fromStore.schema.noun],
              toObjectType: [p.toStore.schema.noun],
            },
          },
        ),
      );
      continue;
    }
    const start = offsetOf(isRecord(input) ? input.after : undefined);
    const page = live.slice(start, start + ASSOCIATION_PAGE);
    const next = start + ASSOCIATION_PAGE < live.length ? cursor(start + ASSOCIATION_PAGE) : undefined;
    results.push({
      from: { id },
      to: page.map((a) => ({
        toObjectId: a.toId,
        associationTypes: a.typeIds.map((typeId) => ({
          category: 'HUBSPOT_DEFINED',
          typeId,
          label: typeLabel(typeId),
        })),
      })),
      ...(next ? { paging: { next: { after: next, link: '' } } } : {}),
    });
  }
  return batchAnswer(200, results, errors);
}

function batchCreate(p: Pair, body: unknown): FakeResponse {
  const inputs = inputsOf(body, WRITE_LIMIT);
  if (!Array.isArray(inputs)) return inputs;
  const allowed = allowedTypes(p.from);
  const planned: { fromId: string; toId: string; typeIds: number[] }[] = [];
  for (const [i, input] of inputs.entries()) {
    const fromId = idOf(isRecord(input) ? input.from : undefined);
    const toId = idOf(isRecord(input) ? input.to : undefined);
    const types = isRecord(input) && Array.isArray(input.types) ? input.types : undefined;
    if (fromId === undefined || toId === undefined || !types)
      return badRequest(`inputs[${i}] needs from.id, to.id and types`);
    const typeIds: number[] = [];
    for (const t of types) {
      const typeId = isRecord(t) ? Number(t.associationTypeId) : Number.NaN;
      if (!isRecord(t) || t.associationCategory !== 'HUBSPOT_DEFINED' || !allowed.includes(typeId))
        return badRequest(
          `inputs[${i}]: association type ${JSON.stringify(t)} is not defined from ${p.from} to ${p.to}`,
        );
      typeIds.push(typeId);
    }
    planned.push({ fromId, toId, typeIds });
  }
  const results: unknown[] = [];
  const errors: unknown[] = [];
  for (const { fromId, toId, typeIds } of planned) {
    const missing = [
      ...(p.fromStore.getLive(fromId) ? [] : [fromId]),
      ...(p.toStore.getLive(toId) ? [] : [toId]),
    ];
    if (missing.length > 0) {
      errors.push(
        errorBody(
          'VALIDATION_ERROR',
          `One or more of the objects to associate do not exist: ${missing.join(', ')}`,
          {
            context: { fromObjectId: [fromId], toObjectId: [toId] },
          },
        ),
      );
      continue;
    }
    p.associations.associate(p.from, fromId, toId, typeIds);
    const now = p.associations.associated(p.from, fromId).find((a) => a.toId === toId);
    results.push({
      fromObjectTypeId: TYPE_IDS[p.from],
      fromObjectId: fromId,
      toObjectTypeId: TYPE_IDS[p.to],
      toObjectId: toId,
      labels: (now?.typeIds ?? []).flatMap((t) => typeLabel(t) ?? []),
    });
  }
  return batchAnswer(201, results, errors);
}

function batchArchive(p: Pair, body: unknown): FakeResponse {
  const inputs = inputsOf(body, WRITE_LIMIT);
  if (!Array.isArray(inputs)) return inputs;
  // All inputs are checked before any is applied: a bad one fails the call and changes nothing.
  const pairs: { fromId: string; toIds: string[] }[] = [];
  for (const [i, input] of inputs.entries()) {
    const fromId = idOf(isRecord(input) ? input.from : undefined);
    const to = isRecord(input) && Array.isArray(input.to) ? input.to.map(idOf) : undefined;
    if (fromId === undefined || !to || to.some((t) => t === undefined))
      return badRequest(`inputs[${i}] needs from.id and to[].id`);
    pairs.push({ fromId, toIds: to.filter((t): t is string => t !== undefined) });
  }
  for (const { fromId, toIds } of pairs) p.associations.dissociate(p.from, fromId, toIds);
  return { status: 204 };
}
