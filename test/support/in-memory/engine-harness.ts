/**
 * One tenant connection on the in-memory ports, for tests that drive whole engine runs: an
 * InMemoryWorld with users acting on both sides, the built-in HubSpot mapping, and SQLite state
 * in a temporary folder. Each run gets fresh ports, so its call counts are its own; reads for
 * assertions go through ports of their own and never count as the engine's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import type { RecordPlan, SyncSettings } from '../../../src/engine/types.js';
import { contactRunPorts } from '../../../src/kinds/contacts/ports.js';
import { CONTACTS } from '../../../src/kinds/contacts/spec.js';
import { mapperFor } from '../../../src/kinds/mapper.js';
import { loadMapping } from '../../../src/mapping/index.js';
import { runConnection } from '../../../src/run/run-connection.js';
import type { ConnectionResult } from '../../../src/run/run-result.js';
import { sinkFor } from '../../../src/run/sink-for.js';
import type { CanonicalValues, Link, StateStore } from '../../../src/state/port.js';
import { createSqliteStateStore } from '../../../src/state/sqlite-store.js';
import { inMemoryCrm, inMemoryPropstreet } from './ports.js';
import { InMemoryUsers } from './users.js';
import { crmId, type Field, InMemoryWorld, psId } from './world.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const NAMESPACE = 'hubspot';
const KEY = 'propstreet_id';
const HUBSPOT_NAMES: Readonly<Record<Field, string>> = {
  firstName: 'firstname',
  lastName: 'lastname',
  email: 'email',
  phone: 'phone',
};

const mapper = mapperFor(
  CONTACTS,
  loadMapping(join(import.meta.dirname, '../../../mappings/hubspot.contacts.yaml')),
);

/** The tenant defaults of a HubSpot connection, with no mass-delete guard and no retry delay. */
export function harnessSettings(over: Partial<SyncSettings> = {}): SyncSettings {
  return {
    tenant: 'props',
    connection: 'hubspot',
    namespace: NAMESPACE,
    direction: 'bidirectional',
    conflictPolicy: 'newest-wins',
    match: ['externalRef', 'key'],
    deletes: { fromPropstreet: 'archive', fromCrm: 'unlink', againstEdit: 'keep-edited', maxShare: 1 },
    ownChangeOrigins: [],
    overlapMs: 0,
    chunkSize: 500,
    propstreetConcurrency: 4,
    maxAttempts: 5,
    retryBaseMs: 0,
    ...over,
  };
}

export interface RunOutcome {
  readonly result: ConnectionResult;
  /** Every record plan, as the sink received it. */
  readonly plans: readonly RecordPlan[];
}

export class EngineHarness {
  readonly world: InMemoryWorld;
  readonly users: InMemoryUsers;
  readonly mapper = mapper;
  private readonly dir: string;
  private store: StateStore | undefined;
  /** Time is the world's: the engine's clock never runs ahead of the records' stamps. */
  private readonly clock: Clock;

  constructor(
    readonly settings: SyncSettings,
    slots: number,
  ) {
    this.world = new InMemoryWorld({ psOnly: 0, empty: slots, logWrites: true });
    this.users = new InMemoryUsers(this.world, HUBSPOT_NAMES);
    this.dir = mkdtempSync(join(tmpdir(), 'propsync-engine-harness-'));
    this.clock = { now: () => new Date(this.world.now()), sleep: async () => undefined };
  }

  private async state(): Promise<StateStore> {
    if (!this.store) {
      this.store = createSqliteStateStore({ path: join(this.dir, 'state.db') });
      await this.store.migrate();
    }
    return this.store;
  }

  private crm() {
    return inMemoryCrm(this.world, {
      keyProperty: KEY,
      names: HUBSPOT_NAMES,
      properties: [...mapper.crmProperties, KEY],
    });
  }

  async run(options: { dryRun?: boolean } = {}): Promise<RunOutcome> {
    const plans: RecordPlan[] = [];
    const result = await runConnection(
      this.settings,
      {
        redactor,
        ...contactRunPorts(inMemoryPropstreet(this.world, NAMESPACE), this.crm()),
        store: await this.state(),
        mapper,
        clock: this.clock,
        logger: silentLogger,
        connectionsInTenant: 1,
      },
      {
        sink: sinkFor({
          dryRun: options.dryRun ?? false,
          observe: (chunk: readonly RecordPlan[]) => void plans.push(...chunk),
        }),
      },
    );
    return { result, plans };
  }

  /** Canonical values of the live Propstreet contact in slot i, or null. */
  async propstreetValues(i: number): Promise<CanonicalValues | null> {
    if (!this.users.psLive(i)) return null;
    const contact = await inMemoryPropstreet(this.world, NAMESPACE).getContact(psId(i));
    return contact ? mapper.fromPropstreet(contact) : null;
  }

  /** Canonical values of the live CRM record in slot i, or null. */
  async crmValues(i: number): Promise<CanonicalValues | null> {
    const [record] = await this.crm().readByIds([crmId(i)]);
    return record ? mapper.fromCrm(record) : null;
  }

  async links(): Promise<Link[]> {
    const store = await this.state();
    const scope = { tenant: this.settings.tenant, connection: this.settings.connection, kind: 'contacts' };
    const out: Link[] = [];
    for (;;) {
      const after = out.at(-1)?.propstreetId;
      const page = await store.listLinks(scope, { limit: 500, ...(after ? { after } : {}) });
      out.push(...page);
      if (page.length < 500) return out;
    }
  }

  /** Open conflicts (conflictPolicy: manual) as `propstreetId:field`. */
  async openConflicts(): Promise<Set<string>> {
    const store = await this.state();
    const scope = { tenant: this.settings.tenant, connection: this.settings.connection, kind: 'contacts' };
    const open = await store.listConflicts(scope, { limit: 10_000 });
    return new Set(open.map((c) => `${c.propstreetId}:${c.field}`));
  }

  async close(): Promise<void> {
    await this.store?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
