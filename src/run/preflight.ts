/**
 * What a run checks after taking its lock and before reading or writing any contact: that the
 * state belongs to the accounts these credentials reach (account-binding.ts), and that the CRM
 * key can hold Propstreet ids without overwriting anyone's data (key-field-check.ts). Costs one
 * identity call per API per run, plus the key check's two calls until a real run remembers it.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Scope, StateStore } from '../state/port.js';
import { bindAccounts } from './account-binding.js';
import { checkKeyField } from './key-field-check.js';
import type { CrmAccount, PropstreetAccount } from './run-deps.js';
import type { StateWrites } from './state-writes.js';

export interface PreflightDeps {
  readonly propstreetAccount: PropstreetAccount;
  readonly crmAccount: CrmAccount;
  readonly crm: { readonly keyProperty: string };
  readonly store: StateStore;
  readonly clock: Clock;
}

export interface PreflightOptions {
  readonly rebind: boolean;
  readonly log: Logger;
  /** Where what the checks learn is recorded: nowhere in a dry run. */
  readonly writes: StateWrites;
}

/** Throws AccountMismatchError or a SETUP_REQUIRED PropsyncError when the run must not go on. */
export async function preflight(deps: PreflightDeps, scope: Scope, o: PreflightOptions): Promise<void> {
  const [propstreet, crm] = await Promise.all([
    deps.propstreetAccount.identity(),
    deps.crmAccount.identity(),
  ]);
  await bindAccounts(
    deps.store,
    scope,
    [
      { api: 'propstreet', current: propstreet },
      { api: deps.crmAccount.kind, current: crm },
    ],
    o,
  );
  await checkKeyField(deps.store, scope, { ...deps.crmAccount, keyProperty: deps.crm.keyProperty }, crm, {
    writes: o.writes,
    log: o.log,
    clock: deps.clock,
  });
}
