/**
 * All three fakes on loopback, and tenant config files pointing at them: what the demo and
 * the end-to-end tests run against. Nothing here reaches a real service.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tenantVariablePrefix } from '../../src/config/secret-fields.js';
import { type HubSpotFake, startHubSpotFake } from '../hubspot/hubspot-fake.js';
import type { RateWindows } from '../propstreet/rate-window.js';
import { PROPSTREET_FAKE_CLIENT, type PropstreetFake, startPropstreetFake } from '../propstreet/server.js';
import {
  type SalesforceFake,
  type SalesforceFakeOptions,
  startSalesforceFake,
} from '../salesforce/salesforce-fake.js';

export interface SandboxOptions {
  readonly hubspot?: boolean;
  readonly salesforce?: boolean;
  /** Latency added to every call of every fake, ms [min, max]. */
  readonly latencyMs?: readonly [number, number];
  readonly seed?: number;
  /** The Propstreet fake's limit per token (the real API: 600/min for bot tokens). */
  readonly propstreetPerMinute?: number;
  /** More options for the Salesforce fake (its org id, other custom fields…). */
  readonly salesforceOptions?: SalesforceFakeOptions;
  /** How long a HubSpot write takes to show in search (the fake's default: 0). */
  readonly hubspotSearchIndexDelayMs?: number;
  /**
   * Tenant files use credentials whose tokens expire and are refreshed: Propstreet client
   * credentials, a HubSpot OAuth app, a Salesforce refresh token (default: fixed tokens).
   */
  readonly refreshingAuth?: boolean;
  /** Token lifetimes of the fakes (default: the vendors' 3600 s, 1800 s and 2 h). */
  readonly tokenLifetimes?: {
    readonly propstreetSeconds?: number;
    readonly hubspotSeconds?: number;
    readonly salesforceMs?: number;
  };
  /** Time source (ms) for token expiry and Propstreet's rate windows; default the wall clock. */
  readonly now?: () => number;
  /** Propstreet rate windows shared with other sandboxes (one token used by several tenants). */
  readonly propstreetRateWindows?: RateWindows;
}

export interface TenantOptions {
  readonly tenant?: string;
  /** Extra keys of the tenant's `propstreet` section (`batchUpsertPath`, …). */
  readonly propstreet?: Readonly<Record<string, unknown>>;
  readonly connections?: readonly ('hubspot' | 'salesforce')[];
  /** Extra keys per connection (conflictPolicy, deletes, match, …). */
  readonly connection?: Readonly<Record<string, unknown>>;
  /** Extra keys for the Salesforce connection only (`changeEvents`, …), after `connection`. */
  readonly salesforceConnection?: Readonly<Record<string, unknown>>;
  /** SQLite file; default `<dir>/<tenant>.db`. */
  readonly sqlite?: string;
  readonly postgres?: { url: string; schema: string };
  readonly schedule?: string;
}

export interface Sandbox {
  readonly propstreet: PropstreetFake;
  readonly hubspot: HubSpotFake | undefined;
  readonly salesforce: SalesforceFake | undefined;
  /** The tokens the fakes accept. */
  readonly tokens: { readonly propstreet: string; readonly hubspot: string; readonly salesforce: string };
  /**
   * The variables the tenant files written so far refer to: each tenant's own
   * (`PROPSYNC_<TENANT>_…`, see `variable`), holding the fakes' tokens.
   */
  readonly env: Record<string, string>;
  /** The variable a tenant file of `tenant` reads a token from. */
  variable(tenant: string, token: keyof Sandbox['tokens']): string;
  /** Writes a tenant config file into `dir`, adds its variables to `env`, and returns its path. */
  writeTenant(dir: string, options?: TenantOptions): string;
  close(): Promise<void>;
}

