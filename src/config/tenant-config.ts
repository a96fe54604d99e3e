/**
 * A tenant's config after loading: validated, defaults filled, `${VAR}`s resolved, paths
 * absolute, and choices that the file leaves implicit made explicit (auth kind, state kind).
 */
import type {
  ConflictPolicy,
  CrmDeletePolicy,
  DeleteAgainstEditPolicy,
  Direction,
  MatchRule,
  PropstreetDeletePolicy,
} from '../engine/types.js';
import type { LOG_LEVELS } from './tenant-schema.js';

export interface TenantConfig {
  /** Absolute path of the YAML file. */
  readonly file: string;
  readonly tenant: string;
  readonly propstreet: PropstreetConfig;
  readonly connections: readonly ConnectionConfig[];
  readonly state: StateConfig;
  /** Cron expression for `propsync schedule`; undefined = manual runs only. */
  readonly schedule: string | undefined;
  readonly log: { readonly level: LogLevel };
  /**
   * Variables the API credentials name but the environment lacks, when loaded with
   * `secrets: 'state'` (commands that call no API); those fields keep their `${VAR}` text.
   */
  readonly unresolvedSecrets?: readonly string[];
}

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface PropstreetConfig {
  readonly baseUrl: string;
  readonly requestsPerMinute: number;
  readonly auth: PropstreetAuth;
}

export type PropstreetAuth =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'client-credentials';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly tokenUrl: string;
    };

export interface ConnectionCommon {
  readonly name: string;
  /** Propstreet externalRefs namespace. */
  readonly namespace: string;
  /** Absolute path of the mapping file. */
  readonly mapping: string;
  /** Whether `mapping` is the built-in default for the type. */
  readonly mappingIsDefault: boolean;
  readonly mappingOverrides: Readonly<Record<string, unknown>> | undefined;
  readonly direction: Direction;
  readonly conflictPolicy: ConflictPolicy;
  readonly match: readonly MatchRule[];
  readonly deletes: {
    readonly fromPropstreet: PropstreetDeletePolicy;
    readonly fromCrm: CrmDeletePolicy;
    readonly againstEdit: DeleteAgainstEditPolicy;
    /** Create a contact again in the CRM after a CRM deletion or merge ended its link. */
    readonly recreate: boolean;
    readonly maxShare: number;
    readonly maxCount: number;
    /** Sliding window of the guard across runs, as written (`24h`). */
    readonly window: string;
  };
  readonly ownChangeOrigins: readonly string[];
  readonly overlapSeconds: number;
  readonly chunkSize: number;
  readonly propstreetConcurrency: number;
  readonly maxAttempts: number;
  readonly retryBaseSeconds: number;
}

export interface HubspotConnectionConfig extends ConnectionCommon {
  readonly type: 'hubspot';
  readonly baseUrl: string;
  /** A private app's token; exactly one of this and `oauth` is set. */
  readonly accessToken: string | undefined;
  readonly oauth: HubspotOAuthConfig | undefined;
  readonly keyProperty: string;
  /** Minutes between walks of the archived-contacts list; 0 = every run. */
  readonly archivedScanMinutes: number;
}

export interface HubspotOAuthConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly refreshToken: string;
}

export interface SalesforceConnectionConfig extends ConnectionCommon {
  readonly type: 'salesforce';
  readonly instanceUrl: string;
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly clientId: string | undefined;
  readonly clientSecret: string | undefined;
  readonly loginUrl: string;
  readonly apiVersion: string;
  readonly externalIdField: string;
  readonly dailyBudgetShare: number;
  /** `allow`: saves past duplicate-rule alerts; `respect`: a matched record fails (DUPLICATES_DETECTED). */
  readonly duplicateRules: 'allow' | 'respect';
}

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
