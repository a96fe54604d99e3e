/** `--json` output: one JSON value on stdout, secrets scrubbed, safe to print on a terminal. */
import type { Redactor } from '../core/redact.js';
import { terminalSafeJson } from '../report/visible-text.js';

export function printJson(value: unknown, redactor: Redactor): void {
  process.stdout.write(`${terminalSafeJson(JSON.stringify(redactor.redactDeep(value), null, 2))}\n`);
}
