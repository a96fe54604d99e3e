/**
 * A record that succeeds clears its stored failure; a record that never failed costs no
 * DELETE: the run clears only failures it loaded at its start or recorded itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { contactRunPorts } from '../../src/kinds/contacts/ports.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import { mapperFor } from '../../src/kinds/mapper.js';
import { loadMapping } from '../../src/mapping/index.js';
import { runConnection } from '../../src/run/run-connection.js';
import { sinkFor } from '../../src/run/sink-for.js';
import type { Failure, StateChanges, StateStore } from '../../src/state/port.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { harnessSettings } from '../support/in-memory/engine-harness.js';
import { inMemoryCrm, inMemoryPropstreet } from '../support/in-memory/ports.js';
import { crmId, InMemoryWorld, psId } from '../support/in-memory/world.js';

const mapper = mapperFor(
  CONTACTS,
  loadMapping(join(import.meta.dirname, '../../mappings/hubspot.contacts.yaml')),
);
const NAMES = { firstName: 'firstname', lastName: 'lastname', email: 'email', phone: 'phone' };
const settings = harnessSettings();
const scope = { tenant: settings.tenant, connection: settings.connection, kind: 'contacts' };

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The store, with every commit's changes kept for the assertions. */
function recording(store: StateStore): { store: StateStore; commits: StateChanges[] } {
  const commits: StateChanges[] = [];
  const wrapped: StateStore = Object.create(store);
  wrapped.commit = async (s, changes) => {
    commits.push(changes);
    await store.commit(s, changes);
  };
  return { store: wrapped, commits };
}

function failure(side: Failure['side'], recordId: string): Failure {
  return {
    side,
    recordId,
    attempts: 1,
    lastError: 'earlier failure',
    // Not due yet: the record is in this run's delta anyway, and its success clears it.
    nextRetryAt: new Date(Date.now() + 3_600_000).toISOString(),
    quarantined: false,
    firstFailedAt: new Date().toISOString(),
  };
}

describe('clearing failures', () => {
  it('clears the stored failure of a record that now succeeds, and deletes nothing for the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'propsync-clear-failures-'));
    dirs.push(dir);
    const base = createSqliteStateStore({ path: join(dir, 'state.db') });
    await base.migrate();
    // Record 3 failed on both sides before; ps-99 is no record of this run.
    await base.commit(scope, {
      upsertFailures: [
        failure('propstreet', psId(3)),
        failure('crm', crmId(3)),
        failure('propstreet', 'ps-99'),
      ],
    });
    const { store, commits } = recording(base);
    const world = new InMemoryWorld({ psOnly: 10, crmOnly: 0, synced: false });
    const result = await runConnection(
      settings,
      {
        redactor: new Redactor(),
        ...contactRunPorts(
          inMemoryPropstreet(world, settings.namespace),
          inMemoryCrm(world, {
            keyProperty: 'propstreet_id',
            names: NAMES,
            properties: [...mapper.crmProperties, 'propstreet_id'],
          }),
        ),
        store,
        mapper,
        clock: { now: () => new Date(), sleep: async () => undefined },
        logger: silentLogger,
        connectionsInTenant: 1,
      },
      { sink: sinkFor({ dryRun: false }) },
    );
    expect(result.failures).toEqual([]);
    expect(result.done.create.crm).toBe(10);
    const cleared = commits.flatMap((c) => c.clearFailures ?? []);
    // Only the record that had failed: the other nine succeeded without a DELETE each.
    expect(cleared).toEqual([
      { side: 'propstreet', recordId: psId(3) },
      { side: 'crm', recordId: crmId(3) },
    ]);
    expect((await base.listFailures(scope)).map((f) => `${f.side}:${f.recordId}`)).toEqual([
      'propstreet:ps-99',
    ]);
    await base.close();
  });
});
