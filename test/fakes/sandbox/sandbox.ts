/**
 * All three fakes on loopback, and tenant config files pointing at them: what the demo and
 * the end-to-end tests run against. Nothing here reaches a real service.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type HubSpotFake, startHubSpotFake } from '../hubspot/hubspot-fake.js';
import { PROPSTREET_FAKE_CLIENT, type PropstreetFake, startPropstreetFake } from '../propstreet/server.js';
import { type SalesforceFake, startSalesforceFake } from '../salesforce/salesforce-fake.js';

export interface SandboxOptions {
  readonly hubspot?: boolean;
  readonly salesforce?: boolean;
  /** Latency added to every call of every fake, ms [min, max]. */
  readonly latencyMs?: readonly [number, number];
  readonly seed?: number;
  /** The Propstreet fake's limit per token (the real API: 600/min for bot tokens). */
  readonly propstreetPerMinute?: number;
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
}

export interface TenantOptions {
  readonly tenant?: string;
  readonly connections?: readonly ('hubspot' | 'salesforce')[];
  /** Extra keys per connection (conflictPolicy, deletes, match, …). */
  readonly connection?: Readonly<Record<string, unknown>>;
  /** SQLite file; default `<dir>/<tenant>.db`. */
  readonly sqlite?: string;
  readonly postgres?: { url: string; schema: string };
  readonly schedule?: string;
}

export interface Sandbox {
  readonly propstreet: PropstreetFake;
  readonly hubspot: HubSpotFake | undefined;
  readonly salesforce: SalesforceFake | undefined;
  /** The variables the tenant files refer to (tokens of the fakes). */
  readonly env: Record<string, string>;
  /** Writes a tenant config file into `dir` and returns its path. */
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
  });
  const hubspot =
    options.hubspot === false
      ? undefined
      : await startHubSpotFake({
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          // As after `propsync validate --check --setup`.
          customProperties: [
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
        });
  if (options.latencyMs) {
    const [min, max] = options.latencyMs;
    for (const f of [propstreet.http, hubspot?.http, salesforce?.http]) f?.faults.setLatency(min, max);
  }
  const env: Record<string, string> = {
    PROPSTREET_TOKEN: propstreet.token,
    HUBSPOT_TOKEN: 'pat-na1-fake-hubspot-token-0001',
    SALESFORCE_ACCESS_TOKEN: salesforce?.accessToken ?? 'unused',
    ...(options.refreshingAuth
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
                SALESFORCE_REFRESH_TOKEN: salesforce.refreshToken,
                SALESFORCE_CLIENT_SECRET: salesforce.clientSecret,
              }
            : {}),
        }
      : {}),
  };
  const hubspotAuth = () =>
    options.refreshingAuth
      ? {
          clientId: hubspot?.oauth.app.clientId,
          clientSecret: envRef('HUBSPOT_CLIENT_SECRET'),
          refreshToken: envRef('HUBSPOT_REFRESH_TOKEN'),
        }
      : { accessToken: envRef('HUBSPOT_TOKEN') };
  const salesforceRefresh = () =>
    options.refreshingAuth && salesforce
      ? {
          refreshToken: envRef('SALESFORCE_REFRESH_TOKEN'),
          clientId: salesforce.clientId,
          clientSecret: envRef('SALESFORCE_CLIENT_SECRET'),
          loginUrl: salesforce.url,
        }
      : {};
  const propstreetAuth = () =>
    options.refreshingAuth
      ? { clientId: PROPSTREET_FAKE_CLIENT.clientId, clientSecret: envRef('PROPSTREET_CLIENT_SECRET') }
      : { token: envRef('PROPSTREET_TOKEN') };
  return {
    propstreet,
    hubspot,
    salesforce,
    env,
    writeTenant(dir, t = {}) {
      const tenant = t.tenant ?? 'demo';
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
              ...hubspotAuth(),
              ...t.connection,
            }
          : {
              name: 'salesforce',
              type: 'salesforce',
              instanceUrl: salesforce!.url,
              accessToken: envRef('SALESFORCE_ACCESS_TOKEN'),
              ...salesforceRefresh(),
              ...t.connection,
            },
      );
      const doc = {
        tenant,
        propstreet: {
          baseUrl: propstreet.url,
          ...propstreetAuth(),
          ...(options.propstreetPerMinute ? { requestsPerMinute: options.propstreetPerMinute } : {}),
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
