/**
 * One engine run on the in-memory ports: `runConnection` with the tenant defaults of a HubSpot
 * connection and the built-in HubSpot mapping, state in a SQLite file on disk.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { mapperFromMapping } from '../src/app/mapper-from-mapping.js';
import { systemClock } from '../src/core/clock.js';
import { silentLogger } from '../src/core/logger.js';
import { Redactor } from '../src/core/redact.js';
import type { SyncSettings } from '../src/engine/types.js';
import { contactRunPorts } from '../src/kinds/contacts/ports.js';
import { loadMapping } from '../src/mapping/index.js';
import { runConnection } from '../src/run/run-connection.js';
import { sinkFor } from '../src/run/sink-for.js';
import { createSqliteStateStore } from '../src/state/index.js';
import { inMemoryCrm, inMemoryPropstreet } from '../test/support/in-memory/ports.js';
import { InMemoryWorld } from '../test/support/in-memory/world.js';
import { type EngineJob, type RunSummary, summarize } from './jobs.js';

/** The bench is an entry point: its own redactor, handed to what it runs. */
const redactor = new Redactor();

const NAMESPACE = 'hubspot';
const KEY = 'propstreet_id';

/** The tenant defaults (src/config/tenant-schema.ts) for a HubSpot connection. */
function engineSettings(): SyncSettings {
  return {
    tenant: 'bench',
    connection: 'hubspot',
    namespace: NAMESPACE,
    direction: 'bidirectional',
    conflictPolicy: 'newest-wins',
    match: ['externalRef', 'key'],
    deletes: {
      fromPropstreet: 'archive',
      fromCrm: 'unlink',
      againstEdit: 'keep-edited',
      maxShare: 0.1,
      maxCount: 500,
    },
    ownChangeOrigins: [],
    overlapMs: 300_000,
    chunkSize: 500,
    propstreetConcurrency: 4,
    maxAttempts: 5,
    retryBaseMs: 60_000,
  };
}

/** The folder holding package.json: this file runs from bench/ (tsx) and dist-bench/bench/. */
function packageRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export async function runEngineJob(job: EngineJob): Promise<RunSummary> {
  const mapping = loadMapping(join(packageRoot(), 'mappings', 'hubspot.contacts.yaml'));
  const mapper = mapperFromMapping(mapping);
  const world = new InMemoryWorld({ psOnly: job.psOnly, crmOnly: job.crmOnly, synced: job.synced });
  const store = createSqliteStateStore({ path: job.statePath });
  await store.migrate();
  try {
    const result = await runConnection(
      engineSettings(),
      {
        redactor,
        ...contactRunPorts(
          inMemoryPropstreet(world, NAMESPACE),
          inMemoryCrm(world, {
            keyProperty: KEY,
            names: { firstName: 'firstname', lastName: 'lastname', email: 'email', phone: 'phone' },
            properties: [...mapper.crmProperties, KEY],
          }),
        ),
        store,
        mapper,
        clock: systemClock,
        logger: silentLogger,
        connectionsInTenant: 1,
      },
      { sink: sinkFor({ dryRun: job.dryRun }) },
    );
    return { ...summarize(result), harnessMb: world.bytes / (1024 * 1024) };
  } finally {
    await store.close();
  }
}
