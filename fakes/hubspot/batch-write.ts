/**
 * Batch create / update / upsert of any object with HubSpot's failure modes: property errors
 * fail the whole call (400), a duplicate email (contacts) or unique value fails the whole call
 * (409 "Contact already exists. Existing ID: N"), unless every input carries `objectWriteTraceId` on an endpoint that
 * supports multi-status, in which case bad inputs are listed in a 207 next to the good
 * ones. Ids that do not exist (update) and injected rejections (multi-status mode) always
 * come back as 207 errors. Results are not in input order, as on HubSpot, and carry no
 * `objectWriteTraceId` (errors do, in `context`).
 */
import type { FakeResponse } from '../shared/http-fake.js';
import { byTieRank, notFoundMessage } from './batch-common.js';
import type { FakeContext } from './fake-context.js';
import { badRequest, errorBody, type PropertyIssue, propertyValidationError } from './fake-errors.js';
import type { ObjectStore, StoredRecord, WireValue, WriteProblem } from './object-store.js';
import { isRecord, publicObject } from './wire.js';

type Op = 'create' | 'update' | 'upsert';

interface Input {
  readonly index: number;
  readonly id: string | undefined;
  readonly idProperty: string | undefined;
  readonly properties: Record<string, WireValue>;
  readonly traceId: string | undefined;
}

type Problem =
  | WriteProblem
  | { readonly kind: 'not-found' }
  | { readonly kind: 'rejected'; readonly issue: PropertyIssue; readonly wholeBatch: boolean };

interface Planned {
  readonly input: Input;
  readonly target: StoredRecord | undefined;
  readonly problem: Problem | undefined;
}

function parseInputs(op: Op, body: unknown): Input[] | FakeResponse {
  if (!isRecord(body) || !Array.isArray(body.inputs)) return badRequest('Request body needs an inputs array');
  if (body.inputs.length > 100)
    return badRequest(`Too many inputs (${body.inputs.length}); a batch takes at most 100.`);
  const inputs: Input[] = [];
  for (const [index, raw] of body.inputs.entries()) {
    if (!isRecord(raw) || !isRecord(raw.properties))
      return badRequest(`inputs[${index}].properties is required`);
    const id = raw.id === undefined ? undefined : String(raw.id);
    if (op !== 'create' && id === undefined) return badRequest(`inputs[${index}].id is required`);
    inputs.push({
      index,
      id,
      idProperty: typeof raw.idProperty === 'string' ? raw.idProperty : undefined,
      properties: raw.properties as Record<string, WireValue>,
      traceId: typeof raw.objectWriteTraceId === 'string' ? raw.objectWriteTraceId : undefined,
    });
  }
  if (op !== 'create') {
    const seen = new Set<string>();
    const dups: Input[] = [];
    for (const i of inputs) {
      if (seen.has(i.id ?? '')) dups.push(i);
      seen.add(i.id ?? '');
    }
    if (dups.length > 0)
      return badRequest(
        `Duplicate IDs found in batch input: [${dups.map((d) => d.id).join(', ')}]. IDs must be unique`,
      );
  }
  return inputs;
}

