/**
 * Runs the HTTP fakes by themselves until Ctrl-C: `npm run fakes [-- --seed-contacts N]`.
 * Prints each fake's URL and token, and writes a tenant file pointing at them, so the CLI
 * (or curl) can be tried against them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox/sandbox.js';

const { values } = parseArgs({
  options: {
    'seed-contacts': { type: 'string', default: '0' },
    'propstreet-per-minute': { type: 'string' },
    latency: { type: 'string' },
  },
});
const latency = values.latency?.split(',').map(Number) as [number, number] | undefined;
const sb = await startSandbox({
  ...(values['propstreet-per-minute']
    ? { propstreetPerMinute: Number(values['propstreet-per-minute']) }
    : {}),
  ...(latency ? { latencyMs: [latency[0] ?? 0, latency[1] ?? latency[0] ?? 0] as const } : {}),
});
const n = Number(values['seed-contacts']);
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
    `Control APIs: <url>/__control/… (see test/fakes/*/README.md)`,
    `Tenant file: ${file}   e.g. npx propsync plan ${file}`,
    'Ctrl-C to stop.',
    '',
  ].join('\n'),
);
const stop = async () => {
  await sb.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
