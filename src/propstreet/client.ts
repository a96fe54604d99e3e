/**
 * The Propstreet network API client: implements the PropstreetApi port over undici.
 * Transport, pacing, retries and error mapping live in http.ts; paging in list-contacts.ts.
 */
import { fixedToken, type TokenSource } from '../core/access-token.js';
import { type Clock, systemClock } from '../core/clock.js';
import { NotFoundError, PayloadError, PropsyncError } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/logger.js';
import { defaultRetryPolicy, type RetryPolicy } from '../core/retry.js';
import { type Answer, Transport } from './http.js';
import { fetchIdentity } from './identity.js';
import { CONTACTS_PATH, listContacts } from './list-contacts.js';
import { contactFrom } from './payload.js';
import type { PropstreetApi, UpsertAction } from './port.js';
import { headerOf, RateLimiter } from './rate-limiter.js';
import type { Contact, ContactWrite } from './schema.js';
import { membersOutside, UPDATE_MEMBERS, UPSERT_MEMBERS } from './write-models.js';

export interface PropstreetClientOptions {
  readonly baseUrl: string;
  /** A fixed bearer token, or a source that refreshes it (client credentials). */
  readonly token: string | TokenSource;
  /** Default page size for listContacts; default 500 (the maximum). */
  readonly pageSize?: number;
  readonly clock?: Clock;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
  /** Per-request inactivity timeout for headers and body; default 30 000 ms (the API's own). */
  readonly timeoutMs?: number;
  /** Client-side ceiling; default 600 (bot/OAuth tokens). Use 60 for personal access tokens. */
  readonly requestsPerMinute?: number;
  /** Requests allowed back to back under the ceiling; default one second's worth. */
  readonly burst?: number;
  /** Connections in the pool; default 4. */
  readonly connections?: number;
  /** Jitter source for retry backoff (tests pass a constant). */
  readonly random?: () => number;
}

export interface PropstreetClient extends PropstreetApi {
  /** Closes the connection pool; the client is unusable afterwards. */
  close(): Promise<void>;
}

const UPSERT_ACTIONS = new Set<UpsertAction>(['created', 'updated', 'revived']);
const seg = (s: string) => encodeURIComponent(s);

/**
 * The server drops members a request model lacks and answers 200: sending one is a bug in the
 * caller, stopped here before it can pass for a write (write-models.ts says which go where).
 */
function onlyMembers(body: ContactWrite, members: ReadonlySet<keyof ContactWrite>, request: string): void {
  const outside = membersOutside(body, members);
  if (outside.length > 0)
    throw new PropsyncError(
      'INTERNAL',
      `${request} does not take ${outside.join(', ')}: the server would ignore it`,
    );
}

export function createPropstreetClient(options: PropstreetClientOptions): PropstreetClient {
  const clock = options.clock ?? systemClock;
  const transport = new Transport({
    baseUrl: options.baseUrl,
    tokens: typeof options.token === 'string' ? fixedToken(options.token) : options.token,
    clock,
    policy: { ...defaultRetryPolicy, ...(options.retry ?? {}) },
    logger: options.logger ?? silentLogger,
    timeoutMs: options.timeoutMs ?? 30_000,
    connections: options.connections ?? 4,
    limiter: new RateLimiter({
      requestsPerMinute: options.requestsPerMinute ?? 600,
      clock,
      ...(options.burst !== undefined ? { burst: options.burst } : {}),
    }),
    ...(options.random ? { random: options.random } : {}),
  });
  const pageSize = options.pageSize ?? 500;

  /** 404 as null, for the lookups whose port contract says so. */
  const orNull = async (get: () => Promise<Answer>): Promise<Contact | null> => {
    try {
      return contactFrom(await get());
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  };

  return {
    listContacts: (listOptions = {}) => listContacts(transport, listOptions, pageSize),

    getContact: (id) =>
      orNull(() => transport.send({ method: 'GET', path: `${CONTACTS_PATH}/${seg(id)}`, idempotent: true })),

    // With If-Match a repeat cannot overwrite anything newer: at worst it answers 412.
    patchContact: async (id, patch, { ifMatch }) => {
      onlyMembers(patch, UPDATE_MEMBERS, 'PATCH /contacts/{id} (UpdateContactRequest)');
      return contactFrom(
        await transport.send({
          method: 'PATCH',
          path: `${CONTACTS_PATH}/${seg(id)}`,
          body: patch,
          ...(ifMatch !== undefined ? { headers: { 'if-match': ifMatch } } : {}),
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
      const header = headerOf(answer.headers, 'x-propstreet-upsert-action')?.toLowerCase();
      if (header !== undefined && !UPSERT_ACTIONS.has(header as UpsertAction))
        throw new PayloadError(
          `Propstreet upsert answered an unknown X-Propstreet-Upsert-Action: ${header}`,
          'headers.X-Propstreet-Upsert-Action',
          contact.id,
          answer.request,
        );
      const action = (header as UpsertAction | undefined) ?? (answer.status === 201 ? 'created' : 'updated');
      return { contact, action };
    },

    deleteContact: async (id, deleteOptions = {}) => {
      await transport.send({
        method: 'DELETE',
        path: `${CONTACTS_PATH}/${seg(id)}`,
        ...(deleteOptions.ifMatch !== undefined ? { headers: { 'if-match': deleteOptions.ifMatch } } : {}),
        idempotent: true,
      });
    },

    identity: () => fetchIdentity(transport),
    usage: () => transport.usage(),
    close: () => transport.close(),
  };
}
