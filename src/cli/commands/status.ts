/**
 * `propsync status`: per connection and object kind, checkpoints, link counts, failures and
 * quarantine, tombstones, the ref write-back backlog with its ETA at the Propstreet rate, CRM
 * deletions held for a bridge's other connections, last runs.
 */
import type { Command } from 'commander';
import type { Redactor } from '../../core/redact.js';
import { describeCheckpoint } from '../../crm/hubspot/hubspot-checkpoint.js';
import type { RunRecord } from '../../state/port.js';
import { countFlag } from '../count-flag.js';
import { withTenantState } from '../tenant-state.js';
import { refBacklogOf } from './ref-backlog.js';

export function registerStatus(program: Command, redactor: Redactor): void {
  program
    .command('status')
    .description(
      'show checkpoints, links, failures, quarantine and the last runs per connection and object kind',
    )
    .argument('<config>', 'tenant config file (YAML)')
    .option('--json', 'print one JSON object')
    .option('--runs <n>', 'how many recent runs to show', '5')
    .action(async (configPath: string, flags: { json?: boolean; runs: string }) => {
      const { printJson } = await import('../output.js');
      const { runLabel } = await import('../../report/run-label.js');
      const { heldDeletesOf } = await import('../../run/held-deletes.js');
      const runs = countFlag('--runs', flags.runs);
      await withTenantState(configPath, redactor, async (config, store) => {
        const connections = [];
        for (const c of config.connections)
          for (const { kind } of c.objects) {
            const scope = { tenant: config.tenant, connection: c.name, kind };
            const failures = await store.listFailures(scope);
            connections.push({
              connection: c.name,
              kind,
              type: c.type,
              links: await store.countLinks(scope),
              checkpoints: {
                propstreet: await store.getCheckpoint(scope, 'propstreet'),
                crm: await store.getCheckpoint(scope, 'crm'),
              },
              failures: failures.filter((f) => !f.quarantined),
              quarantined: failures.filter((f) => f.quarantined),
              runs: (await store.listRuns(scope, runs)).map(summariseRun),
              tombstones: {
                count: await store.countTombstones(scope),
                newest: await store.listTombstones(scope, { limit: TOMBSTONES_SHOWN }),
              },
              refWriteBacks: refBacklogOf(await store.refBacklog(scope), config.propstreet.requestsPerMinute),
              heldDeletes: [...(await heldDeletesOf(store, scope)).values()],
            });
          }
        const status = { tenant: config.tenant, connections };
        if (flags.json) return printJson(status, redactor);
        const lines = [`tenant ${config.tenant}`];
        for (const c of connections) {
          lines.push(
            `  ${runLabel(c)} (${c.type}): ${c.links} links, ${c.failures.length} failing, ${c.quarantined.length} quarantined`,
            `    checkpoints: propstreet ${c.checkpoints.propstreet ?? '-'}, crm ${readableCheckpoint(c.type, c.checkpoints.crm)}`,
          );
          for (const f of [...c.failures, ...c.quarantined].slice(0, 20))
            lines.push(
              `    ${f.quarantined ? 'quarantined' : 'failing'} ${f.side}:${f.recordId} (${f.attempts}x): ${f.lastError}`,
            );
          if (c.tombstones.count > 0)
            lines.push(
              `    tombstones: ${c.tombstones.count} ${c.kind} not created in the CRM again (\`propsync relink\` lifts one)`,
            );
          if (c.refWriteBacks.pending > 0)
            lines.push(
              `    ref write-backs: ${c.refWriteBacks.pending} pending (${c.refWriteBacks.failing} failing), ETA ${c.refWriteBacks.eta} at ${config.propstreet.requestsPerMinute}/min`,
            );
          for (const h of c.heldDeletes.slice(0, 20))
            lines.push(
              `    held deletion of ${h.propstreetId} (CRM record ${h.crmId} deleted ${h.deletedAt}): waits for the bridge's other connections to sync past it`,
            );
          for (const t of c.tombstones.newest)
            lines.push(
              `    tombstone ${t.propstreetId} (was ${t.crmId}, ${t.endedAt})${t.relinkedAt ? ' relinked, pairs on the next run' : ''}: ${t.reason}`,
            );
          for (const r of c.runs)
            lines.push(`    run ${r.startedAt} ${r.status}${r.finishedAt ? '' : ' (running)'}`);
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    });
}

const TOMBSTONES_SHOWN = 5;

/** HubSpot's checkpoint is JSON for the delta reader; in words here, raw in `--json`. */
function readableCheckpoint(type: string, checkpoint: string | null): string {
  if (checkpoint === null) return '-';
  return (type === 'hubspot' ? describeCheckpoint(checkpoint) : undefined) ?? checkpoint;
}

function summariseRun(r: RunRecord) {
  return { id: r.id, startedAt: r.startedAt, finishedAt: r.finishedAt, status: r.status };
}
