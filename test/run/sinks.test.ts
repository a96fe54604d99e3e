/**
 * The two sinks a plan goes to, on an in-memory state store: a dry run's ReportSink writes
 * nothing, state included, and takes no lock; a real run's ExecutorSink holds the run lock from
 * open to close, and commits the checkpoints only when nothing stopped the run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PropsyncError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { PlanTally } from '../../src/engine/plan-tally.js';
import { RunAbort } from '../../src/engine/run-abort.js';
import { PLAN_VERSION } from '../../src/engine/types.js';
import { propstreetContacts } from '../../src/kinds/contacts/ports.js';
import { CONTACTS } from '../../src/kinds/contacts/spec.js';
import type { PropstreetApi } from '../../src/propstreet/port.js';
import type { Contact, ContactWrite } from '../../src/propstreet/schema.js';
import { ExecutorSink } from '../../src/run/executor-sink.js';
import type { RunOutcome, SinkContext } from '../../src/run/plan-sink.js';
import { ReportSink } from '../../src/run/report-sink.js';
import { RunMeter } from '../../src/run/run-meter.js';
import { sinkFor } from '../../src/run/sink-for.js';
import type { StateStore } from '../../src/state/port.js';
import { pairSettings } from '../engine/pair-builders.js';
import { memoryStore } from '../support/memory-store.js';
import { noCalls, offlineCrm } from '../support/offline-ports.js';
import { noBatchUpsert, noCompaniesOrLinks } from '../support/propstreet-stubs.js';

const scope = { tenant: 't', connection: 'hubspot', kind: 'contacts' };
const usage = { calls: {} };
const offlinePropstreet: PropstreetApi = {
  ...noCompaniesOrLinks,
  ...noBatchUpsert,
  listContacts: noCalls,
  getContact: noCalls,
  patchContact: noCalls,
  upsertByExternalRef: noCalls,
  deleteContact: noCalls,
  identity: noCalls,
  usage: () => usage,
};

describe('plan sinks', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await memoryStore();
  });
  afterEach(async () => store.close());

  const context = (abort = new RunAbort()): SinkContext<Contact, ContactWrite> => ({
    settings: pairSettings(),
    scope,
    kind: CONTACTS,
    propstreet: propstreetContacts(offlinePropstreet),
    propstreetAccount: offlinePropstreet,
    crm: offlineCrm,
    crmAccount: { kind: 'hubspot', identity: noCalls, inspectKeyField: noCalls, usage: () => usage },
    store,
    clock: { now: () => new Date('2026-01-05T00:00:00.000Z'), sleep: async () => undefined },
    redactor: new Redactor(),
    abort,
    meter: new RunMeter(),
  });
  const start = (runId: string) => ({ runId, startedAt: '2026-01-05T00:00:00.000Z', log: silentLogger });
  const outcome = (checkpoints?: RunOutcome['checkpoints']): RunOutcome => ({
    startedAt: '2026-01-05T00:00:00.000Z',
    pulled: { propstreet: 0, crm: 0 },
    tally: new PlanTally(),
    checkpoints,
  });
  const checkpoints = {
    propstreet: '2026-01-04T00:00:00.000Z',
    crm: 'crm-page-9',
    crmReadAt: '2026-01-05T00:00:00.000Z',
  };

  it('sinkFor picks the report for a dry run and the executor for a real one', () => {
    expect(sinkFor({ dryRun: true })(context())).toBeInstanceOf(ReportSink);
    expect(sinkFor({ dryRun: false })(context())).toBeInstanceOf(ExecutorSink);
  });

  it('a dry run takes no lock, hands chunks to its observer, and writes no state', async () => {
    const seen: string[] = [];
    const sink = new ReportSink(context(), (records) => {
      seen.push(...records.map((r) => r.action));
    });
    await sink.open();
    // A real run may hold the lock meanwhile: the dry run does not wait for it.
    const real = new ExecutorSink(context());
    await real.open(start('real'));
    await sink.state.setMeta(scope, 'account.crm', 'x');
    await sink.state.commit(scope, { checkpoints: { crm: 'nowhere' } });
    await sink.chunk({ version: PLAN_VERSION, side: 'propstreet', records: [] });
    const result = await sink.close(outcome(checkpoints));
    expect(result).toMatchObject({ dryRun: true, status: 'ok', crm: 'hubspot' });
    expect(seen).toEqual([]);
    expect(await store.listMeta(scope)).toEqual([]);
    expect(await store.getCheckpoint(scope, 'crm')).toBeNull();
    await real.close(outcome());
  });

  it('a dry run plans on past an abort (the guard), and says it stopped', async () => {
    const abort = new RunAbort();
    abort.stop(new PropsyncError('MASS_DELETE_GUARD', 'too many deletes'));
    const sink = new ReportSink(context(abort));
    expect(sink.wantsMore()).toBe(true);
    expect(await sink.close(outcome())).toMatchObject({
      status: 'aborted',
      abort: { code: 'MASS_DELETE_GUARD' },
    });
  });

  it('a real run holds the lock from open to close, and records itself', async () => {
    const first = new ExecutorSink(context());
    await first.open(start('run-1'));
    const second = new ExecutorSink(context());
    await expect(second.open(start('run-2'))).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
    const result = await first.close(outcome(checkpoints));
    expect(result).toMatchObject({ dryRun: false, status: 'ok' });
    expect(await store.getCheckpoint(scope, 'propstreet')).toBe(checkpoints.propstreet);
    expect(await store.getCheckpoint(scope, 'crm')).toBe(checkpoints.crm);
    expect(await store.getMeta(scope, 'crm.checkpointReadAt')).toBe(checkpoints.crmReadAt);
    expect((await store.listRuns(scope, 5)).map((r) => [r.id, r.status])).toEqual([['run-1', 'ok']]);
    await second.open(start('run-3'));
    await second.close(outcome());
  });

  it('a stopped real run wants no more chunks and moves no checkpoint', async () => {
    const abort = new RunAbort();
    const sink = new ExecutorSink(context(abort));
    await sink.open(start('run-1'));
    expect(sink.wantsMore()).toBe(true);
    abort.fail(new PropsyncError('DAILY_LIMIT', 'the CRM daily limit is reached'));
    expect(sink.wantsMore()).toBe(false);
    const result = await sink.close(outcome(checkpoints));
    expect(result).toMatchObject({ status: 'aborted', abort: { code: 'DAILY_LIMIT' } });
    expect(await store.getCheckpoint(scope, 'crm')).toBeNull();
    expect((await store.listRuns(scope, 5)).map((r) => r.status)).toEqual(['aborted']);
  });

  it('a real run holds its write-backs while it reads pages, and sends them while the reader waits (a lull)', async () => {
    // A write-back an earlier run queued, for a link it made.
    const at = '2026-01-04T00:00:00.000Z';
    await store.commit(scope, {
      upsertLinks: [
        {
          propstreetId: 'ps-1',
          crmId: 'hs-1',
          shadow: {},
          propstreetEtag: 'e1',
          crmModifiedAt: null,
          updatedAt: at,
        },
      ],
      enqueueRefs: [
        {
          propstreetId: 'ps-1',
          crmId: 'hs-1',
          namespace: 'hubspot',
          etag: 'e1',
          refs: [],
          enqueuedAt: at,
          attempts: 0,
          lastError: null,
        },
      ],
    });
    const patched: string[] = [];
    let patchedOnce: () => void = () => undefined;
    const firstPatch = new Promise<void>((resolve) => {
      patchedOnce = resolve;
    });
    const api: PropstreetApi = {
      ...offlinePropstreet,
      patchContact: async (id) => {
        patched.push(id);
        patchedOnce();
        throw new Error('Propstreet is down');
      },
    };
    const sink = new ExecutorSink({
      ...context(),
      propstreet: propstreetContacts(api),
      propstreetAccount: api,
    });
    await sink.open(start('run-1'));
    await sink.readsFirst(async (lull) => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      expect(patched).toEqual([]);
      // Without the lull letting the drainer go, this wait would never end.
      await lull(firstPatch);
    });
    expect(patched).toEqual(['ps-1']);
    await sink.close(outcome());
  });
});
