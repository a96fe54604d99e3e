/** How commands print: one JSON object with --json, the terminal report otherwise. */
import { runOutcomes } from '../app/run-outcomes.js';
import type { TenantRun } from '../app/sync-tenant.js';
import type { Redactor } from '../core/redact.js';
import { type PlanReport, renderTerminal } from '../report/index.js';
import { exitCodeForResults } from './exit-codes.js';
import { abortFailure } from './failure.js';

export { printJson } from './print-json.js';

export function useColor(): boolean {
  return process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/**
 * The `--json` shape of run/plan/retry: per connection counts, conflicts, failures, calls, and
 * the links phase's result per connection that syncs links;
 * and `error: { code, message }` when an aborted connection decided the exit code.
 */
export function runJson(runs: readonly TenantRun[]) {
  const results = runs.flatMap(runOutcomes);
  const exitCode = exitCodeForResults(results);
  const failure = abortFailure(results, exitCode);
  return {
    dryRun: runs[0]?.dryRun ?? false,
    exitCode,
    ...(failure ? { error: { code: failure.code, message: failure.message } } : {}),
    tenants: runs.map((r) => ({
      tenant: r.tenant,
      connections: r.connections.map((c) => c.result),
      ...(r.links ? { links: r.links } : {}),
    })),
  };
}

export function printRun(report: PlanReport, redactor: Redactor): void {
  process.stdout.write(`${renderTerminal(report, { color: useColor(), redactor })}\n`);
}
