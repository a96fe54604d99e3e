/**
 * What decides a tenant run's exit code and failure line: each kind's run result, and each
 * connection's links phase as one more outcome (`links` for its kind), so a mass-removal guard
 * exits 4 like the mass-delete guard and a failed link write 1 like a failed record.
 */
import type { ConnectionResult } from '../run/run-result.js';
import type { TenantRun } from './sync-tenant.js';

export type LinksOutcome = Pick<ConnectionResult, 'tenant' | 'connection' | 'kind' | 'status' | 'abort'>;

export function runOutcomes(run: TenantRun): (ConnectionResult | LinksOutcome)[] {
  return [
    ...run.connections.map((c) => c.result),
    ...(run.links ?? []).map(
      ({ connection, result }): LinksOutcome => ({
        tenant: run.tenant,
        connection,
        kind: 'links',
        status: result.abort ? 'aborted' : result.failed.length > 0 ? 'partial' : 'ok',
        abort: result.abort,
      }),
    ),
  ];
}
