/**
 * The Propstreet network API client: implements the PropstreetApi port over undici.
 * Transport, pacing, retries and error mapping live in http.ts; paging in list-pages.ts; the
 * company and link calls in companies.ts and links.ts.
 */
import { fixedToken, type TokenSource } from '../core/access-token.js';
import { type Clock, systemClock } from '../core/clock.js';
import { type Logger, silentLogger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { defaultRetryPolicy, type RetryPolicy } from '../core/retry.js';
import { BatchUpserter } from './batch-upsert.js';
import { companyCalls } from './companies.js';
import { Transport } from './http.js';
import { fetchIdentity } from './identity.js';
import { linkCalls } from './links.js';
import { CONTACTS_PATH, listContacts } from './list-contacts.js';
import { contactFrom } from './payload.js';
import type { PropstreetApi } from './port.js';
import type { RateBudget } from './rate-budget.js';
import { RateLimiter } from './rate-limiter.js';
import { ifMatchHeaders, onlyMembers, orNull, seg, upsertActionOf } from './resource.js';
import { type PropstreetWebhookCalls, webhookCalls } from './webhooks.js';
import { UPDATE_MEMBERS, UPSERT_MEMBERS } from './write-models.js';

export interface PropstreetClientOptions {
  readonly baseUrl: string;
  /** A fixed bearer token, or a source that refreshes it (client credentials). */
  readonly token: string | TokenSource;
  /** Default page size of every list; default 500 (the maximum). */
  readonly pageSize?: number;
  readonly clock?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
  /**
   * The entry point's redactor: a fixed token is registered with it, errors scrubbed by it (a
   * token source registers its own tokens with the one it was given: the same one). Required:
   * a token registered elsewhere would be printed as it is.
   */
  readonly redactor: Redactor;
  /** Per-request inactivity timeout for headers and body; default 30 000 ms (the API's own). */
  readonly timeoutMs?: number;
  /** Client-side ceiling; default 600 (bot/OAuth tokens). Use 60 for personal access tokens. */
  readonly requestsPerMinute?: number;
  /** Requests allowed back to back under the ceiling; default one second's worth. */
  readonly burst?: number;
  /**
   * The token's send budget when other processes use the token too (rate-budget.ts); default
   * this client's own, from `requestsPerMinute` and `burst`. The client's `close` closes it.
   */
  readonly rateBudget?: RateBudget;
  /** Connections in the pool; default 4. */
  readonly connections?: number;
  /**
   * Path of the batch upsert of contacts by external ref (`propstreet.batchUpsertPath`). The
   * reference documents its models but no path: whatever is set here is a guess. Unset: one
   * upsert per contact.
   */
  readonly batchUpsertPath?: string | undefined;
  /** Jitter source for retry backoff (tests pass a constant). */
  readonly random?: () => number;
}

export interface PropstreetClient extends PropstreetApi {
  /** The organisation's webhook subscriptions (`validate --setup`; not on the port: runs never call it). */
  readonly webhooks: PropstreetWebhookCalls;
  /** Closes the connection pool; the client is unusable afterwards. */
  close(): Promise<void>;
}

export function createPropstreetClient(options: PropstreetClientOptions): PropstreetClient {
  const clock = options.clock ?? systemClock;
  const transport = new Transport({
    baseUrl: options.baseUrl,
    tokens: typeof options.token === 'string' ? fixedToken(options.token, options.redactor) : options.token,
    clock,
    policy: { ...defaultRetryPolicy, ...(options.retry ?? {}) },
    logger: options.logger ?? silentLogger,
    redactor: options.redactor,
    timeoutMs: options.timeoutMs ?? 30_000,
    connections: options.connections ?? 4,
    limiter: new RateLimiter({
      requestsPerMinute: options.requestsPerMinute ?? 600,
      clock,
      ...(options.burst !== undefined ? { burst: options.burst } : {}),
      ...(options.rateBudget ? { budget: options.rateBudget } : {}),
    }),
    ...(options.random ? { random: options.random } : {}),
  });
  const pageSize = options.pageSize ?? 500;
  const batch = options.batchUpsertPath
    ? new BatchUpserter({
        transport,
        path: options.batchUpsertPath,
        logger: options.logger ?? silentLogger,
        clock,
        redactor: options.redactor,
      })
    : undefined;

  return {
    listContacts: (listOptions = {}) => listContacts(transport, listOptions, pageSize),

    getContact: (id) =>
      orNull(async () =>
        contactFrom(
          await transport.send({ method: 'GET', path: `${CONTACTS_PATH}/${seg(id)}`, idempotent: true }),
        ),
      ),

    // With If-Match a repeat cannot overwrite anything newer: at worst it answers 412.
    patchContact: async (id, patch, { ifMatch }) => {
      onlyMembers(patch, UPDATE_MEMBERS, 'PATCH /contacts/{id} (UpdateContactRequest)');
      return contactFrom(
        await transport.send({
          method: 'PATCH',
          path: `${CONTACTS_PATH}/${seg(id)}`,
          body: patch,
          ...ifMatchHeaders(ifMatch),
          idempotent: ifMatch !== undefined,
        }),
      );
    },

    // Never with `match=email`: that would let Propstreet pair records behind the engine's back.
    upsertByExternalRef: async (namespace, externalId, body, upsertOptions = {}) => {
      onlyMembers(body, UPSERT_MEMBERS, 'PATCH /contacts/external/{namespace}/{id} (UpsertContactRequest)');
      const answer = await transport.send({
        method: 'PATCH',
        path: `${CONTACTS_PATH}/external/${seg(namespace)}/${seg(externalId)}`,
        query: {
          revive: upsertOptions.revive === undefined ? undefined : String(upsertOptions.revive),
        },
        body,
        idempotent: true,
      });
      const contact = contactFrom(answer);
      return { contact, action: upsertActionOf(answer, contact.id) };
    },

    upsertContactsByExternalRef: async (namespace, items) => (batch ? batch.upsert(namespace, items) : null),
    batchUpsertFallback: () => batch?.fallback() ?? null,

    deleteContact: async (id, deleteOptions = {}) => {
      await transport.send({
        method: 'DELETE',
        path: `${CONTACTS_PATH}/${seg(id)}`,
        ...ifMatchHeaders(deleteOptions.ifMatch),
        idempotent: true,
      });
    },

    ...companyCalls(transport, pageSize),
    ...linkCalls(transport, pageSize),

    identity: () => fetchIdentity(transport),
    webhooks: webhookCalls(transport, options.redactor),
    usage: () => transport.usage(),
    close: async () => {
      await transport.close();
      options.rateBudget?.close?.();
    },
  };
}
