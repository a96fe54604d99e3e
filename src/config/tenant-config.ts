/**
 * A tenant's config after loading: validated, defaults filled, `${VAR}`s resolved, paths
 * absolute, and choices that the file leaves implicit made explicit (auth kind, state kind).
 *
 * The types are the schema's output (tenant-schema.ts) with only what normalize-tenant.ts
 * changes written here, so a key added to the schema reaches every user of the config with
 * its type, and cannot drift from it.
 */
import type { z } from 'zod';
import type { KeyPath } from '../core/yaml-problems/index.js';
import type { ObjectKind } from './object-kinds.js';
import type {
  hubspotConnectionSchema,
  propstreetSchema,
  salesforceConnectionSchema,
  tenantFileSchema,
} from './tenant-schema.js';

/**
 * Loaded config is read, never changed: every level readonly. Every key is present, undefined
 * when the file has none, so a reader sees the whole shape and a builder cannot forget a key.
 */
type Loaded<T> = T extends readonly (infer U)[]
  ? readonly Loaded<U>[]
  : T extends object
    ? { readonly [K in keyof T]-?: Loaded<T[K]> }
    : T;

type TenantFile = z.output<typeof tenantFileSchema>;
type HubspotFile = z.output<typeof hubspotConnectionSchema>;
type SalesforceFile = z.output<typeof salesforceConnectionSchema>;
type PropstreetFile = z.output<typeof propstreetSchema>;

/** How records of one kind sync: the connection sets them for every kind, a kind's block for itself. */
type SyncKeys = 'direction' | 'conflictPolicy' | 'match' | 'deletes';

/**
 * Keys whose normalised form differs from the file's: the namespace, and everything that is
 * an object kind's (its block, and the contacts keys a connection may also hold), which moves
 * into `objects`.
 */
type NormalizedKeys =
  | 'namespace'
  | 'objects'
  | 'links'
  | 'mapping'
  | 'mappingOverrides'
  | SyncKeys
  | ObjectKind;

export interface TenantConfig extends Loaded<Pick<TenantFile, 'tenant' | 'schedule' | 'log'>> {
  /** Absolute path of the YAML file. */
  readonly file: string;
  readonly propstreet: PropstreetConfig;
  readonly connections: readonly ConnectionConfig[];
  readonly state: StateConfig;
  /**
   * Variables the API credentials name but the environment lacks, when loaded with
   * `secrets: 'state'` (commands that call no API); those fields keep their `${VAR}` text.
   */
  readonly unresolvedSecrets?: readonly string[];
}

export interface PropstreetConfig
  extends Loaded<Pick<PropstreetFile, 'baseUrl' | 'requestsPerMinute' | 'batchUpsertPath'>> {
  readonly auth: PropstreetAuth;
}

/** Which of the file's two ways to authenticate it uses (the rules allow exactly one). */
export type PropstreetAuth =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'client-credentials';
      readonly clientId: string;
      readonly clientSecret: string;
      /** The file's, or `<baseUrl>/openid/token`. */
      readonly tokenUrl: string;
    };

/** What every connection gains or changes in normalisation, whatever its CRM. */
interface ConnectionNormalized {
  /** Propstreet externalRefs namespace: the file's, or the connection name. */
  readonly namespace: string;
  /** The object kinds it syncs, each once, in run order (companies before contacts). */
  readonly objects: readonly ObjectConfig[];
  /** Who works where, synced after the kinds: set when the file's objects have `links`. */
  readonly links: LinksConfig | undefined;
}

/** The links phase's settings, every key resolved (the `links` block, else the connection's). */
export interface LinksConfig {
  /** `links.fullScanEvery` in milliseconds; undefined (or 0h): a full scan only when asked. */
  readonly fullScanEveryMs: number | undefined;
  /** The mass-removal guard: `links.deletes`, else the connection's `deletes`. */
  readonly maxShare: number;
  readonly maxCount: number;
  /** The sliding window the guard's limits also hold over, in ms (0: per run only). */
  readonly windowMs: number;
}

/**
 * How a connection syncs one object kind, every key resolved: the kind's block's value, else
 * the connection's (for contacts, also its mapping and key), else the kind's default.
 */
export interface ObjectConfig extends Loaded<Pick<HubspotFile, SyncKeys>> {
  readonly kind: ObjectKind;
  /** Absolute path of the mapping file. */
  readonly mapping: string;
  /** Whether `mapping` is the built-in default for the kind and CRM. */
  readonly mappingIsDefault: boolean;
  /** Passed through unchecked; the mapping loader checks it. */
  readonly mappingOverrides: Readonly<Record<string, unknown>> | undefined;
  /** Where `mappingOverrides` is written in the tenant file, so its problems point there. */
  readonly mappingOverridesAt: KeyPath;
  /**
   * The CRM property holding the Propstreet id: a HubSpot property (`keyProperty` in the file)
   * or a Salesforce External ID field (`externalIdField`).
   */
  readonly keyProperty: string;
}

export interface HubspotConnectionConfig
  extends Loaded<
      Omit<
        HubspotFile,
        NormalizedKeys | 'keyProperty' | 'clientId' | 'clientSecret' | 'refreshToken' | 'oauthTokenEndpoint'
      >
    >,
    ConnectionNormalized {
  /** The OAuth app's credentials, all three; exactly one of this and `accessToken` is set. */
  readonly oauth: HubspotOAuthConfig | undefined;
}

export type HubspotOAuthConfig = {
  readonly [K in 'clientId' | 'clientSecret' | 'refreshToken']-?: NonNullable<HubspotFile[K]>;
} & {
  /** `oauthTokenEndpoint`, defaulted: the token endpoint refreshes go to. */
  readonly tokenEndpoint: NonNullable<HubspotFile['oauthTokenEndpoint']>;
};

export interface SalesforceConnectionConfig
  extends Loaded<Omit<SalesforceFile, NormalizedKeys | 'externalIdField'>>,
    ConnectionNormalized {}

export type ConnectionConfig = HubspotConnectionConfig | SalesforceConnectionConfig;

export type StateConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      readonly schema: string;
      /** 'env' when PROPSYNC_DATABASE_URL overrode the file. */
      readonly from: 'config' | 'env';
    };
