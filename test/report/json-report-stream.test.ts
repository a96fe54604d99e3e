/**
 * The JSON report written chunk by chunk as the plan runs: the same bytes as the whole-report
 * renderer, valid JSON only once finished, and no record held after its chunk is written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import type { RecordPlanShape } from '../../src/engine/types.js';
import { openJsonReportStream } from '../../src/report/json-report-stream.js';
import { renderJson } from '../../src/report/render-json.js';
import { type PlanReport, shownRecords } from '../../src/report/report-model.js';
import { aRecord, aResult, sampleReport } from './builders.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'propsync-json-stream-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Streams `report` as a run would: each connection's records in chunks, then its result. */
async function stream(report: PlanReport, path: string, chunkSize = 3): Promise<void> {
  const out = await openJsonReportStream(path, { redactor });
  for (const c of report.connections) {
    for (let i = 0; i < c.records.length; i += chunkSize)
      await out.records(c.result, c.records.slice(i, i + chunkSize));
    await out.connectionDone(c.result);
  }
  await out.finish(report);
}

/** What a run keeps for a report: no-ops left out (but those holding a conflict). */
const listed = (report: PlanReport): PlanReport => ({
  ...report,
  connections: report.connections.map((c) => ({ ...c, records: shownRecords(c.records) })),
});

describe('the JSON report, streamed', () => {
  it('has the bytes renderJson gives for the same plan (hostile data, two connections)', async () => {
    const path = join(dir, 'sample.json');
    await stream(sampleReport(), path);
    expect(readFileSync(path, 'utf8')).toBe(renderJson(listed(sampleReport()), { redactor }));
  });

  it('the same for no connections, a connection with no records, and one record', async () => {
    const base = sampleReport();
    const cases: PlanReport[] = [
      { ...base, connections: [] },
      { ...base, connections: [{ result: aResult(), records: [] }] },
      {
        ...base,
        connections: [
          { result: aResult(), records: [aRecord({ action: 'noop' })] },
          { result: aResult({ connection: 'sales', crm: 'salesforce' }), records: [aRecord()] },
        ],
      },
    ];
    for (const [i, report] of cases.entries()) {
      const path = join(dir, `edge-${i}.json`);
      await stream(report, path, 1);
      expect(readFileSync(path, 'utf8')).toBe(renderJson(listed(report), { redactor }));
    }
  });

  it('redacts registered secrets in records and results', async () => {
    redactor.register('sk-stream-secret-7731');
    const path = join(dir, 'secret.json');
    await stream(
      {
        ...sampleReport(),
        connections: [
          {
            result: aResult({ abort: { code: 'AUTH', message: 'bad sk-stream-secret-7731' } }),
            records: [aRecord({ reason: 'sk-stream-secret-7731' })],
          },
        ],
      },
      path,
    );
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('sk-stream-secret-7731');
    expect(text).toContain('[REDACTED]');
  });

  it('appears whole or not at all: nothing at the path until finished, nothing left when discarded', async () => {
    const path = join(dir, 'sub', 'discarded.json');
    const out = await openJsonReportStream(path, { redactor });
    await out.records({ connection: 'hubspot', kind: 'contacts' }, [aRecord()]);
    expect(existsSync(path)).toBe(false);
    await out.discard();
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(join(dir, 'sub'))).toEqual([]);
  });

  it('leaves nothing behind when discarded while its file is still being opened', async () => {
    // The file is opened asynchronously: a discard right after opening came before the open,
    // whose file then outlived the discard (CI, 12-03).
    const sub = join(dir, 'early');
    for (let i = 0; i < 20; i++) {
      const out = await openJsonReportStream(join(sub, `early-${i}.json`), { redactor });
      await out.discard();
    }
    expect(readdirSync(sub)).toEqual([]);
  });

  it('50k records through the sink: a complete report, and no record kept once its chunk is written', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const path = join(dir, 'big.json');
    const out = await openJsonReportStream(path, { redactor });
    const total = 50_000;
    const chunkSize = 500;
    // One record of every chunk is watched: were the writer to keep records, they would stay.
    const watched: WeakRef<RecordPlanShape>[] = [];
    const chunkAt = (start: number): RecordPlanShape[] => {
      const chunk = Array.from({ length: chunkSize }, (_, i) =>
        aRecord({
          label: `Person ${start + i}`,
          propstreetId: `ps-${start + i}`,
          crmId: String(start + i),
          toCrm: [{ field: 'email', before: null, after: `p${start + i}@example.com` }],
        }),
      );
      watched.push(new WeakRef(chunk[0] as RecordPlanShape));
      return chunk;
    };
    for (let start = 0; start < total; start += chunkSize)
      await out.records({ connection: 'hubspot', kind: 'contacts' }, chunkAt(start));
    await out.connectionDone(aResult());
    await out.finish(sampleReport());
    // A WeakRef holds its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    const alive = watched.filter((w) => w.deref() !== undefined).length;
    expect(watched).toHaveLength(total / chunkSize);
    expect(alive).toBe(0);

    const report = JSON.parse(readFileSync(path, 'utf8')) as PlanReport;
    expect(Object.keys(report)).toEqual(['connections', 'dryRun', 'generatedAt', 'tenant']);
    expect(report.connections).toHaveLength(1);
    const [c] = report.connections;
    expect(Object.keys(c ?? {})).toEqual(['records', 'result']);
    expect(c?.records).toHaveLength(total);
    expect(c?.records[total - 1]).toMatchObject({ label: `Person ${total - 1}`, crmId: String(total - 1) });
    expect(c?.result.connection).toBe('hubspot');
  });
});
