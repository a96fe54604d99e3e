/**
 * A tenant's state names records of one Propstreet organisation and one CRM account. Two
 * tenant files with the same `tenant:` and one state file, but other accounts, would apply
 * the first account's links, checkpoints and deletions to the second. So the accounts are
 * recorded in the scope's meta on first use (before anything is written) and every later run,
 * dry or real, must reach the same ones; `--rebind` moves the state on purpose.
 */
import { type AccountIdentity, describeIdentity } from '../core/account-identity.js';
import { AccountMismatchError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { KIND_NAMES } from '../kinds/names.js';
import type { Scope, StateStore } from '../state/port.js';
import type { StateWrites } from './state-writes.js';

export interface BoundAccount {
  /** 'propstreet', or the CRM's kind ('hubspot', 'salesforce'). */
  readonly api: string;
  /** What the credentials reach now; null when the API does not say. */
  readonly current: AccountIdentity | null;
}

export interface BindingOptions {
  /** Accept accounts other than the recorded ones, and record them (a real run). */
  readonly rebind: boolean;
  readonly log: Logger;
  /** Where the binding is recorded: nowhere in a dry run (the first real run records it). */
  readonly writes: StateWrites;
}

const accountMetaKey = (api: string) => `account.${api === 'propstreet' ? 'propstreet' : 'crm'}`;

/**
 * Compares every account with its recorded one before recording any, so a refusal leaves the
 * meta as it was. Throws AccountMismatchError on the first difference (unless `rebind`).
 */
export async function bindAccounts(
  store: StateStore,
  scope: Scope,
  accounts: readonly BoundAccount[],
  o: BindingOptions,
): Promise<void> {
  const writes: { key: string; value: string }[] = [];
  for (const { api, current } of accounts) {
    const key = accountMetaKey(api);
    if (!current) {
      o.log.warn({ api }, `${api} does not say which account these credentials reach; state not bound to it`);
      continue;
    }
    const own = parseBound(await store.getMeta(scope, key));
    if (own?.id === current.id) continue;
    // A new kind of this connection: bound to what its other kinds are bound to, if anything.
    const sibling = own ? undefined : await boundBySibling(store, scope, key);
    const bound = own ?? (sibling?.id === current.id ? undefined : sibling);
    if (bound && !o.rebind)
      throw new AccountMismatchError(
        `the state of ${scope.tenant}/${scope.connection} belongs to ${api} account ${describeIdentity(bound)}, ` +
          `but these credentials reach ${describeIdentity(current)}. Running would apply the first account's links, ` +
          'checkpoints and deletions to this one, so nothing was done. Use the credentials of the first account, ' +
          'give this tenant its own state (another state file or tenant id) and, for another CRM account, its own ' +
          "`namespace` (the externalRefs of this one name the first account's record ids, which pair with whatever " +
          'this account holds under the same ids), or move this state on purpose with `propsync run <config> --rebind`.',
        api,
        bound.id,
        current.id,
      );
    if (bound)
      o.log.warn(
        { api, from: bound.id, to: current.id },
        `--rebind: the state of ${scope.tenant}/${scope.connection} moves from ${api} account ${describeIdentity(bound)} to ${describeIdentity(current)}; its links and checkpoints are kept`,
      );
    writes.push({ key, value: JSON.stringify({ id: current.id, label: current.label ?? null }) });
  }
  for (const w of writes) await o.writes.setMeta(scope, w.key, w.value);
}

/**
 * A kind this connection did not sync before has no binding of its own: it takes the one its
 * other kinds recorded, so a new kind cannot bind to another account than theirs (a tenant file
 * pointed at another portal while `companies` was added ran companies there, contacts refused).
 */
async function boundBySibling(
  store: StateStore,
  scope: Scope,
  key: string,
): Promise<AccountIdentity | undefined> {
  for (const kind of KIND_NAMES) {
    if (kind === scope.kind) continue;
    const bound = parseBound(await store.getMeta({ ...scope, kind }, key));
    if (bound) return bound;
  }
  return undefined;
}

function parseBound(value: string | null): AccountIdentity | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value) as { id?: unknown; label?: unknown };
    if (typeof parsed.id === 'string')
      return { id: parsed.id, ...(typeof parsed.label === 'string' ? { label: parsed.label } : {}) };
  } catch {
    // Not JSON: an id written by hand.
  }
  return { id: value };
}
