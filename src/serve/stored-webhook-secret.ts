/**
 * The Propstreet webhook secret `validate --check --setup` got when it created the tenant's
 * subscription. Propstreet shows it once, so it is kept: sealed (AES-256-GCM under
 * PROPSYNC_STATE_KEY, src/core/secret-box.ts) in the tenant's state store, bound to the tenant
 * by the seal's context, as a meta fact of a scope no connection uses. `serve` reads it when
 * `PROPSYNC_<TENANT>_PROPSTREET_WEBHOOK_SECRET` is not set (the variable always wins).
 */
import type { Redactor } from '../core/redact.js';
import { seal, stateKeyFrom, unseal } from '../core/secret-box.js';
import type { Scope, StateStore } from '../state/port.js';
import { webhookSecretVariable } from './endpoints.js';

const META_KEY = 'webhook.propstreet.secret';

/** Not a connection name a tenant file can hold (names are ids without `@`). */
const tenantScope = (tenant: string): Scope => ({ tenant, connection: '@tenant', kind: 'contacts' });
const context = (tenant: string) => `propsync:${META_KEY}:v1:${tenant}`;

export interface StoredWebhookSecret {
  readonly secret: string;
  /** The subscription it signs for, and its URL: for the message when they no longer match. */
  readonly webhookId: string;
  readonly url: string;
}

export async function storeWebhookSecret(
  store: StateStore,
  tenant: string,
  key: Buffer,
  value: StoredWebhookSecret,
): Promise<void> {
  await store.setMeta(tenantScope(tenant), META_KEY, seal(key, JSON.stringify(value), context(tenant)));
}

/** Undefined when none is kept, or it does not open with this key for this tenant. */
export async function readWebhookSecret(
  store: StateStore,
  tenant: string,
  key: Buffer,
): Promise<StoredWebhookSecret | undefined> {
  const sealed = await store.getMeta(tenantScope(tenant), META_KEY);
  if (sealed === null) return undefined;
  const text = unseal(key, sealed, context(tenant));
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<StoredWebhookSecret>;
    return typeof v.secret === 'string' && typeof v.webhookId === 'string' && typeof v.url === 'string'
      ? { secret: v.secret, webhookId: v.webhookId, url: v.url }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tenant's environment for `serve`'s endpoints: with no tenant-wide Propstreet secret
 * variable set, the secret `validate --setup` stored (when PROPSYNC_STATE_KEY opens it) stands
 * in for it. A store that cannot be read leaves the environment as it is: the endpoint is then
 * missing (404), as without the secret, and the warning says why.
 */
export async function withStoredWebhookSecret(
  tenant: string,
  env: Readonly<Record<string, string | undefined>>,
  openStore: () => Promise<StateStore>,
  warn: (message: string, err: string) => void,
  redactor: Redactor,
): Promise<Readonly<Record<string, string | undefined>>> {
  const variable = webhookSecretVariable(tenant, undefined, 'propstreet');
  if ((env[variable] ?? '').trim() !== '') return env;
  let key: Buffer | undefined;
  try {
    key = stateKeyFrom(env, redactor);
  } catch (error) {
    warn('PROPSYNC_STATE_KEY is malformed: no stored webhook secret is read', (error as Error).message);
    return env;
  }
  if (!key) return env;
  let store: StateStore | undefined;
  try {
    store = await openStore();
    const stored = await readWebhookSecret(store, tenant, key);
    if (!stored) return env;
    redactor.register(stored.secret);
    return { ...env, [variable]: stored.secret };
  } catch (error) {
    warn('could not read the stored Propstreet webhook secret', (error as Error).message);
    return env;
  } finally {
    await store?.close().catch(() => undefined);
  }
}
