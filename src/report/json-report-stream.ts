/**
 * The JSON report written while the plan runs: each chunk of records goes to the file as the
 * plan sink hands it over, each connection's result after its records, the tenant's fields at
 * the end. Nothing but the current chunk is held, so a 1M-record first sync has a complete
 * report without the report in memory. The bytes are those `renderJson` gives for the same
 * plan: keys sorted at every level puts a connection's `records` before its `result`, and
 * the report's `connections` before `dryRun`, `generatedAt` and `tenant`, the order in which
 * a run learns them. The file appears whole or not at all (temp file + rename).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { boundRecord } from '../engine/bounded-result.js';
import type { RecordPlanShape } from '../engine/types.js';
import type { ConnectionResult } from '../run/run-result.js';
import { boundResult } from '../run/run-result.js';
import { boundLinks, type LinksReport } from './bound-links.js';
import { type ReportOptions, shownRecords } from './report-model.js';
import { runLabel } from './run-label.js';
import { sortedJsonAt } from './sorted-json.js';

/** One object kind of one connection: a section of the report. */
interface ReportRun {
  readonly connection: string;
  readonly kind: string;
}

export interface JsonReportStream {
  /** A chunk of one run's plan, as the sink receives it (what a report lists is kept). */
  records(run: ReportRun, chunk: readonly RecordPlanShape[]): Promise<void>;
  /** The run's result (its connection and kind are the result's), once its last chunk is written. */
  connectionDone(result: ConnectionResult): Promise<void>;
  /** Writes the tenant's fields, closes the file and moves it into place. */
  finish(report: {
    readonly tenant: string;
    readonly dryRun: boolean;
    readonly generatedAt: string;
    readonly links?: readonly LinksReport[] | undefined;
  }): Promise<void>;
  /** Drops the unfinished file (the run stopped before its report was complete). */
  discard(): Promise<void>;
}

/** Indent depths in the report: `{ connections: [ { records: [ record ], result } ] }`. */
const RECORD_DEPTH = 4;
const RESULT_DEPTH = 3;
const TOP_DEPTH = 1;

export async function openJsonReportStream(path: string, options: ReportOptions): Promise<JsonReportStream> {
  const { redactor } = options;
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const file = createWriteStream(tmp, { encoding: 'utf8' });
  let failed: Error | undefined;
  file.on('error', (e) => {
    failed = e;
  });
  let connections = 0;
  let open: { readonly name: string; records: number } | undefined;
  let closed = false;

  const write = async (text: string): Promise<void> => {
    if (failed) throw failed;
    if (!file.write(text)) await drained(file, () => failed);
  };
  const openConnection = async (name: string): Promise<{ name: string; records: number }> => {
    if (open?.name === name) return open;
    if (open) throw new Error(`report: ${name} began before ${open.name} had its result`);
    open = { name, records: 0 };
    await write(`${connections > 0 ? ',' : ''}\n    {\n      "records": [`);
    connections++;
    return open;
  };

  await write('{\n  "connections": [');
  return {
    async records(run, chunk) {
      const shown = shownRecords(chunk);
      if (shown.length === 0) return;
      const current = await openConnection(runLabel(run));
      let text = '';
      for (const r of shown) {
        text += `${current.records > 0 ? ',' : ''}\n        ${sortedJsonAt(boundRecord(redactor.redactDeep(r)), RECORD_DEPTH)}`;
        current.records++;
      }
      await write(text);
    },
    async connectionDone(result) {
      const current = await openConnection(runLabel(result));
      const text = sortedJsonAt(boundResult(redactor.redactDeep(result)), RESULT_DEPTH);
      await write(`${current.records > 0 ? '\n      ]' : ']'},\n      "result": ${text}\n    }`);
      open = undefined;
    },
    async finish(report) {
      if (open) throw new Error(`report: ${open.name} has no result`);
      const field = (v: unknown) => sortedJsonAt(redactor.redactDeep(v), TOP_DEPTH);
      // Who works where comes last of a run, small (a row per changed employment): written whole.
      const links = report.links
        ? `\n  "links": ${sortedJsonAt(boundLinks(redactor.redactDeep(report.links)), TOP_DEPTH)},`
        : '';
      await write(
        `${connections > 0 ? '\n  ]' : ']'},\n  "dryRun": ${field(report.dryRun)},\n  "generatedAt": ${field(report.generatedAt)},${links}\n  "tenant": ${field(report.tenant)}\n}\n`,
      );
      closed = true;
      file.end();
      try {
        await finished(file);
        if (failed) throw failed;
        await rename(tmp, path);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },
    async discard() {
      if (!closed && !file.closed) {
        // The file is opened asynchronously, and a stream destroyed while opening still creates
        // it: the removal waits for the stream to close, or the file would outlive it.
        const gone = new Promise<void>((resolve) => file.once('close', () => resolve()));
        file.destroy();
        await gone;
      }
      closed = true;
      await rm(tmp, { force: true });
    },
  };
}

/** Waits until the stream takes more (or fails): what the plan waits for, not memory. */
function drained(file: WriteStream, failed: () => Error | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      file.off('drain', done);
      file.off('error', done);
      const e = failed();
      if (e) reject(e);
      else resolve();
    };
    file.on('drain', done);
    file.on('error', done);
  });
}
