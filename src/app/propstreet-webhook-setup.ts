/**
 * `validate --check [--setup]` for the tenant's Propstreet webhook subscription: the one
 * `serve` answers on `/webhooks/<tenant>/propstreet` (every connection of the tenant runs on
 * it). With the public URL known, it lists the organisation's subscriptions and looks for that
 * URL: present → its events must cover what the tenant syncs (contact.*, and company.* /
 * link.* with companies / links) and it must be active; absent → missing. `--check` only
 * reports; `--setup` updates the events and re-enables it, or creates it.
 *
 * The secret comes back once, at creation. It is registered with the redactor at once (no log
 * line or error can carry it) and sealed into the tenant's state store under
 * PROPSYNC_STATE_KEY, where `serve` finds it. Without that key nothing can be stored safely, so
 * it is handed back to be printed once on stdout with the variable to put it in.
 */
import type { TenantConfig } from '../config/index.js';
import type { PropstreetWebhook, PropstreetWebhookCalls } from '../propstreet/webhooks.js';
import { webhookSecretVariable } from '../serve/endpoints.js';
import { readWebhookSecret, storeWebhookSecret } from '../serve/stored-webhook-secret.js';
import type { StateStore } from '../state/port.js';

export interface SetupCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly message: string;
}

export interface WebhookSetupResult {
  readonly checks: SetupCheck[];
  /** A secret that could not be stored (no PROPSYNC_STATE_KEY): print it once, nowhere else. */
  readonly reveal?: { readonly variable: string; readonly secret: string };
}

export interface WebhookSetupInput {
  readonly config: Pick<TenantConfig, 'tenant' | 'connections'>;
  /** `--public-url` or PROPSYNC_PUBLIC_URL; without it serve's URL is unknown. */
  readonly publicUrl: string | undefined;
  readonly webhooks: PropstreetWebhookCalls;
  readonly setup: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The key secrets are sealed with; undefined: nothing can be stored. */
  readonly stateKey: Buffer | undefined;
  /** The tenant's state store (opened only when it is needed). */
  readonly store: () => Promise<StateStore>;
}

const NAME = 'propstreet: webhook';
const ACTIONS = ['created', 'updated', 'deleted'] as const;

/** The event types the tenant's runs read: contacts always, companies and links when synced. */
function wantedEvents(config: Pick<TenantConfig, 'connections'>): string[] {
  const kinds = new Set<string>(['contact']);
  for (const c of config.connections) {
    if (c.objects.some((o) => o.kind === 'companies')) kinds.add('company');
    if (c.links) kinds.add('link');
  }
  return ['contact', 'company', 'link']
    .filter((k) => kinds.has(k))
    .flatMap((k) => ACTIONS.map((a) => `${k}.${a}`));
}

/** The tenant-wide endpoint as `serve` exposes it behind `publicUrl`. */
function tenantWebhookUrl(publicUrl: string, tenant: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/${tenant}/propstreet`;
}

const sameUrl = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export async function setupPropstreetWebhook(input: WebhookSetupInput): Promise<WebhookSetupResult> {
  const { config, webhooks, setup } = input;
  if (!input.publicUrl)
    return {
      checks: [
        {
          name: NAME,
          ok: true,
          message:
            'not checked: no PROPSYNC_PUBLIC_URL (or --public-url), so the URL serve answers on is unknown',
        },
      ],
    };
  const url = tenantWebhookUrl(input.publicUrl, config.tenant);
  const wanted = wantedEvents(config);
  const variable = webhookSecretVariable(config.tenant, undefined, 'propstreet');
  const existing = (await webhooks.listWebhooks()).filter((w) => sameUrl(w.url, url));
  const found = existing[0];
  if (found) return { checks: [await checkExisting(input, found, url, wanted, variable, existing.length)] };
  if (!setup)
    return {
      checks: [
        {
          name: NAME,
          ok: false,
          message: `no subscription for ${url}; \`propsync validate --check --setup\` creates it (events ${wanted.join(', ')})`,
        },
      ],
    };
  const created = await webhooks.createWebhook({ url, events: wanted, name: `propsync ${config.tenant}` });
  const envHasOne = (input.env[variable] ?? '').trim() !== '';
  const note = envHasOne
    ? ` ${variable} is set and wins over the stored secret: replace its value, or unset it, or serve rejects this subscription's deliveries`
    : '';
  if (!input.stateKey)
    return {
      checks: [
        {
          name: NAME,
          ok: true,
          message: `created subscription ${created.id} for ${url} (${wanted.join(', ')}); PROPSYNC_STATE_KEY is not set, so its secret is not stored: it is printed once below, put it in ${variable}.${note}`,
        },
      ],
      reveal: { variable, secret: created.secret },
    };
  const store = await input.store();
  await storeWebhookSecret(store, config.tenant, input.stateKey, {
    secret: created.secret,
    webhookId: created.id,
    url,
  });
  return {
    checks: [
      {
        name: NAME,
        ok: true,
        message: `created subscription ${created.id} for ${url} (${wanted.join(', ')}); its secret is sealed in the state store, where serve finds it.${note}`,
      },
    ],
  };
}