/** The 409 wording for a clash (HubSpot's for contacts' email; the unique-property one a guess). */
function clashMessage(noun: string, p: Exclude<WriteProblem, { kind: 'invalid' }>): string {
  if (p.kind === 'duplicate-primary')
    return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} already exists. Existing ID: ${p.existingId}`;
  return `A ${noun} with the value "${p.value}" for the unique property "${p.property}" already exists. Existing ID: ${p.existingId}`;
}

/**
 * The 409 body of a clash. A taken contact email in the newer shape (H50): category
 * OBJECT_ALREADY_EXISTS, `error` CONTACT_EXISTS, the clash under `errors[]` with `in: "email"`
 * (HubSpot's `identityProfile` beside them is left out); in the older (H11) category CONFLICT.
 * A unique property's clash: CONFLICT (a guess).
 */
export function clashBody(
  shape: FakeContext['duplicateBody'],
  noun: string,
  p: Exclude<WriteProblem, { kind: 'invalid' }>,
  extra: { context?: Record<string, string[]> } = {},
): Record<string, unknown> {
  const message = clashMessage(noun, p);
  if (p.kind !== 'duplicate-primary' || shape === 'conflict') return errorBody('CONFLICT', message, extra);
  const errors = [
    { message: `A ${noun} with email ${p.value} already exists. Existing ID: ${p.existingId}`, in: 'email' },
  ];
  return {
    ...errorBody('OBJECT_ALREADY_EXISTS', message, { errors, ...extra }),
    error: `${noun.toUpperCase()}_EXISTS`,
  };
}

function problemError(
  shape: FakeContext['duplicateBody'],
  noun: string,
  p: Problem,
  input: Input,
): Record<string, unknown> {
  const context: Record<string, string[]> = {
    ...(input.id === undefined ? {} : { ids: [input.id] }),
    ...(input.traceId === undefined ? {} : { objectWriteTraceId: [input.traceId] }),
  };
  switch (p.kind) {
    case 'invalid':
    case 'rejected': {
      const issues = p.kind === 'invalid' ? p.issues : [p.issue];
      const body = propertyValidationError(issues).body as Record<string, unknown>;
      return { ...body, context };
    }
    case 'duplicate-primary':
    case 'duplicate-unique':
      return clashBody(shape, noun, p, { context });
    case 'not-found':
      return errorBody('OBJECT_NOT_FOUND', notFoundMessage(noun), { context });
  }
}

function wholeBatchFailure(
  shape: FakeContext['duplicateBody'],
  noun: string,
  p: Problem,
): FakeResponse | undefined {
  switch (p.kind) {
    case 'invalid':
      return propertyValidationError(p.issues);
    case 'rejected':
      return p.wholeBatch ? propertyValidationError([p.issue]) : undefined;
    case 'duplicate-primary':
    case 'duplicate-unique': {
      const body = problemError(shape, noun, p, {
        index: 0,
        id: undefined,
        idProperty: undefined,
        properties: {},
        traceId: undefined,
      });
      return { status: 409, body: { ...body, context: undefined } };
    }
    case 'not-found':
      return undefined;
  }
}

export function batchWrite(ctx: FakeContext, store: ObjectStore, op: Op, body: unknown): FakeResponse {
  const { noun, objectType, primaryUnique } = store.schema;
  const parsed = parseInputs(op, body);
  if (!Array.isArray(parsed)) return parsed;
  const traced = parsed.length > 0 && parsed.every((i) => i.traceId !== undefined);
  const multiStatus = traced && (op === 'create' || ctx.traceIdMultiStatus === 'all-batch-writes');

  // Plan without touching the store, so a whole-batch failure applies nothing.
  const claimed = new Map<string, string>();
  const plan: Planned[] = parsed.map((input) => {
    let target: StoredRecord | undefined;
    if (op === 'update') target = store.resolve(input.id ?? '', input.idProperty);
    if (op === 'upsert') {
      if (input.idProperty && input.idProperty !== 'hs_object_id' && !store.isUnique(input.idProperty))
        return { input, target, problem: { kind: 'invalid', issues: [nonUnique(input.idProperty)] } };
      target = store.resolve(input.id ?? '', input.idProperty);
    }
    if (op === 'update' && !target) return { input, target, problem: { kind: 'not-found' } };
    if (op === 'upsert' && !target && (!input.idProperty || input.idProperty === 'hs_object_id'))
      return { input, target, problem: { kind: 'not-found' } };
    const issues = store.validate(input.properties);
    if (issues.length > 0) return { input, target, problem: { kind: 'invalid', issues } };
    const written = keyed(op, input, target);
    for (const r of ctx.rejections) {
      if ((r.objectType !== undefined && r.objectType !== objectType) || !r.when(written)) continue;
      const property = r.property ?? Object.keys(input.properties)[0] ?? 'unknown';
      const message = r.message ?? `${String(written[property] ?? '')} is not a valid value for ${property}`;
      const issue = { name: property, error: r.code ?? 'INVALID_VALUE', message };
      return { input, target, problem: { kind: 'rejected', issue, wholeBatch: r.mode === 'whole-batch' } };
    }
    const clash =
      store.conflict(written, target?.id) ??
      claimWithinBatch(primaryUnique, claimed, written, target?.id ?? input.id);
    return { input, target, problem: clash };
  });

  if (!multiStatus) {
    for (const p of plan) {
      const failure = p.problem && wholeBatchFailure(ctx.duplicateBody, noun, p.problem);
      if (failure) return failure;
    }
  }
  const startedAt = new Date().toISOString();
  const results: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const { input, target, problem } of plan) {
    if (problem) {
      errors.push(problemError(ctx.duplicateBody, noun, problem, input));
      continue;
    }
    const isNew = target === undefined;
    const c = target ? store.update(target, input.properties) : store.create(keyed(op, input, undefined));
    // Only the properties the input wrote come back (plus the ones HubSpot always returns);
    // the `idProperty` value and `objectWriteTraceId` are not echoed on a success. HubSpot
    // documents the trace id for errors only, so a client must match results another way.
    results.push({
      ...publicObject(store, c, Object.keys(input.properties)),
      ...(op === 'upsert' ? { new: isNew } : {}),
    });
  }
  results.sort(byTieRank);
  const status = errors.length > 0 ? 207 : op === 'create' ? 201 : 200;
  return {
    status,
    body: {
      status: 'COMPLETE',
      results,
      ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
      requestedAt: startedAt,
      startedAt,
      completedAt: new Date().toISOString(),
    },
  };
}

/** The values a record would hold after the write (an upsert create also sets its key). */
function keyed(op: Op, input: Input, target: StoredRecord | undefined): Record<string, WireValue> {
  if (op !== 'upsert' || target || !input.idProperty || input.idProperty === 'hs_object_id')
    return input.properties;
  return { ...input.properties, [input.idProperty]: input.id ?? null };
}

function nonUnique(name: string): PropertyIssue {
  return {
    name,
    error: 'INVALID_ID_PROPERTY',
    message: `Unable to perform update/upsert by non-unique 0-1 property ${name}`,
  };
}

/** Two inputs of one batch claiming the same email (contacts) clash too (the first one wins). */
function claimWithinBatch(
  primaryUnique: string | undefined,
  claimed: Map<string, string>,
  written: Record<string, WireValue>,
  who: string | undefined,
): WriteProblem | undefined {
  const value = primaryUnique === undefined ? undefined : written[primaryUnique];
  if (typeof value !== 'string' || value === '') return undefined;
  const key = value.toLowerCase();
  const owner = claimed.get(key);
  if (owner !== undefined) return { kind: 'duplicate-primary', value, existingId: owner };
  claimed.set(key, who ?? 'new');
  return undefined;
}
