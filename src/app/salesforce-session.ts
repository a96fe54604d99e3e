/**
 * Keeps a refreshed Salesforce session between runs, so that a scheduled run starts with the
 * last session instead of spending a rejected call and a token request every time (Salesforce
 * sessions outlive a run: the org's session timeout, 2 hours by default, decides).
 *
 * Encrypted or not at all: the session is sealed with PROPSYNC_STATE_KEY (AES-256-GCM,
 * core/secret-box.ts) into the `salesforce.session` fact of `sessionScope`; without the key nothing is
 * stored and every run starts from the configured token. A kept session is used only by the
 * same tenant and connection (the seal's context), for the same org URL and the same configured
 * refresh token (a new refresh token in the environment means a new grant: the kept one is
 * ignored). A rotated refresh token is kept with it, since the configured one then no longer works.
 */
import { createHash } from 'node:crypto';
import type { SalesforceConnectionConfig } from '../config/index.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import { seal, unseal } from '../core/secret-box.js';
import { type SharedSession, sharedSession } from '../crm/salesforce/shared-session.js';
import { connectionFacts, type Scope, type StateStore } from '../state/port.js';

export const SESSION_META_KEY = 'salesforce.session';

/** Where a connection's session is kept: with the connection's facts (state/port.ts). */
export function sessionScope(tenant: string, connection: string): Scope {
  return connectionFacts({ tenant, connection });
}

export interface SalesforceSession {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
}

export interface SessionKeeper {
  /** The session to open the connection with. */
  readonly start: SalesforceSession;
  /**
   * The session to open an adapter with now: `start`, or the last refresh. A connection's
   * object kinds each open an adapter on the one session, one after the other, and a refresh
   * may have rotated the refresh token `start` holds.
   */
  current(): SalesforceSession;
  /**
   * The one session every client of the connection renews through (shared-session.ts): its
   * kinds' adapters and its links phase's clients, some open at once; it reports each refresh
   * to `onRefreshed`.
   */
  readonly session: SharedSession;
  /** Whether `start` came from the store rather than the config. */
  readonly fromStore: boolean;
  /** For the adapter's onTokenRefreshed: keeps the new session (sealed) when a key is set. */
  onRefreshed(session: { accessToken: string; refreshToken: string }): void;
  /** Waits for the saves in flight; call before the store closes. */
  flush(): Promise<void>;
}

interface Kept {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly instanceUrl: string;
  /** Fingerprint of the configured refresh token the session descends from. */
  readonly grant: string;
}

export async function openSalesforceSession(
  store: StateStore,
  scope: Scope,
  connection: SalesforceConnectionConfig,
  key: Buffer | undefined,
  logger: Logger,
  redactor: Redactor,
  options: { dryRun?: boolean } = {},
): Promise<SessionKeeper> {
  const configured: SalesforceSession = {
    accessToken: connection.accessToken,
    refreshToken: connection.refreshToken,
  };
  const log = logger.child({ tenant: scope.tenant, connection: scope.connection });
  // Without a refresh token nothing is ever refreshed, so there is nothing to keep.
  if (!connection.refreshToken) return keeper(configured, false, () => {});
  const grant = createHash('sha256').update(connection.refreshToken).digest('hex').slice(0, 16);
  const context = `propsync:${SESSION_META_KEY}:v1:${scope.tenant}/${scope.connection}`;
  if (!key) {
    return keeper(configured, false, (session) => {
      if (session.refreshToken !== connection.refreshToken)
        log.warn(
          'Salesforce rotated the refresh token, and without PROPSYNC_STATE_KEY it cannot be kept: the next run needs a new refresh token in the environment',
        );
    });
  }
  /** The session kept in the store now, when it descends from this grant on this org. */
  const keptNow = async (): Promise<Kept | undefined> => {
    const kept = readKept(await store.getMeta(scope, SESSION_META_KEY), key, context);
    const usable =
      kept && kept.grant === grant && kept.instanceUrl === connection.instanceUrl ? kept : undefined;
    if (usable) {
      redactor.register(usable.accessToken);
      redactor.register(usable.refreshToken);
    }
    return usable;
  };
  const usable = await keptNow();
  if (usable) log.debug('starting with the Salesforce session kept from an earlier run');
  let saving: Promise<void> = Promise.resolve();
  return keeper(
    usable ? { accessToken: usable.accessToken, refreshToken: usable.refreshToken } : configured,
    usable !== undefined,
    (session) => {
      // A dry run writes no state, except a refresh token Salesforce rotated: without it the
      // next run could not sign in (the configured one is spent).
      if (options.dryRun && session.refreshToken === (usable?.refreshToken ?? connection.refreshToken))
        return;
      const value: Kept = { ...session, instanceUrl: connection.instanceUrl, grant };
      // In order, so that the last refresh is what stays.
      saving = saving
        .then(() => store.setMeta(scope, SESSION_META_KEY, seal(key, JSON.stringify(value), context)))
        .catch((error: unknown) =>
          log.warn({ err: (error as Error).message }, 'could not keep the refreshed Salesforce session'),
        );
    },
    () => saving,
    // Another process (a cron run beside `serve`, `serve`'s change stream beside its runs) may
    // have renewed the session since: asked before a refresh (see shared-session.ts).
    async () => {
      await saving;
      const now = await keptNow();
      return now && { accessToken: now.accessToken, refreshToken: now.refreshToken };
    },
  );
}

function keeper(
  start: SalesforceSession,
  fromStore: boolean,
  onRefreshed: SessionKeeper['onRefreshed'],
  flush: () => Promise<void> = async () => {},
  kept?: () => Promise<SalesforceSession | undefined>,
): SessionKeeper {
  let latest = start;
  const keep = (session: { accessToken: string; refreshToken: string }) => {
    latest = session;
    onRefreshed(session);
  };
  const session = sharedSession(start, {
    onRefreshed: keep,
    kept:
      kept &&
      (async () => {
        const now = await kept();
        if (now) latest = now;
        return now;
      }),
  });
  return {
    start,
    fromStore,
    current: () => latest,
    session,
    onRefreshed: keep,
    flush,
  };
}

/** The kept session, or undefined when there is none or it does not open with this key here. */
function readKept(sealed: string | null, key: Buffer, context: string): Kept | undefined {
  if (sealed === null) return undefined;
  const text = unseal(key, sealed, context);
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Kept>;
    return typeof v.accessToken === 'string' &&
      typeof v.refreshToken === 'string' &&
      typeof v.instanceUrl === 'string' &&
      typeof v.grant === 'string'
      ? (v as Kept)
      : undefined;
  } catch {
    return undefined;
  }
}
