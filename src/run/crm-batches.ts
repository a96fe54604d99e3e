/**
 * Sends CRM writes in full batches and hands back one result per input, in input order.
 * A batch that throws is spread over its inputs as failures, except errors that must stop
 * the run (daily limit, budget, auth), which are rethrown.
 */
import pLimit from 'p-limit';
import { isPropsyncError, type PropsyncError } from '../core/errors.js';
import type { WriteResult } from '../crm/port.js';

const RUN_STOPPERS = new Set(['DAILY_LIMIT', 'BUDGET_EXHAUSTED', 'UNAUTHORIZED', 'FORBIDDEN']);

export function stopsTheRun(error: unknown): error is PropsyncError {
  return isPropsyncError(error) && RUN_STOPPERS.has(error.code);
}

export async function inBatches<T>(
  inputs: readonly T[],
  batchSize: number,
  concurrency: number,
  send: (batch: T[]) => Promise<WriteResult[]>,
): Promise<WriteResult[]> {
  const limit = pLimit(Math.max(1, concurrency));
  const batches: T[][] = [];
  for (let i = 0; i < inputs.length; i += batchSize) batches.push(inputs.slice(i, i + batchSize));
  const settled = await Promise.all(
    batches.map((batch) =>
      limit(async (): Promise<WriteResult[]> => {
        try {
          const out = await send(batch);
          return batch.map(
            (_, j) =>
              out[j] ?? {
                ok: false,
                error: {
                  code: 'unknown',
                  message: 'the CRM returned no result for this input',
                  retryable: true,
                },
              },
          );
        } catch (error) {
          if (stopsTheRun(error)) throw error;
          const message = error instanceof Error ? error.message : String(error);
          const retryable = isPropsyncError(error) ? error.retryable : true;
          return batch.map(() => ({
            ok: false,
            error: { code: retryable ? 'server' : 'unknown', message, retryable },
          }));
        }
      }),
    ),
  );
  return settled.flat();
}
