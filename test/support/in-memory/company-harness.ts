/**
 * One tenant connection of the companies kind on the in-memory ports (companies.ts): a
 * CompanyWorld, the shipped companies mapping of the CRM, and SQLite state in a temporary
 * folder. HubSpot's flavour keeps `num_associated_contacts`; Salesforce's searches Website by
 * its host and has no contact count. The proof of issue #13 that a kind is a folder: the run
 * is the same `runConnection`, given the companies kind's spec and ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import type { RecordMapper } from '../../../src/engine/record-mapper.js';
import type { RecordPlan, SyncSettings } from '../../../src/engine/types.js';
import { COMPANIES } from '../../../src/kinds/companies/spec.js';
import type { CrmType } from '../../../src/kinds/kind-spec.js';
import { mapperFor } from '../../../src/kinds/mapper.js';
import { runPorts } from '../../../src/kinds/run-ports.js';
import { loadMapping } from '../../../src/mapping/index.js';
import { normaliseDomain } from '../../../src/mapping/transforms.js';
import type { Company, CompanyWrite } from '../../../src/propstreet/company-schema.js';
import { runConnection } from '../../../src/run/run-connection.js';
import type { ConnectionResult } from '../../../src/run/run-result.js';
import { sinkFor } from '../../../src/run/sink-for.js';
import type { CanonicalValues, Link, StateStore } from '../../../src/state/port.js';
import { createSqliteStateStore } from '../../../src/state/sqlite-store.js';
import { inMemoryCrmCompanies } from './company-crm-port.js';
import { inMemoryPropstreetCompanies } from './company-propstreet-port.js';
import { CompanyWorld } from './company-world.js';
import { harnessSettings } from './engine-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const ROOT = join(import.meta.dirname, '../../..');

export interface CompanyRun {
  readonly result: ConnectionResult;
  readonly plans: readonly RecordPlan[];
}

export class CompanyHarness {
  readonly world = new CompanyWorld();
  readonly mapper: RecordMapper<Company, CompanyWrite>;
  readonly keyProperty: string;
  readonly settings: SyncSettings;
  private readonly dir = mkdtempSync(join(tmpdir(), 'propsync-company-harness-'));
  private store: StateStore | undefined;
  private readonly clock: Clock = { now: () => new Date(this.world.now()), sleep: async () => undefined };

  constructor(
    readonly crm: CrmType,
    over: Partial<Omit<SyncSettings, 'deletes'>> & { deletes?: Partial<SyncSettings['deletes']> } = {},
  ) {
    this.mapper = mapperFor(COMPANIES, loadMapping(join(ROOT, COMPANIES.mappingFile(crm))));
    this.keyProperty =
      crm === 'hubspot' ? COMPANIES.crm.hubspot.keyProperty : COMPANIES.crm.salesforce.keyField;
    const { deletes, ...rest } = over;
    const base = harnessSettings({ connection: crm, namespace: crm, ...rest });
    this.settings = { ...base, deletes: { ...base.deletes, ...deletes } };
  }

  private async state(): Promise<StateStore> {
    if (!this.store) {
      this.store = createSqliteStateStore({ path: join(this.dir, 'state.db') });
      await this.store.migrate();
    }
    return this.store;
  }

  /** The CRM port as its adapter would behave for this CRM's company object. */
  crmPort() {
    const { dependantsCount } = COMPANIES.crm[this.crm];
    return inMemoryCrmCompanies(this.world, {
      keyProperty: this.keyProperty,
      properties: this.mapper.crmProperties,
      ...(this.crm === 'salesforce' ? { searchForm: { Website: normaliseDomain } } : {}),
      ...(dependantsCount ? { countProperty: dependantsCount } : {}),
    });
  }

  async run(options: { dryRun?: boolean } = {}): Promise<CompanyRun> {
    const plans: RecordPlan[] = [];
    const result = await runConnection(
      this.settings,
      {
        redactor,
        ...runPorts(
          COMPANIES,
          inMemoryPropstreetCompanies(this.world),
          this.propstreetAccount,
          this.crmPort(),
        ),
        store: await this.state(),
        mapper: this.mapper,
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

  private readonly propstreetAccount = {
    identity: async () => ({ id: 'propstreet-team:in-memory' }),
    usage: () => ({ calls: {} }),
  };

  /** Canonical values of a Propstreet company, as the mapping reads it. */
  propstreetValues(id: string): CanonicalValues {
    return this.mapper.fromPropstreet(this.world.propstreetRecord(id));
  }

  /** Canonical values of a CRM company, as the mapping reads it. */
  crmValues(id: string): CanonicalValues {
    const row = this.world.crmRow(id);
    return this.mapper.fromCrm({ id, properties: row.properties, modifiedAt: '', deleted: row.deleted });
  }

  /** The CRM company created for a Propstreet company (found by its key). */
  crmIdOf(propstreetId: string): string | undefined {
    return this.world.crmIdOf(propstreetId, this.keyProperty);
  }

  /** The Propstreet company holding this connection's ref to a CRM company. */
  propstreetOf(crmId: string): Company | undefined {
    return [...this.world.propstreet.values()].find((c) =>
      c.externalRefs.some((r) => r.namespace === this.crm && r.id === crmId),
    );
  }

  async links(): Promise<Link[]> {
    const store = await this.state();
    return store.listLinks(
      { tenant: this.settings.tenant, connection: this.settings.connection, kind: 'companies' },
      { limit: 1000 },
    );
  }

  /** Writes the connector made since `from` (an index into the world's log). */
  writesSince(from: number) {
    return this.world.writes.slice(from);
  }

  async close(): Promise<void> {
    await this.store?.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
