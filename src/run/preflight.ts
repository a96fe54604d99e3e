/**
 * What a run checks after taking its lock and before reading or writing any contact: that the
 * state belongs to the accounts these credentials reach (account-binding.ts), and that the CRM
 * key can hold Propstreet ids without overwriting anyone's data (key-field-check.ts). Costs one
 * identity call per API per run, plus the key check's two calls until a real run remembers it.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { CrmAdapter } from '../crm/port.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { Scope, StateStore } from '../state/port.js';
import { bindAccounts } from './account-binding.js';
import { checkKeyField } from './key-field-check.js';
import type { StateWrites } from './state-writes.js';

export interface PreflightDeps {
  readonly propstreet: PropstreetApi;
  readonly crm: CrmAdapter;
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
  const [propstreet, crm] = await Promise.all([deps.propstreet.identity(), deps.crm.identity()]);
  await bindAccounts(
    deps.store,
    scope,
    [
      { api: 'propstreet', current: propstreet },
      { api: deps.crm.kind, current: crm },
    ],
    o,
  );
  await checkKeyField(deps.store, scope, deps.crm, crm, { writes: o.writes, log: o.log, clock: deps.clock });
}
