/**
 * A connection run's result: what was read, planned and done, what failed, and why it stopped
 * early when it did. It goes to logs, reports, `--json` and the run log, so it is scrubbed of
 * secrets and bounded once, here.
 */
import { clipText, LABEL_MAX, MESSAGE_MAX } from '../core/clip-text.js';
import type { Redactor } from '../core/redact.js';
import { boundConflict } from '../engine/bounded-result.js';
import type { PlanTally } from '../engine/plan-tally.js';
import type { RunAbort } from '../engine/run-abort.js';
import type { ApiCalls, FieldConflict, Notice, PlanCounts, RecordFailure } from '../engine/types.js';
import type { Scope, Side } from '../state/port.js';

export interface ConnectionResult {
  readonly tenant: string;
  readonly connection: string;
  /** The object kind the run synced (its scope's): `contacts`, `companies`. */
  readonly kind: string;
  readonly crm: string;
  readonly dryRun: boolean;
  /** Nothing failed; some records failed (each recorded); or the run stopped early (`abort`). */
  readonly status: 'ok' | 'partial' | 'aborted';
  readonly pulled: Record<Side, number>;
  readonly planned: PlanCounts;
  /** Operations that succeeded (real run only; zeros in a dry run). */
  readonly done: PlanCounts;
  readonly conflicts: readonly (FieldConflict & {
    readonly propstreetId: string | null;
    readonly crmId: string | null;
  })[];
  readonly failures: readonly RecordFailure[];
  /** CRM merges and deletes against edits, once each (also on their records' plans). */
  readonly notices: readonly Notice[];
  readonly invalid: readonly {
    readonly side: Side;
    readonly id: string | undefined;
    readonly message: string;
  }[];
  readonly calls: ApiCalls;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Why the run stopped early (guard, auth, daily limit), when it did. */
  readonly abort?: { readonly code: string; readonly message: string } | undefined;
  /**
   * Propstreet externalRef write-backs still queued in the state store when the run ended (the
   * ref outbox; `failing`: those that failed at least once). Absent from a dry run.
   */
  readonly refWriteBacks?: { readonly pending: number; readonly failing: number } | undefined;
}

/** What a run's sink reports of executing the plan (nothing in a dry run). */
export interface Executed {
  readonly done: PlanCounts;
  readonly failures: readonly RecordFailure[];
}

export interface ResultInput {
  readonly scope: Scope;
  readonly crm: string;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly pulled: Record<Side, number>;
  readonly tally: PlanTally;
  readonly executed: Executed;
  readonly abort: RunAbort;
  readonly calls: ApiCalls;
  readonly redactor: Redactor;
}

export function buildResult(input: ResultInput): ConnectionResult {
  const { tally, executed } = input;
  const abort = input.abort.summary();
  const status: ConnectionResult['status'] = abort
    ? 'aborted'
    : executed.failures.length > 0 || tally.invalid.length > 0
      ? 'partial'
      : 'ok';
  // Error texts from the APIs may echo a token back, and labels and values carry whatever a
  // record holds: scrubbed first (a clipped secret would no longer be recognised), then bounded.
  return boundResult(
    input.redactor.redactDeep({
      tenant: input.scope.tenant,
      connection: input.scope.connection,
      kind: input.scope.kind,
      crm: input.crm,
      dryRun: input.dryRun,
      status,
      pulled: input.pulled,
      planned: tally.counts,
      done: executed.done,
      conflicts: tally.conflicts,
      failures: [...executed.failures],
      notices: tally.notices,
      invalid: tally.invalid,
      calls: input.calls,
      startedAt: input.startedAt,
      finishedAt: input.finishedAt,
      abort,
    }),
  );
}

/**
 * The result with every data-bearing text bounded (src/core/clip-text.ts): one huge field value
 * cannot blow up `--json`, the reports, the logs or the state file's run records.
 */
export function boundResult(r: ConnectionResult): ConnectionResult {
  return {
    ...r,
    conflicts: r.conflicts.map(boundConflict),
    failures: r.failures.map((f) => ({
      ...f,
      label: clipText(f.label, LABEL_MAX),
      error: clipText(f.error, MESSAGE_MAX),
    })),
    invalid: r.invalid.map((v) => ({ ...v, message: clipText(v.message, MESSAGE_MAX) })),
    abort: r.abort ? { ...r.abort, message: clipText(r.abort.message, MESSAGE_MAX) } : undefined,
  };
}
