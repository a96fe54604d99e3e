/**
 * Why a run stops early, owned in one place. The executor, the ref drainer, the mass-delete guard
 * and the run itself report into it; the first reason wins, and what reads it (the chunk loop,
 * the checkpoint commit, the result) sees one typed value.
 */
import { PropsyncError } from '../core/errors.js';

export class RunAbort {
  private first: PropsyncError | undefined;

  /** The reason the run stops, when it does. */
  get reason(): PropsyncError | undefined {
    return this.first;
  }

  get stopped(): boolean {
    return this.first !== undefined;
  }

  /** Records why the run stops, unless an earlier reason already does. */
  stop(reason: PropsyncError): void {
    this.first ??= reason;
  }

  /** Records an error that stops the run; anything but a PropsyncError stops it as INTERNAL. */
  fail(error: unknown): void {
    this.stop(
      error instanceof PropsyncError
        ? error
        : new PropsyncError('INTERNAL', error instanceof Error ? error.message : String(error), {
            cause: error,
          }),
    );
  }

  /** The reason as the run result states it. */
  summary(): { readonly code: string; readonly message: string } | undefined {
    return this.first ? { code: this.first.code, message: this.first.message } : undefined;
  }
}
