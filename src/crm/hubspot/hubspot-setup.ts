/**
 * check(): the token works (a one-record read of the object), the key property exists on the
 * object as a unique custom text property (the rules in hubspot-account.ts), the mapped
 * properties exist, and none the mapping writes is read-only in HubSpot (each write of it would
 * fail, record by record, with READ_ONLY_VALUE). setup(): also creates the key property when
 * missing, in the object's own group (`contactinformation`, `companyinformation`), which needs
 * the `crm.schemas.{contacts|companies}.write` scope.
 */
import { PropsyncError } from '../../core/errors.js';
import type { SetupCheck } from '../port.js';
import { keyPropertyFix, keyPropertyProblems } from './hubspot-account.js';
import { capitalised, type HubSpotObject, objectPath } from './hubspot-object.js';
import { sdkProperties } from './hubspot-sdk.js';
import type { HubSpotTransport } from './hubspot-transport.js';

type Check = SetupCheck['checks'][number];

export interface SetupOptions {
  readonly transport: HubSpotTransport;
  readonly object: HubSpotObject;
  readonly keyProperty: string;
  /** The properties the mapping reads. */
  readonly properties: readonly string[];
  /** The properties the mapping writes (its `both` and `to-crm` fields); default none. */
  readonly writtenProperties?: readonly string[];
}

interface PropertyInfo {
  name: string;
  type?: string;
  hasUniqueValue?: boolean;
  options?: readonly { value: string }[];
  hubspotDefined?: boolean;
  modificationMetadata?: { readOnlyValue?: boolean };
}

function failure(name: string, e: unknown): Check {
  return {
    name,
    ok: false,
    message: e instanceof Error ? e.message : String(e),
    ...(e instanceof PropsyncError ? { code: e.code } : {}),
  };
}

export class HubSpotSetup {
  /** "Contact property", "Company property". */
  private readonly what: string;

  /** Every property the mapping reads or writes. */
  private readonly mapped: readonly string[];

  constructor(private readonly options: SetupOptions) {
    this.what = `${capitalised(options.object.noun)} property`;
    this.mapped = [...new Set([...options.properties, ...(options.writtenProperties ?? [])])];
  }

  async check(): Promise<SetupCheck> {
    const checks: Check[] = [await this.checkToken()];
    if (checks[0]?.ok) checks.push(...(await this.checkProperties()));
    return { ok: checks.every((c) => c.ok), checks };
  }

  async setup(): Promise<SetupCheck> {
    const first = await this.check();
    if (!first.checks[0]?.ok) return first;
    const key = first.checks.find((c) => c.name === 'key-property');
    if (key && !key.ok && key.message.includes('does not exist')) {
      const created = await this.createProperty(this.options.keyProperty, 'Propstreet ID', true);
      if (!created.ok)
        return { ok: false, checks: first.checks.map((c) => (c.name === 'key-property' ? created : c)) };
    }
    // Mapped properties named propstreet_* are the connector's own (e.g. propstreet_tags):
    // create them as text. Other missing properties are the portal owner's to create.
    const mapped = first.checks.find((c) => c.name === 'mapped-properties');
    if (mapped && !mapped.ok) {
      const missing = await this.missingProperties();
      for (const name of missing.filter((n) => n.startsWith('propstreet_'))) {
        const created = await this.createProperty(name, labelFor(name), false);
        if (!created.ok)
          return {
            ok: false,
            checks: [...first.checks.filter((c) => c.name !== 'mapped-properties'), created],
          };
      }
    }
    return this.check();
  }

  /**
   * The options of the mapped enumeration properties (e.g. `hs_language`), from the same
   * listing `check` reads: HubSpot refuses any other value (VALIDATION_ERROR, INVALID_OPTION).
   */
  async allowedValues(): Promise<Map<string, string[]>> {
    const mapped = new Set(this.mapped);
    const out = new Map<string, string[]>();
    for (const p of await this.listProperties()) {
      if (!mapped.has(p.name) || p.type !== 'enumeration' || !p.options?.length) continue;
      out.set(
        p.name,
        p.options.map((o) => o.value),
      );
    }
    return out;
  }

  private async missingProperties(): Promise<string[]> {
    const names = new Set((await this.listProperties()).map((p) => p.name));
    return this.mapped.filter((p) => !names.has(p));
  }

  /** Every property the portal has on the object (one call). */
  private async listProperties(): Promise<PropertyInfo[]> {
    const { transport, object } = this.options;
    const { data } = await transport.call({
      kind: 'schema',
      method: 'GET',
      path: `/crm/v3/properties/${object.objectType}`,
      idempotent: true,
      send: (o) =>
        transport.client.crm.properties.coreApi.getAllWithHttpInfo(object.objectType, false, undefined, o),
    });
    return data.results;
  }