async function checkExisting(
  input: WebhookSetupInput,
  found: PropstreetWebhook,
  url: string,
  wanted: readonly string[],
  variable: string,
  count: number,
): Promise<SetupCheck> {
  const missing = wanted.filter((e) => !found.events.includes(e));
  const problems = [
    ...(missing.length > 0 ? [`missing events ${missing.join(', ')}`] : []),
    ...(found.active ? [] : ['disabled (Propstreet disables one after 10 failed deliveries or a 410)']),
  ];
  const more = count > 1 ? ` (${count} subscriptions have this URL: each delivery runs once more)` : '';
  const secret = await secretState(input, found.id, variable);
  if (problems.length === 0)
    return {
      name: NAME,
      ok: secret.ok,
      message: `subscription ${found.id} for ${url}: events cover ${wanted.join(', ')}, active; ${secret.message}${more}`,
    };
  if (!input.setup)
    return {
      name: NAME,
      ok: false,
      message: `subscription ${found.id} for ${url}: ${problems.join('; ')}; \`--setup\` updates it; ${secret.message}`,
    };
  try {
    const updated = await input.webhooks.updateWebhook(found.id, {
      events: [...new Set([...found.events, ...wanted])],
      is_active: true,
    });
    const still = wanted.filter((e) => !updated.events.includes(e));
    const fixed = still.length === 0 && updated.active;
    return {
      name: NAME,
      ok: fixed && secret.ok,
      message: fixed
        ? `subscription ${found.id} for ${url} updated (was: ${problems.join('; ')}); ${secret.message}`
        : `subscription ${found.id} for ${url}: Propstreet accepted the update but it is still ${still.length > 0 ? `missing ${still.join(', ')}` : 'disabled'}; fix it in Propstreet`,
    };
  } catch (error) {
    return {
      name: NAME,
      ok: false,
      message: `subscription ${found.id} for ${url}: ${problems.join('; ')}, and the update failed (${(error as Error).message}); fix it in Propstreet, or delete it and run --setup again`,
    };
  }
}

/** Whether serve can verify this subscription's deliveries: a variable, or the stored secret. */
async function secretState(
  input: WebhookSetupInput,
  webhookId: string,
  variable: string,
): Promise<{ ok: boolean; message: string }> {
  if ((input.env[variable] ?? '').trim() !== '') return { ok: true, message: `secret from ${variable}` };
  const stored = input.stateKey
    ? await readWebhookSecret(await input.store(), input.config.tenant, input.stateKey)
    : undefined;
  if (stored?.webhookId === webhookId) return { ok: true, message: 'secret sealed in the state store' };
  return {
    ok: false,
    message: `no secret for it: set ${variable} to the secret Propstreet gave when it was created (it is shown only once; if it is lost, delete the subscription and run --setup again)`,
  };
}
