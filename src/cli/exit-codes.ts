/** Exit codes, mapped in one place (the CLI); the engine only speaks in error codes. */
import type { ConnectionResult } from '../run/run-result.js';

export const EXIT = {
  ok: 0,
  someRecordsFailed: 1,
  badConfigOrUsage: 2,
  authOrSetup: 3,
  abortedByGuard: 4,
  runIncomplete: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const CONFIG_CODES = new Set(['CONFIG_INVALID', 'MAPPING_INVALID', 'VALIDATION']);
const AUTH_CODES = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'SETUP_REQUIRED', 'ACCOUNT_MISMATCH']);

export function exitCodeForError(code: string | undefined): ExitCode {
  if (code && CONFIG_CODES.has(code)) return EXIT.badConfigOrUsage;
  if (code && AUTH_CODES.has(code)) return EXIT.authOrSetup;
  if (code === 'MASS_DELETE_GUARD') return EXIT.abortedByGuard;
  return EXIT.runIncomplete;
}

/** What decides an exit code: a kind's run result, or a links phase's outcome (app/run-outcomes.ts). */
export type RunOutcome = Pick<ConnectionResult, 'tenant' | 'connection' | 'status' | 'abort'>;

/** The worst outcome over all connections decides. */
export function exitCodeForResults(results: readonly RunOutcome[]): ExitCode {
  return worstExitCode(
    results.map((r) => {
      if (r.abort) return exitCodeForError(r.abort.code);
      return r.status === 'partial' ? EXIT.someRecordsFailed : EXIT.ok;
    }),
  );
}

/** Worst first: config, then auth/setup, guard, incomplete, some records failed, ok. */
export function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  const rank = (c: ExitCode) => [0, 1, 5, 4, 3, 2].indexOf(c);
  let worst: ExitCode = EXIT.ok;
  for (const code of codes) if (rank(code) > rank(worst)) worst = code;
  return worst;
}