  private async checkToken(): Promise<Check> {
    const { transport, object } = this.options;
    try {
      await transport.call({
        kind: 'read',
        method: 'GET',
        path: objectPath(object, '?limit=1'),
        idempotent: true,
        send: (o) =>
          object
            .apis(transport.client)
            .basicApi.getPageWithHttpInfo(1, undefined, undefined, undefined, undefined, false, o),
      });
      return {
        name: 'credentials',
        ok: true,
        message: `HubSpot accepted the access token (${object.objectType} readable)`,
      };
    } catch (e) {
      if (e instanceof PropsyncError && e.code === 'UNAUTHORIZED')
        return { name: 'credentials', ok: false, message: `HubSpot rejected the access token: ${e.message}` };
      return failure('credentials', e);
    }
  }

  private async checkProperties(): Promise<Check[]> {
    const { keyProperty, object } = this.options;
    let all: PropertyInfo[];
    try {
      all = await this.listProperties();
    } catch (e) {
      return [failure('key-property', e)];
    }
    const byName = new Map(all.map((p) => [p.name, p]));
    const key = byName.get(keyProperty);
    const problems = keyPropertyProblems(object, keyProperty, key);
    const keyCheck: Check = !key
      ? {
          name: 'key-property',
          ok: false,
          message: `${this.what} '${keyProperty}' does not exist; run setup to create it`,
        }
      : problems.length === 0
        ? {
            name: 'key-property',
            ok: true,
            message: `${this.what} '${keyProperty}' exists, is custom text and unique`,
          }
        : {
            name: 'key-property',
            ok: false,
            message: `${problems.join('; ')}. ${keyPropertyFix(object, keyProperty)}`,
          };
    const missing = this.mapped.filter((p) => !byName.has(p));
    const readOnly = (this.options.writtenProperties ?? []).filter(
      (p) => byName.get(p)?.modificationMetadata?.readOnlyValue === true,
    );
    const mappedProblems = [
      ...(missing.length > 0
        ? [`Mapped ${object.noun} properties missing in HubSpot: ${missing.join(', ')}`]
        : []),
      ...(readOnly.length > 0
        ? [
            `Mapped ${object.noun} properties the mapping writes but HubSpot keeps read-only: ${readOnly.join(', ')} (make those fields from-crm, or drop them)`,
          ]
        : []),
    ];
    const mapped: Check =
      mappedProblems.length === 0
        ? {
            name: 'mapped-properties',
            ok: true,
            message: `All ${this.mapped.length} mapped properties exist`,
          }
        : { name: 'mapped-properties', ok: false, message: mappedProblems.join('; ') };
    return [keyCheck, mapped];
  }

  private async createProperty(name: string, label: string, unique: boolean): Promise<Check> {
    const { transport, object } = this.options;
    const check = unique ? 'key-property' : 'mapped-properties';
    try {
      await transport.call({
        kind: 'schema',
        method: 'POST',
        path: `/crm/v3/properties/${object.objectType}`,
        idempotent: false,
        send: (o) =>
          transport.client.crm.properties.coreApi.createWithHttpInfo(
            object.objectType,
            {
              name,
              label,
              type: sdkProperties().PropertyCreateTypeEnum.String,
              fieldType: sdkProperties().PropertyCreateFieldTypeEnum.Text,
              groupName: object.groupName,
              hasUniqueValue: unique,
              description: unique
                ? `Propstreet ${object.noun} id, written by propsync; do not edit`
                : 'Synced with Propstreet by propsync',
            },
            o,
          ),
      });
      return {
        name: check,
        ok: true,
        message: `Created ${object.noun} property '${name}'${unique ? ' (unique)' : ''}`,
      };
    } catch (e) {
      if (e instanceof PropsyncError && e.code === 'CONFLICT')
        return { name: check, ok: true, message: `${this.what} '${name}' already exists` };
      if (e instanceof PropsyncError && e.code === 'FORBIDDEN')
        return {
          name: check,
          ok: false,
          message: `Cannot create ${object.noun} property '${name}': the HubSpot private app lacks the crm.schemas.${object.objectType}.write scope. Add that scope to the app, or create the property by hand (type single-line text${unique ? ', "Require unique values" on' : ''}) and run setup again.`,
        };
      return failure(check, e);
    }
  }
}

function labelFor(name: string): string {
  return name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');
}