/** A `${VAR}` reference for a tenant file (secrets must come from the environment). */
const envRef = (name: string) => `\${${name}}`;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const lifetimes = options.tokenLifetimes ?? {};
  const propstreet = await startPropstreetFake({
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.now ? { tokenNow: options.now, rateNow: options.now } : {}),
    ...(lifetimes.propstreetSeconds ? { tokenLifetimeSeconds: lifetimes.propstreetSeconds } : {}),
    ...(options.propstreetPerMinute
      ? { rateLimit: { limit: options.propstreetPerMinute, windowMs: 60_000 } }
      : {}),
    ...(options.propstreetRateWindows ? { rateWindows: options.propstreetRateWindows } : {}),
  });
  const hubspot =
    options.hubspot === false
      ? undefined
      : await startHubSpotFake({
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.hubspotSearchIndexDelayMs
            ? { searchIndexDelayMs: options.hubspotSearchIndexDelayMs }
            : {}),
          // As after `propsync validate --check --setup`.
          customProperties: [
            { name: 'propstreet_id', label: 'Propstreet ID', hasUniqueValue: true },
            { name: 'propstreet_tags', label: 'Propstreet tags' },
          ],
          companyProperties: [
            { name: 'propstreet_id', label: 'Propstreet ID', hasUniqueValue: true },
            { name: 'propstreet_tags', label: 'Propstreet tags' },
          ],
          oauth: {
            ...(options.now ? { now: options.now } : {}),
            ...(lifetimes.hubspotSeconds ? { accessTokenLifetimeSeconds: lifetimes.hubspotSeconds } : {}),
          },
        });
  const salesforce =
    options.salesforce === false
      ? undefined
      : await startSalesforceFake({
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.now ? { tokenNow: options.now } : {}),
          ...(lifetimes.salesforceMs ? { sessionLifetimeMs: lifetimes.salesforceMs } : {}),
          ...options.salesforceOptions,
        });
  if (options.latencyMs) {
    const [min, max] = options.latencyMs;
    for (const f of [propstreet.http, hubspot?.http, salesforce?.http]) f?.faults.setLatency(min, max);
  }
  const tokens = {
    propstreet: propstreet.token,
    hubspot: 'pat-na1-fake-hubspot-token-0001',
    salesforce: salesforce?.accessToken ?? 'unused',
  };
  const names = {
    propstreet: 'PROPSTREET_TOKEN',
    hubspot: 'HUBSPOT_ACCESS_TOKEN',
    salesforce: 'SALESFORCE_ACCESS_TOKEN',
  };
  // A tenant file reads only its own variables (src/config/secret-fields.ts).
  const variable = (tenant: string, token: keyof typeof tokens) =>
    `${tenantVariablePrefix(tenant)}${names[token]}`;
  // With refreshingAuth, the credentials tokens are issued from, by variable name (unprefixed).
  const refreshing: Record<string, string> = options.refreshingAuth
    ? {
        PROPSTREET_CLIENT_SECRET: PROPSTREET_FAKE_CLIENT.clientSecret,
        ...(hubspot
          ? {
              HUBSPOT_CLIENT_SECRET: hubspot.oauth.app.clientSecret,
              HUBSPOT_REFRESH_TOKEN: hubspot.oauth.app.refreshToken,
            }
          : {}),
        ...(salesforce
          ? {
              SALESFORCE_REFRESH_TOKEN: salesforce.refreshToken ?? '',
              SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
            }
          : {}),
      }
    : {};
  const env: Record<string, string> = {};
  return {
    propstreet,
    hubspot,
    salesforce,
    tokens,
    env,
    variable,
    writeTenant(dir, t = {}) {
      const tenant = t.tenant ?? 'demo';
      const own = (name: string) => `${tenantVariablePrefix(tenant)}${name}`;
      for (const token of ['propstreet', 'hubspot', 'salesforce'] as const)
        env[variable(tenant, token)] = tokens[token];
      for (const [name, value] of Object.entries(refreshing)) env[own(name)] = value;
      const kinds = t.connections ?? [
        ...(hubspot ? ['hubspot' as const] : []),
        ...(salesforce ? ['salesforce' as const] : []),
      ];
      const connections = kinds.map((kind) =>
        kind === 'hubspot'
          ? {
              name: 'hubspot',
              type: 'hubspot',
              baseUrl: hubspot!.url,
              ...(options.refreshingAuth
                ? {
                    clientId: hubspot?.oauth.app.clientId,
                    clientSecret: envRef(own('HUBSPOT_CLIENT_SECRET')),
                    refreshToken: envRef(own('HUBSPOT_REFRESH_TOKEN')),
                  }
                : { accessToken: envRef(variable(tenant, 'hubspot')) }),
              ...t.connection,
            }
          : {
              name: 'salesforce',
              type: 'salesforce',
              instanceUrl: salesforce!.url,
              accessToken: envRef(variable(tenant, 'salesforce')),
              ...(options.refreshingAuth && salesforce
                ? {
                    refreshToken: envRef(own('SALESFORCE_REFRESH_TOKEN')),
                    clientId: salesforce.clientId,
                    clientSecret: envRef(own('SALESFORCE_CLIENT_SECRET')),
                    loginUrl: salesforce.url,
                  }
                : {}),
              ...t.connection,
              ...t.salesforceConnection,
            },
      );
      const doc = {
        tenant,
        propstreet: {
          baseUrl: propstreet.url,
          ...(options.refreshingAuth
            ? {
                clientId: PROPSTREET_FAKE_CLIENT.clientId,
                clientSecret: envRef(own('PROPSTREET_CLIENT_SECRET')),
              }
            : { token: envRef(variable(tenant, 'propstreet')) }),
          ...(options.propstreetPerMinute ? { requestsPerMinute: options.propstreetPerMinute } : {}),
          ...t.propstreet,
        },
        connections,
        state: t.postgres
          ? { postgres: t.postgres.url, schema: t.postgres.schema }
          : { sqlite: t.sqlite ?? join(dir, `${tenant}.db`) },
        ...(t.schedule ? { schedule: t.schedule } : {}),
        log: { level: 'warn' },
      };
      const file = join(dir, `${tenant}.yaml`);
      writeFileSync(file, `# Written by the propsync sandbox: every URL is a local fake.\n${stringify(doc)}`);
      return file;
    },
    async close() {
      await Promise.all([propstreet.close(), hubspot?.close(), salesforce?.close()]);
    },
  };
}
