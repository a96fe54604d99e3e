/**
 * How a failed command ends, whatever failed: one line on stderr that names what failed and
 * what to do, the documented exit code, and with `--json` one JSON object on stdout,
 * `{ error: { code, message }, exitCode }`, so a script reading stdout never gets nothing.
 * A stack trace only with `--verbose`, for errors that are bugs (not a PropsyncError).
 */
import { isPropsyncError } from '../core/errors.js';
import type { Redactor } from '../core/redact.js';
import { EXIT, type ExitCode, exitCodeForError, type RunOutcome } from './exit-codes.js';
import { printJson } from './print-json.js';

export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly exitCode: ExitCode;
  /** Only for unexpected errors. */
  readonly stack?: string | undefined;
}

/** What to do next, per error code, for errors that carry no hint of their own. */
const NEXT_STEP: Readonly<Record<string, string>> = {
  UNAUTHORIZED: '`propsync validate <config> --check` shows which token was refused',
  FORBIDDEN: '`propsync validate <config> --check` shows which scope or permission is missing',
  SETUP_REQUIRED:
    '`propsync validate <config> --check --setup` creates what the CRM allows and lists the rest',
  MASS_DELETE_GUARD:
    'check with `propsync plan <config> --report plan.html`, then `propsync run --force` if intended',
  RUN_IN_PROGRESS: 'wait for it to finish, then run again (a crashed run on this host is taken over at once)',
  NETWORK: 'check the URL and the network, then run again',
  TIMEOUT: 'check the URL and the network, then run again',
  SERVER_ERROR: 'the service failed; run again later',
  RATE_LIMITED: 'run again later',
  DAILY_LIMIT: 'run again after the daily limit resets',
  BUDGET_EXHAUSTED: 'run again after the daily limit resets, or raise dailyBudgetShare',
};

export function describeFailure(error: unknown, exitCode?: ExitCode): Failure {
  if (isPropsyncError(error)) {
    const step = error.hint ?? NEXT_STEP[error.code];
    return {
      code: error.code,
      message: step ? `${error.message}; ${step}` : error.message,
      exitCode: exitCode ?? exitCodeForError(error.code),
    };
  }
  const first = error instanceof Error ? (error.message.split('\n')[0] ?? '') || error.name : String(error);
  return {
    code: 'INTERNAL',
    message: `unexpected error: ${first}; this is a bug: rerun with --verbose and report the stack trace`,
    exitCode: exitCode ?? EXIT.runIncomplete,
    stack: error instanceof Error ? error.stack : undefined,
  };
}

/** The connection abort that decided a run's exit code, as a failure (code, message, next step). */
export function abortFailure(results: readonly RunOutcome[], exitCode: ExitCode): Failure | undefined {
  const decisive = results.find((r) => r.abort && exitCodeForError(r.abort.code) === exitCode);
  if (!decisive?.abort) return undefined;
  const { code, message } = decisive.abort;
  const step = NEXT_STEP[code];
  return {
    code,
    message: `${decisive.tenant}/${decisive.connection}: ${message}${step ? `; ${step}` : ''}`,
    exitCode,
  };
}

export function printFailure(
  failure: Failure,
  options: { json: boolean; verbose: boolean },
  redactor: Redactor,
): void {
  process.stderr.write(`propsync: ${redactor.redact(failure.message)}\n`);
  if (options.verbose && failure.stack) process.stderr.write(`${redactor.redact(failure.stack)}\n`);
  if (options.json)
    printJson(
      { error: { code: failure.code, message: failure.message }, exitCode: failure.exitCode },
      redactor,
    );
}

/** `--json` and `--verbose` as given anywhere before `--` (a failure may precede parsing). */
export function outputFlags(argv: readonly string[]): { json: boolean; verbose: boolean } {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return { json: args.includes('--json'), verbose: args.includes('--verbose') };
}
