/**
 * The demo's log: every line to `demo.log` beside its tenant file (JSON lines, secrets
 * scrubbed like any log), none on the terminal, where they would interleave with the steps
 * the demo prints. A step ends with one readable line when it logged warnings, saying how many
 * and where they are.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';

/** pino's numeric level for `warn`. */
const WARN = 40;

export interface DemoLog {
  readonly logger: Logger;
  readonly path: string;
  /** "2 warnings (first: propstreet request retried); see <path>", or undefined when none since the last call. */
  takeWarnings(): string | undefined;
  close(): void;
}

export function openDemoLog(path: string, redactor: Redactor): DemoLog {
  const fd = openSync(path, 'w');
  let warnings = 0;
  let first: string | undefined;
  const file = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      const line = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      writeSync(fd, line);
      const entry = parseLine(line);
      if (entry && entry.level >= WARN) {
        warnings++;
        first ??= entry.msg;
      }
      done();
    },
  });
  return {
    logger: createLogger({ level: 'info', pretty: false, destination: file, redactor }),
    path,
    takeWarnings() {
      if (warnings === 0) return undefined;
      const text = `${warnings} warning${warnings === 1 ? '' : 's'}${first ? ` (first: ${first})` : ''}; see ${path}`;
      warnings = 0;
      first = undefined;
      return text;
    },
    close: () => closeSync(fd),
  };
}

function parseLine(line: string): { level: number; msg: string | undefined } | undefined {
  try {
    const v = JSON.parse(line) as { level?: unknown; msg?: unknown };
    return typeof v.level === 'number'
      ? { level: v.level, msg: typeof v.msg === 'string' ? v.msg : undefined }
      : undefined;
  } catch {
    return undefined;
  }
}
