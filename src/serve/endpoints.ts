/**
 * The webhook endpoints `serve` answers, built from the tenant configs and the secrets in the
 * environment (until the tenant config has a place for them):
 *
 * | path | secret variable | runs asked for |
 * | --- | --- | --- |
 * | `POST /webhooks/<tenant>/<connection>/propstreet` | `PROPSYNC_<TENANT>_<CONNECTION>_PROPSTREET_WEBHOOK_SECRET` | that connection |
 * | `POST /webhooks/<tenant>/propstreet` | `PROPSYNC_<TENANT>_PROPSTREET_WEBHOOK_SECRET` | every connection of the tenant |
 * | `POST /webhooks/<tenant>/<connection>/hubspot` | `PROPSYNC_<TENANT>_<CONNECTION>_HUBSPOT_WEBHOOK_SECRET` | that (HubSpot) connection |
 *
 * A variable may hold several secrets separated by spaces or commas (a rotation). A path with
 * no secret is not an endpoint: it answers 404, so nothing unsigned is ever accepted.
 */
import type { TenantConfig } from '../config/index.js';
import { tenantVariablePrefix } from '../config/secret-fields.js';
import { PropsyncError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import type { WebhookSource } from './event-keys.js';
import type { Headers, Verification } from './verification.js';
import { createHubspotVerifier } from './verify-hubspot.js';
import { createPropstreetVerifier } from './verify-propstreet.js';

export interface IncomingDelivery {
  readonly method: string;
  /** The full URI the sender called (the public base URL + path and query). */
  readonly uri: string;
  readonly headers: Headers;
  readonly body: Buffer;
}

export interface Endpoint {
  readonly path: string;
  readonly tenant: string;
  /** The connections an accepted delivery asks to run. */
  readonly connections: readonly string[];
  readonly source: WebhookSource;
  /** The variable its secrets came from (for logs; never the value). */
  readonly secretVariable: string;
  verify(delivery: IncomingDelivery, now: Date): Verification;
}

export type EndpointTable = ReadonlyMap<string, Endpoint>;

function webhookPath(tenant: string, connection: string | undefined, source: WebhookSource): string {
  return connection === undefined
    ? `/webhooks/${tenant}/${source}`
    : `/webhooks/${tenant}/${connection}/${source}`;
}

const upper = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

export function webhookSecretVariable(
  tenant: string,
  connection: string | undefined,
  source: WebhookSource,
): string {
  const middle = connection === undefined ? '' : `${upper(connection)}_`;
  return `${tenantVariablePrefix(tenant)}${middle}${upper(source)}_WEBHOOK_SECRET`;
}

function secretsIn(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((s) => s !== '');
}

/** The part of a tenant config the endpoints depend on. */
export type TenantEndpoints = Pick<TenantConfig, 'tenant'> & {
  readonly connections: readonly Pick<TenantConfig['connections'][number], 'name' | 'type'>[];
};

export function buildEndpoints(
  configs: readonly TenantEndpoints[],
  env: Readonly<Record<string, string | undefined>>,
  redactor: Redactor,
): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const add = (tenant: string, connection: string | undefined, source: WebhookSource, runs: string[]) => {
    const variable = webhookSecretVariable(tenant, connection, source);
    const path = webhookPath(tenant, connection, source);
    const secrets = secretsIn(env[variable]);
    if (secrets.length === 0) return;
    for (const s of secrets) redactor.register(s);
    let verify: Endpoint['verify'];
    try {
      if (source === 'propstreet') {
        const check = createPropstreetVerifier({ secrets });
        verify = (d, now) => check(d, now);
      } else {
        const check = createHubspotVerifier({ secrets });
        verify = (d, now) => check(d, now);
      }
    } catch (error) {
      throw new PropsyncError('CONFIG_INVALID', `${variable}: not a usable webhook secret`, {
        cause: error,
        hint:
          source === 'propstreet'
            ? 'use the `whsec_…` secret Propstreet returned when the webhook was created'
            : "use the HubSpot app's client secret",
      });
    }
    endpoints.push({
      path,
      tenant,
      connections: runs,
      source,
      secretVariable: variable,
      verify,
    });
  };
  for (const config of configs) {
    const names = config.connections.map((c) => c.name);
    add(config.tenant, undefined, 'propstreet', names);
    for (const connection of config.connections) {
      add(config.tenant, connection.name, 'propstreet', [connection.name]);
      if (connection.type === 'hubspot') add(config.tenant, connection.name, 'hubspot', [connection.name]);
    }
  }
  return distinctSecrets(endpoints);
}

/**
 * Refuses endpoints that read one secret variable. Names join the tenant, connection and sender
 * with `_` (and `-` becomes `_`), so tenant `acme`'s connection `eu` and tenant `acme-eu` both
 * read PROPSYNC_ACME_EU_PROPSTREET_WEBHOOK_SECRET; a Propstreet signature does not cover the
 * URL, so a delivery signed for one tenant would run the other's connection.
 */
export function distinctSecrets(endpoints: readonly Endpoint[]): Endpoint[] {
  const byVariable = new Map<string, string>();
  for (const e of endpoints) {
    const other = byVariable.get(e.secretVariable);
    if (other !== undefined)
      throw new PropsyncError(
        'CONFIG_INVALID',
        `${e.secretVariable} is the webhook secret of both ${other} and ${e.path}: a delivery signed for one would run the other`,
        { hint: 'rename a tenant or a connection so that their variable names differ' },
      );
    byVariable.set(e.secretVariable, e.path);
  }
  return [...endpoints];
}

export function endpointTable(endpoints: readonly Endpoint[]): EndpointTable {
  return new Map(endpoints.map((e) => [e.path, e]));
}
