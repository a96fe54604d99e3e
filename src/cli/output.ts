/** How commands print: one JSON object with --json, the terminal report otherwise. */
import type { TenantRun } from '../app/sync-tenant.js';
import { redactDeep } from '../core/redact.js';
import { renderTerminal } from '../report/index.js';
import { exitCodeForResults } from './exit-codes.js';

export function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(redactDeep(value), null, 2)}\n`);
}

/** The `--json` shape of run/plan/retry: per connection counts, conflicts, failures, calls. */
export function runJson(runs: readonly TenantRun[]) {
  const results = runs.flatMap((r) => r.connections.map((c) => c.result));
  return {
    dryRun: runs[0]?.dryRun ?? false,
    exitCode: exitCodeForResults(results),
    tenants: runs.map((r) => ({ tenant: r.tenant, connections: r.connections.map((c) => c.result) })),
  };
}

export function printRun(run: TenantRun): void {
  process.stdout.write(`${renderTerminal(run, { color: useColor() })}\n`);
}
