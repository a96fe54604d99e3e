/**
 * The tenant file as written (after `${VAR}` interpolation): zod schemas with defaults and a
 * description per key. Messages set here start with "expected" so the problem formatter can
 * use them verbatim; cross-field rules live in tenant-rules.ts, normalisation (absolute paths,
 * derived defaults) in normalize-tenant.ts. No transforms, so the JSON Schema stays exact.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import {
  type CrmKind,
  conflictPolicySchema,
  crmDeletePolicySchema,
  deleteAgainstEditPolicySchema,
  directionSchema,
  duplicateRuleModeSchema,
  matchRuleSchema,
  propstreetDeletePolicySchema,
} from '../core/vocabulary.js';
import { DURATION } from './duration.js';
import { OBJECT_KINDS, type ObjectKind } from './object-kinds.js';

const SLUG = /^[a-z0-9-]+$/;

const slug = (what: string) =>
  z
    .string({ error: `expected ${what} (lowercase letters, digits and -)` })
    .regex(SLUG, { error: `expected ${what} (lowercase letters, digits and -)` });

/** A refinement, not `z.url()`: the JSON Schema must not reject a `${VAR}` written in its place. */
const httpUrl = (description: string) =>
  z
    .string({ error: 'expected an http(s) URL' })
    .refine(isHttpUrl, { error: 'expected an http(s) URL' })
    .meta({ description: `${description} An http(s) URL.` });

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const count = (min: number, description: string) =>
  z
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected a whole number ≥ ${min}` })
    .meta({ description });

/** A duration such as `90m`, `24h` or `7d` (parsed by duration.ts). */
const duration = (description: string) =>
  z
    .string({ error: 'expected a duration like "24h" (s, m, h or d)' })
    .regex(DURATION, { error: 'expected a duration like "24h" (s, m, h or d)' })
    .meta({ description });

const share = (description: string) =>
  z
    .number({ error: 'expected a share in (0, 1]' })
    .gt(0, { error: 'expected a share in (0, 1]' })
    .lte(1, { error: 'expected a share in (0, 1]' })
    .meta({ description });

/** Secrets must be `${VAR}` references; `writeOnly` marks them in the JSON Schema. */
const secret = (description: string) =>
  z
    .string({ error: 'expected a string' })
    .min(1, { error: 'expected a non-empty string' })
    .meta({
      description: `${description} Secret: must be a \${VARIABLE} reference.`,
      writeOnly: true,
    });

const text = (description: string) =>
  z
    .string({ error: 'expected a string' })
    .min(1, { error: 'expected a non-empty string' })
    .meta({ description });

export const propstreetSchema = z
  .strictObject({
    baseUrl: httpUrl('Propstreet API origin.').default('https://app.propstreet.com'),
    token: secret('Bearer token (personal access or bot token).').optional(),
    clientId: text('OAuth client id for the client-credentials grant (instead of token).').optional(),
    clientSecret: secret('OAuth client secret for the client-credentials grant.').optional(),
    tokenUrl: httpUrl('Token endpoint; default <baseUrl>/openid/token.').optional(),
    requestsPerMinute: count(
      1,
      'Request budget (60/min for personal tokens, 600/min for bot tokens).',
    ).default(600),
    batchUpsertPath: z
      .string({ error: 'expected an API path starting with /' })
      .regex(/^\/[^\s?#]*$/, { error: 'expected an API path starting with / (no query)' })
      .meta({
        description:
          'Opt-in: path of the batch upsert of contacts by external ref, e.g. /api/v1/network/contacts/batch. Propstreet documents the models but no path: any value is a guess until it does. A 404/405 falls back to one upsert per contact. Unset (default): one upsert per contact.',
      })
      .optional(),
  })
  .meta({ description: 'Propstreet API access: token, or clientId + clientSecret.' });

/**
 * The delete keys. Each `.meta` sits inside its `.default`, so an object kind's own copy (the
 * same check, no default) keeps the description.
 */
const deleteKeys = {
  fromPropstreet: propstreetDeletePolicySchema
    .meta({ description: 'What a Propstreet delete does to the linked CRM record.' })
    .default('archive'),
  fromCrm: crmDeletePolicySchema
    .meta({ description: 'What a CRM delete does to the linked Propstreet record.' })
    .default('unlink'),
  againstEdit: deleteAgainstEditPolicySchema
    .meta({
      description:
        'A delete on one side when the other side edited the record since the last sync: keep-edited unlinks and keeps the edited record, delete deletes it anyway. Reported as a conflict either way.',
    })
    .default('keep-edited'),
  recreate: z
    .boolean({ error: 'expected true or false' })
    .meta({
      description:
        'A record whose link a CRM deletion or merge ended is created in the CRM again on its next change (true), or kept out until `propsync relink` (false).',
    })
    .default(false),
  maxShare: share('Abort before deleting more than this share of links in one run.').default(0.1),
  maxCount: count(0, 'Abort before deleting more than this many records in one run.').default(500),
  window: duration(
    'The maxShare and maxCount limits also hold over this sliding window across runs, e.g. 24h; 0h turns it off.',
  ).default('24h'),
};

const deletesSchema = z
  .strictObject(deleteKeys)
  .meta({ description: 'Delete propagation and the mass-delete guard.' });

/** An object kind's deletes: any key set here replaces the connection's, the others are the connection's. */
const objectDeletesSchema = z
  .strictObject({
    fromPropstreet: deleteKeys.fromPropstreet.unwrap().optional(),
    fromCrm: deleteKeys.fromCrm.unwrap().optional(),
    againstEdit: deleteKeys.againstEdit.unwrap().optional(),
    recreate: deleteKeys.recreate.unwrap().optional(),
    maxShare: deleteKeys.maxShare.unwrap().optional(),
    maxCount: deleteKeys.maxCount.unwrap().optional(),
    window: deleteKeys.window.unwrap().optional(),
  })
  .meta({ description: "This object kind's deletes; keys left out are the connection's." });

/**
 * How records sync, set on the connection for every object kind it syncs; an object kind's
 * block may set each of them for itself (objectCommon).
 */
const syncKeys = {
  direction: directionSchema.meta({ description: 'Which way changes flow.' }).default('bidirectional'),
  conflictPolicy: conflictPolicySchema
    .meta({ description: 'Who wins when a field changed on both sides.' })
    .default('newest-wins'),
  match: z
    .array(matchRuleSchema)
    .min(1, { error: 'expected at least one match rule' })
    .meta({
      description:
        'How unlinked records are paired, in order. email (contacts), domain and name (companies) are opt-in; each object kind takes the rules that apply to it.',
    })
    .default(['externalRef', 'key']),
  deletes: deletesSchema.prefault({}),
};

const mappingOverrides = (description: string) =>
  z.record(z.string(), z.unknown()).optional().meta({ description });

/** Keys an object kind's block has, whatever the CRM; unset ones fall back (normalize-tenant.ts). */
const objectCommon = {
  mapping: text(
    "This object kind's mapping file, relative to this config file; default: the built-in one (mappings/<type>.<object>.yaml).",
  ).optional(),
  mappingOverrides: mappingOverrides(
    "Changes to this object kind's mapping (fields/add/remove/defaultRegion), checked by the mapping loader.",
  ),
  direction: syncKeys.direction
    .unwrap()
    .optional()
    .meta({ description: "Unset: the connection's direction." }),
  conflictPolicy: syncKeys.conflictPolicy
    .unwrap()
    .optional()
    .meta({ description: "Unset: the connection's conflictPolicy." }),
  match: syncKeys.match.unwrap().optional().meta({
    description:
      "How unlinked records of this kind are paired, in order. Unset: the connection's rules that apply to it.",
  }),
  deletes: objectDeletesSchema.optional(),
};

const OBJECT_BLOCK =
  "How this connection syncs one object kind (it must be in objects). Keys left out are the connection's; mapping and the key are the kind's own defaults.";

const hubspotObjectSchema = z
  .strictObject({
    ...objectCommon,
    keyProperty: text(
      'Unique property of this HubSpot object holding the Propstreet id; default: propstreet_id (created by `propsync validate --check --setup`).',
    ).optional(),
  })
  .meta({ description: OBJECT_BLOCK });

const salesforceObjectSchema = z
  .strictObject({
    ...objectCommon,
    externalIdField: text(
      'Custom External ID field (…__c) of this sObject holding the Propstreet id; default: Propstreet_Id__c.',
    ).optional(),
  })
  .meta({ description: OBJECT_BLOCK });

/** The kinds a connection syncs; an unknown one is answered with the nearest known name (zod-problems.ts). */
const objectsSchema = z
  .array(z.enum([...OBJECT_KINDS, 'links']), {
    error: 'expected a list of object kinds, e.g. [companies, contacts]',
  })
  .min(1, { error: 'expected at least one object kind' })
  .meta({
    description:
      'The object kinds this connection syncs, e.g. [companies, contacts]. Each has its own links, checkpoints and lock; companies run before contacts. links (with both) syncs who works where after them.',
  })
  .default(['contacts']);

/** Who works where (`links` in objects): how often every contact is re-read, and its removal guard. */
const linksSchema = z
  .strictObject({
    fullScanEvery: duration(
      "Re-read every linked contact's companies this often, e.g. 24h: HubSpot association edits and deleted Salesforce relations change no contact, so no delta shows them. Unset or 0h: only with --reconcile.",
    ).optional(),
    deletes: z
      .strictObject({
        maxShare: deleteKeys.maxShare.unwrap().optional().meta({
          description:
            "Hold the links phase before removing more than this share of the known employments in one run; default: the connection's deletes.maxShare.",
        }),
        maxCount: deleteKeys.maxCount.unwrap().optional().meta({
          description:
            "Hold the links phase before removing more than this many employments in one run; default: the connection's deletes.maxCount.",
        }),
        window: deleteKeys.window.unwrap().optional().meta({
          description:
            "The links' maxShare and maxCount also hold over this sliding window across runs, e.g. 24h; 0h turns it off; default: the connection's deletes.window.",
        }),
      })
      .optional()
      .meta({ description: 'The mass-removal guard of employments (contact–company links, associations).' }),
  })
  .meta({ description: 'Who works where (needs links in objects).' });

/** Keys every connection has, whatever its CRM. */
const connectionCommon = {
  name: slug('a connection name').meta({ description: 'Unique within the tenant.' }),
  namespace: z
    .string({ error: 'expected a string of 1–50 characters' })
    .min(1, { error: 'expected a string of 1–50 characters' })
    .max(50, { error: 'expected a string of 1–50 characters' })
    .optional()
    .meta({ description: 'Propstreet externalRefs namespace (≤ 50 chars); default: the connection name.' }),
  objects: objectsSchema,
  links: linksSchema.optional(),
  mapping: text(
    'The contacts mapping file, relative to this config file; default: the built-in one for the type (contacts.mapping does the same).',
  ).optional(),
  mappingOverrides: mappingOverrides(
    'Changes to the contacts mapping (fields/add/remove/defaultRegion), checked by the mapping loader (contacts.mappingOverrides does the same).',
  ),
  ...syncKeys,
  ownChangeOrigins: z
    .array(text('A changeOrigin value.'))
    .default([])
    .meta({ description: 'Propstreet changeOrigin values that mark our own writes (echo detection).' }),
  overlapSeconds: count(
    0,
    'Window re-read before the checkpoints once per this period (late, lagging or equal-stamped changes); runs in between read from the checkpoints.',
  ).default(300),
  reconcileEvery: duration(
    'Check every link by id against the CRM this often (one call per 100–200 links): records deleted for good (a HubSpot GDPR delete, a Salesforce recycle bin emptied) leave no trace in a delta. 0h: only when the checkpoint is older than the CRM keeps deletions, or with --reconcile.',
  ).default('7d'),
  recheckCrmAfter: duration(
    'A run whose CRM read is older than this reads the records it is about to update again first, and leaves out those a person changed since (CRM updates take no precondition); 0s: always.',
  ).default('60s'),
  chunkSize: count(1, 'Records planned and committed together.').default(500),
  propstreetConcurrency: count(1, 'Propstreet writes in flight at once.').default(4),
  maxAttempts: count(1, 'Attempts (over later runs) before a failing record is quarantined.').default(5),
  retryBaseSeconds: count(0, 'First retry delay for a failed record; doubles per attempt.').default(60),
  refWriteBacks: z
    .strictObject({
      drainFor: duration(
        'After its CRM work, a run keeps writing queued Propstreet externalRef write-backs this long (e.g. 10m; 0s: none); the rest are written by the next runs.',
      ).default('10m'),
    })
    .meta({
      description:
        'Propstreet externalRef write-backs of records created in the CRM: queued in the state store, written beside the run and after it (the ref outbox).',
    })
    .default({ drainFor: '10m' }),
};

export const hubspotConnectionSchema = z
  .strictObject({
    type: z.literal('hubspot' satisfies CrmKind),
    ...connectionCommon,
    baseUrl: httpUrl('HubSpot API origin.').default('https://api.hubapi.com'),
    accessToken: secret(
      'Private-app access token (does not expire). Instead of clientId + clientSecret + refreshToken.',
    ).optional(),
    clientId: text(
      'OAuth app client id (with clientSecret and refreshToken, instead of accessToken).',
    ).optional(),
    clientSecret: secret('OAuth app client secret.').optional(),
    refreshToken: secret(
      'OAuth refresh token of the app install; access tokens (30 min) come from it.',
    ).optional(),
    oauthTokenEndpoint: z
      .enum(['2026-03', 'v3', 'v1'], { error: 'expected 2026-03, v3 or v1' })
      .optional()
      .meta({
        description:
          'OAuth app only: the token endpoint refreshes go to, /oauth/<this>/token; default 2026-03 (HubSpot deprecates v1 on 16 February 2027).',
      }),
    keyProperty: text(
      'Unique contact property holding the Propstreet id; default: propstreet_id (contacts.keyProperty does the same).',
    ).optional(),
    archivedScanMinutes: count(
      0,
      'Read the archived-contacts list (deletions) at most this often; 0 = every run. It costs one call per 100 contacts archived in the last 90 days.',
    ).default(0),
    ...({
      companies: hubspotObjectSchema.optional(),
      contacts: hubspotObjectSchema.optional(),
    } satisfies Record<ObjectKind, z.ZodType>),
  })
  .meta({
    description:
      'A HubSpot portal: accessToken (private app), or clientId + clientSecret + refreshToken (OAuth app).',
  });

export const salesforceConnectionSchema = z
  .strictObject({
    type: z.literal('salesforce' satisfies CrmKind),
    ...connectionCommon,
    instanceUrl: httpUrl('Org URL, e.g. https://acme.my.salesforce.com.'),
    accessToken: secret('OAuth access token.'),
    refreshToken: secret('OAuth refresh token (needs clientId).').optional(),
    clientId: text('Connected-app consumer key, for token refresh.').optional(),
    clientSecret: secret('Connected-app consumer secret, for token refresh.').optional(),
    loginUrl: httpUrl('OAuth host for token refresh.').default('https://login.salesforce.com'),
    apiVersion: z
      .string({ error: 'expected an API version like "62.0"' })
      .regex(/^\d{2,3}\.0$/, { error: 'expected an API version like "62.0"' })
      .default('62.0')
      .meta({ description: 'REST API version (quote it: "62.0").' }),
    externalIdField: text(
      'External-id field on Contact holding the Propstreet id; default: Propstreet_Id__c (contacts.externalIdField does the same).',
    ).optional(),
    dailyBudgetShare: share('Share of the org’s daily API limit this connector may use.').default(0.8),
    duplicateRules: duplicateRuleModeSchema.default('allow').meta({
      description:
        'Salesforce duplicate rules with an alert: allow = save past them (Sforce-Duplicate-Rule-Header: allowSave=true); respect = a matched record fails with DUPLICATES_DETECTED.',
    }),
    changeEvents: z.boolean({ error: 'expected true or false' }).default(false).meta({
      description:
        '`propsync serve` subscribes to Change Data Capture for the objects this connection syncs (Contact, Account) and runs it on each change; needs CDC enabled for them in Salesforce Setup.',
    }),
    ...({
      companies: salesforceObjectSchema.optional(),
      contacts: salesforceObjectSchema.optional(),
    } satisfies Record<ObjectKind, z.ZodType>),
  })
  .meta({ description: 'A Salesforce org.' });

const connectionSchema = z.discriminatedUnion('type', [hubspotConnectionSchema, salesforceConnectionSchema]);

const stateSchema = z
  .strictObject({
    sqlite: text('SQLite file, relative to this config file.').optional(),
    postgres: text(`PostgreSQL URL; its password must come from \${VARIABLE}.`).optional(),
    schema: z
      .string({ error: 'expected a PostgreSQL schema name' })
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'expected a PostgreSQL schema name ([a-z_][a-z0-9_]*)' })
      .optional()
      .meta({ description: 'PostgreSQL schema for the state tables; default propsync.' }),
  })
  .meta({ description: 'Exactly one of sqlite or postgres. PROPSYNC_DATABASE_URL overrides it.' });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const tenantFileSchema = z
  .strictObject({
    tenant: slug('a tenant id').meta({ description: 'Tenant id; scopes all state.' }),
    propstreet: propstreetSchema,
    connections: z
      .array(connectionSchema, { error: 'expected a list of connections' })
      .min(1, { error: 'expected at least one connection' }),
    state: stateSchema.optional(),
    schedule: text('Cron expression for `propsync schedule` (5 or 6 fields, or @hourly…).')
      .superRefine((value, ctx) => {
        const why = cronProblem(value);
        if (why)
          ctx.addIssue({
            code: 'custom',
            message: `expected a cron expression like "*/15 * * * *" (${why})`,
          });
      })
      .optional(),
    log: z
      .strictObject({
        level: z.enum(LOG_LEVELS).default('info').meta({ description: 'Log level.' }),
      })
      .prefault({}),
  })
  .meta({
    title: 'propsync tenant config',
    description: 'One tenant: Propstreet access, CRM connections, state.',
  });

/** Why croner rejects a pattern, or undefined when it is valid. */
function cronProblem(pattern: string): string | undefined {
  try {
    new Cron(pattern, { paused: true }).stop();
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, '');
  }
}

export type TenantFile = z.output<typeof tenantFileSchema>;
