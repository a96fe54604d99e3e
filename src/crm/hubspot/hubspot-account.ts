/**
 * What a run checks of a HubSpot portal before it writes (src/engine/preflight.ts):
 * - which portal the token reaches: `GET /account-info/v3/details` → `portalId` (HubSpot,
 *   "Account information API" / "Retrieve account details"). SDK 13.5.0 has no module for it,
 *   so it goes through `client.apiRequest`, signed like every other call.
 * - whether the key property may hold Propstreet ids: `GET /crm/v3/properties/{objectType}/{name}`
 *   must show a custom (`hubspotDefined` false), unique, single-line text property; then one
 *   search samples the values it already holds.
 */
import type { AccountIdentity } from '../../core/account-identity.js';
import { NotFoundError, PayloadError, PropsyncError } from '../../core/errors.js';
import type { KeyFieldReport } from '../port.js';
import { capitalised, type HubSpotObject } from './hubspot-object.js';
import { sdkProperties } from './hubspot-sdk.js';
import { searchObjects } from './hubspot-search.js';
import type { CallOptions, HubSpotTransport } from './hubspot-transport.js';

const ACCOUNT_DETAILS_PATH = '/account-info/v3/details';

/** The parts of a property definition the key check reads. */
export interface KeyPropertyDefinition {
  readonly name: string;
  readonly type?: string;
  readonly hasUniqueValue?: boolean;
  readonly hubspotDefined?: boolean;
}

/** Why this property cannot be the key (empty: it can). `def` undefined = it does not exist. */
export function keyPropertyProblems(
  object: HubSpotObject,
  name: string,
  def: KeyPropertyDefinition | undefined,
): string[] {
  if (!def) return [`${capitalised(object.noun)} property '${name}' does not exist`];
  const problems: string[] = [];
  if (def.hubspotDefined === true)
    problems.push(
      `'${name}' is one of HubSpot's own ${object.noun} properties (hubspotDefined): it holds your ${object.objectType}' data, which Propstreet ids would overwrite`,
    );
  if (def.type !== sdkProperties().PropertyCreateTypeEnum.String)
    problems.push(`'${name}' is of type ${def.type ?? 'unknown'}, not single-line text (string)`);
  if (def.hasUniqueValue !== true)
    problems.push(
      `'${name}' is not unique (hasUniqueValue=false); HubSpot cannot make an existing property unique`,
    );
  return problems;
}

export function keyPropertyFix(object: HubSpotObject, name: string): string {
  return (
    `Set keyProperty to a property that only propsync writes (the default is propstreet_id) and create it with ` +
    '`propsync validate <config> --check --setup` (a unique single-line text property; needs the ' +
    `crm.schemas.${object.objectType}.write scope), or by hand in HubSpot: Settings → Properties → Create property, ` +
    `${capitalised(object.noun)}, field type "Single-line text", "Require unique values" on.${name === 'propstreet_id' ? '' : ` (now: ${name})`}`
  );
}

export async function portalIdentity(transport: HubSpotTransport): Promise<AccountIdentity | null> {
  let data: { portalId?: unknown; uiDomain?: unknown };
  try {
    ({ data } = await transport.call({
      kind: 'account',
      method: 'GET',
      path: ACCOUNT_DETAILS_PATH,
      idempotent: true,
      send: (o) => getJson<{ portalId?: unknown; uiDomain?: unknown }>(transport, ACCOUNT_DETAILS_PATH, o),
    }));
  } catch (e) {
    if (e instanceof NotFoundError || (e instanceof PropsyncError && e.code === 'FORBIDDEN')) return null;
    throw e;
  }
  if (typeof data.portalId !== 'number' && typeof data.portalId !== 'string')
    throw new PayloadError(`HubSpot GET ${ACCOUNT_DETAILS_PATH} sent no portalId`, 'portalId');
  return {
    id: `hubspot-portal:${String(data.portalId)}`,
    ...(typeof data.uiDomain === 'string' ? { label: data.uiDomain } : {}),
  };
}

export async function inspectKeyProperty(
  transport: HubSpotTransport,
  object: HubSpotObject,
  keyProperty: string,
  sampleSize: number,
): Promise<KeyFieldReport> {
  const fix = keyPropertyFix(object, keyProperty);
  let def: KeyPropertyDefinition | undefined;
  try {
    ({ data: def } = await transport.call({
      kind: 'schema',
      method: 'GET',
      path: `/crm/v3/properties/${object.objectType}/${keyProperty}`,
      idempotent: true,
      send: (o) =>
        transport.client.crm.properties.coreApi.getByNameWithHttpInfo(
          object.objectType,
          keyProperty,
          false,
          undefined,
          o,
        ),
    }));
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
  const problems = keyPropertyProblems(object, keyProperty, def);
  if (problems.length > 0 || sampleSize <= 0) return { field: keyProperty, problems, fix, sample: [] };
  const page = await searchObjects(transport, object, {
    filters: [{ propertyName: keyProperty, operator: 'HAS_PROPERTY' }],
    properties: [keyProperty],
    limit: Math.min(200, sampleSize),
  });
  const sample = page.results
    .map((r) => r.properties[keyProperty])
    .filter((v): v is string => typeof v === 'string' && v !== '');
  return { field: keyProperty, problems, fix, sample };
}

/** The shape the codegen methods throw for a status they do not expect (hubspot-errors.ts reads it). */
class AnswerError extends Error {
  constructor(
    readonly code: number,
    readonly body: unknown,
    readonly headers: Record<string, string>,
  ) {
    super(`HTTP ${code}`);
  }
}

/** A GET the SDK has no method for, answered in the shape the transport expects. */
async function getJson<T>(transport: HubSpotTransport, path: string, o: CallOptions) {
  // apiRequest runs no middleware: the call's own `pre` steps (the current OAuth token) are
  // applied to the request headers here, as the SDK would for its generated methods.
  const sent: Record<string, string> = {};
  const context = {
    setHeaderParam: (name: string, value: string) => {
      sent[name] = value;
    },
  };
  for (const m of o.middleware) await m.pre(context);
  const res = await transport.client.apiRequest({ method: 'GET', path, headers: sent });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, key) => {
    headers[key.toLowerCase()] = value;
  });
  for (const m of o.middleware) await m.post({ httpStatusCode: res.status, headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = text;
  }
  if (res.status < 200 || res.status >= 300) throw new AnswerError(res.status, body, headers);
  return { httpStatusCode: res.status, headers, data: (body ?? {}) as T };
}
