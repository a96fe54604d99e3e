/** `--json` output: one JSON value on stdout, secrets scrubbed, safe to print on a terminal. */
import { redactDeep } from '../core/redact.js';
import { terminalSafeJson } from '../report/visible-text.js';

export function printJson(value: unknown): void {
  process.stdout.write(`${terminalSafeJson(JSON.stringify(redactDeep(value), null, 2))}\n`);
}
