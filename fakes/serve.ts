/**
 * Runs the HTTP fakes by themselves until Ctrl-C: `npm run fakes [-- --seed-contacts N]`.
 * Prints each fake's URL and token, and writes a tenant file pointing at them, so the CLI
 * (or curl) can be tried against them. `--help` lists the options.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox/sandbox.js';

/** Enough that a first plan has creates, matches and conflicts to show, and starts at once. */
const DEFAULT_SEED = 300;

const HELP = `Usage: npm run fakes [-- options]

Starts the Propstreet, HubSpot and Salesforce fakes on 127.0.0.1 until Ctrl-C (or SIGTERM,
SIGHUP), prints their URLs and tokens, and writes a tenant file and a .env pointing at them.

Options:
  --seed-contacts <n>          Propstreet contacts to seed (default ${DEFAULT_SEED}; 0 for empty)
  --latency <ms>[,<ms>]        added latency per response, fixed or a min,max range
  --propstreet-per-minute <n>  Propstreet rate limit (default: the fake's, 600/min)
  -h, --help                   show this help
`;

function parseOptions() {
  try {
    return parseArgs({
      options: {
        'seed-contacts': { type: 'string', default: String(DEFAULT_SEED) },
        'propstreet-per-minute': { type: 'string' },
        latency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`fakes: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
}

const values = parseOptions();
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const latency = values.latency?.split(',').map(Number) as [number, number] | undefined;
const sb = await startSandbox({
  ...(values['propstreet-per-minute']
    ? { propstreetPerMinute: Number(values['propstreet-per-minute']) }
    : {}),
  ...(latency ? { latencyMs: [latency[0] ?? 0, latency[1] ?? latency[0] ?? 0] as const } : {}),
});
const n = Number(values['seed-contacts']);
if (!Number.isInteger(n) || n < 0) {
  process.stderr.write(`fakes: --seed-contacts must be a whole number ≥ 0, got ${values['seed-contacts']}\n`);
  await sb.close();
  process.exit(2);
}
if (n > 0) sb.propstreet.generate(n);
const dir = mkdtempSync(join(tmpdir(), 'propsync-fakes-'));
const file = sb.writeTenant(dir, { tenant: 'fakes' });
writeFileSync(
  join(dir, '.env'),
  `${Object.entries(sb.env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`,
);
process.stdout.write(
  [
    `Propstreet  ${sb.propstreet.url}  (Authorization: Bearer ${sb.tokens.propstreet}; ${n} contacts)`,
    `HubSpot     ${sb.hubspot?.url}  (any bearer token)`,
    `Salesforce  ${sb.salesforce?.url}  (Authorization: Bearer ${sb.tokens.salesforce})`,
    `Control APIs: <url>/__control/… (see fakes/*/README.md)`,
    `Tenant file: ${file}   e.g. npx propsync plan ${file}`,
    'Ctrl-C to stop.',
    '',
  ].join('\n'),
);
// `npm run fakes` is npm → tsx → this process. Killing npm by its pid (SIGTERM) does not reach
// tsx (npm 11.19 ended without relaying it, on Linux, and the orphaned tsx kept the ports);
// tsx relays SIGINT and SIGTERM to us but not SIGHUP, and a parent killed outright relays
// nothing. So besides the signals, stop when our parent or its parent goes away (re-parented).
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sb.close();
  process.exit(0);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop());

/** The parent of a process, from /proc (Linux); undefined elsewhere or when it is gone. */
function parentOf(pid: number): number | undefined {
  try {
    // Field 4 of /proc/<pid>/stat, after the parenthesised command name (which may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}
const parent = process.ppid;
const grandparent = parentOf(parent);
setInterval(() => {
  if (process.ppid !== parent || parentOf(parent) !== grandparent) void stop();
}, 500).unref();
