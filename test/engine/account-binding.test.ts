import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountMismatchError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { bindAccounts } from '../../src/run/account-binding.js';
import { NO_STATE_WRITES } from '../../src/run/state-writes.js';
import type { StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
const orgA = { id: 'propstreet-team:A', label: 'A Capital' };
const orgB = { id: 'propstreet-team:B', label: 'B Partners' };
const portal = { id: 'hubspot-portal:1' };
const run = { dryRun: false, rebind: false, log: silentLogger };

describe('binding a state to its accounts', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await memoryStore();
  });
  afterEach(async () => store.close());

  const bind = (propstreet: typeof orgA | null, o = run) =>
    bindAccounts(
      store,
      scope,
      [
        { api: 'propstreet', current: propstreet },
        { api: 'hubspot', current: portal },
      ],
      { rebind: o.rebind, log: o.log, writes: o.dryRun ? NO_STATE_WRITES : store },
    );

  it('records the accounts on first use (not in a dry run) and accepts them again', async () => {
    await bind(orgA, { ...run, dryRun: true });
    expect(await store.listMeta(scope)).toEqual([]);
    await bind(orgA);
    expect(JSON.parse((await store.getMeta(scope, 'account.propstreet'))!)).toMatchObject({ id: orgA.id });
    expect(JSON.parse((await store.getMeta(scope, 'account.crm'))!)).toMatchObject({ id: portal.id });
    await expect(bind(orgA)).resolves.toBeUndefined();
  });

  it('refuses another account, naming both, and leaves the record as it was', async () => {
    await bind(orgA);
    const before = await store.listMeta(scope);
    const error = await bind(orgB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountMismatchError);
    expect((error as AccountMismatchError).code).toBe('ACCOUNT_MISMATCH');
    expect((error as Error).message).toContain('propstreet-team:A (A Capital)');
    expect((error as Error).message).toContain('propstreet-team:B (B Partners)');
    expect((error as Error).message).toContain('--rebind');
    await expect(bind(orgB, { ...run, dryRun: true })).rejects.toBeInstanceOf(AccountMismatchError);
    expect(await store.listMeta(scope)).toEqual(before);
  });

  it('moves to the new account with rebind (recorded by a real run only)', async () => {
    await bind(orgA);
    await bind(orgB, { ...run, dryRun: true, rebind: true });
    expect(await store.getMeta(scope, 'account.propstreet')).toContain(orgA.id);
    await bind(orgB, { ...run, rebind: true });
    expect(await store.getMeta(scope, 'account.propstreet')).toContain(orgB.id);
    await expect(bind(orgB)).resolves.toBeUndefined();
  });

  it('binds nothing for an API that does not say which account it is', async () => {
    await bind(null);
    expect(await store.getMeta(scope, 'account.propstreet')).toBeNull();
    expect(await store.getMeta(scope, 'account.crm')).not.toBeNull();
  });
});
