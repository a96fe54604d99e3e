// biome-ignore-all lint/suspicious/noTemplateCurlyInString: expected messages quote ${VAR} references
/**
 * Broken tenant files through the CLI (in process): exit 2, nothing on stdout, and one
 * `file:line:col key: expected …` line on stderr that names the right place.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cliTranscript, describeRun, runCli } from './run-cli.js';

const ENV = {
  PROPSYNC_ACME_PROPSTREET_TOKEN: 'ps-token-for-broken-configs-0001',
  PROPSYNC_ACME_HUBSPOT_TOKEN: 'pat-na1-broken-configs-0002',
};
const LITERAL = 'ps-literal-secret-abcdef123456';

/** A config file's `${NAME}` reference. */
const ref = (name: string) => `\${${name}}`;

// Line numbers below refer to this file (10 lines); `extra` lines go into the first connection, from line 9.
const base = (extra: readonly string[] = [], tail: readonly string[] = []) =>
  [
    'tenant: acme',
    'propstreet:',
    '  baseUrl: http://127.0.0.1:9',
    `  token: ${ref('PROPSYNC_ACME_PROPSTREET_TOKEN')}`,
    'connections:',
    '  - name: hubspot',
    '    type: hubspot',
    `    accessToken: ${ref('PROPSYNC_ACME_HUBSPOT_TOKEN')}`,
    ...extra.map((l) => `    ${l}`),
    ...tail,
    'state:',
    '  sqlite: ./acme.db',
    '',
  ].join('\n');

const salesforce = (name: string, instanceUrl?: string) => [
  `  - name: ${name}`,
  '    type: salesforce',
  ...(instanceUrl ? [`    instanceUrl: ${instanceUrl}`] : []),
  `    accessToken: ${ref('PROPSYNC_ACME_HUBSPOT_TOKEN')}`,
];

interface Case {
  readonly name: string;
  readonly yaml: string;
  /** `line:col key` of the first problem line, and text the message must contain. */
  readonly at: string;
  readonly says: string;
  /** More arguments for `propsync validate <file>`. */
  readonly args?: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'unknown key',
    yaml: base(['conflictPolicey: newest-wins']),
    at: '9:5 connections[0].conflictPolicey',
    says: 'unknown key "conflictPolicey" (did you mean "conflictPolicy"?)',
  },
  {
    name: 'wrong enum value',
    yaml: base(['conflictPolicy: wins']),
    at: '9:21 connections[0].conflictPolicy',
    says: 'expected one of propstreet-wins | crm-wins | newest-wins | manual, got "wins"',
  },
  {
    name: 'missing tenant',
    yaml: base().replace('tenant: acme\n', ''),
    at: '1:1 tenant',
    says: 'got nothing',
  },
  {
    name: 'bad cron',
    yaml: `${base()}schedule: '61 * * * *'\n`,
    at: '11:11 schedule',
    says: 'expected a cron expression',
  },
  {
    name: 'literal token',
    yaml: base().replace(ref('PROPSYNC_ACME_PROPSTREET_TOKEN'), LITERAL),
    at: '4:10 propstreet.token',
    says: 'put it in the environment',
  },
  {
    name: 'missing environment variable',
    yaml: base().replace(ref('PROPSYNC_ACME_HUBSPOT_TOKEN'), ref('PROPSYNC_ACME_NOT_SET_ANYWHERE_TOKEN')),
    at: '8:18 connections[0].accessToken',
    says: 'expected environment variable PROPSYNC_ACME_NOT_SET_ANYWHERE_TOKEN to be set',
    // Offline `validate` needs no API secret; a command that would use it must have it.
    args: ['--check'],
  },
  {
    name: 'a ${…} outside a secret field (HOME, which every process has)',
    yaml: base([`mappingOverrides: { fields: { phone: { default: "${ref('HOME')}" } } }`]),
    at: '9:53 connections[0].mappingOverrides.fields.phone.default',
    says: 'expected no ${…} here (only secret fields read the environment',
  },
  {
    name: 'a secret field reading a variable that is not the tenant’s',
    yaml: base().replace(ref('PROPSYNC_ACME_HUBSPOT_TOKEN'), ref('HOME')),
    at: '8:18 connections[0].accessToken',
    says: 'expected a variable of tenant acme, named PROPSYNC_ACME_…, got ${HOME}',
  },
  {
    name: 'duplicate connection name',
    yaml: base([], salesforce('hubspot', 'https://acme.my.salesforce.com')),
    at: '9:11 connections[1].name',
    says: 'expected a connection name unique in this tenant, got "hubspot"',
  },
  {
    name: 'salesforce without instanceUrl',
    yaml: base([], salesforce('sf')),
    at: '9:5 connections[1].instanceUrl',
    says: 'expected an http(s) URL, got nothing',
  },
  {
    name: 'maxShare 2',
    yaml: base(['deletes:', '  maxShare: 2']),
    at: '10:17 connections[0].deletes.maxShare',
    says: 'expected a share in (0, 1], got 2',
  },
  {
    name: 'YAML syntax error',
    yaml: base().replace('  token: $', '  token: [$'),
    at: '4:12 (syntax)',
    says: 'expected valid YAML',
  },
  {
    name: '!!js/function tag',
    yaml: `${base()}log: !!js/function 'function () { return 1 }'\n`,
    at: '11:20 log',
    says: 'config files cannot run code or use custom tags), got tag !!js/function',
  },
  {
    name: 'chunkSize of the wrong type',
    yaml: base(['chunkSize: lots']),
    at: '9:16 connections[0].chunkSize',
    says: 'expected a whole number, got "lots"',
  },
  {
    name: 'broken mapping override',
    yaml: base(['mappingOverrides:', '  remove: [nosuchfield]']),
    at: '10:16 connections[0].mappingOverrides.remove[0]',
    says: 'no field named "nosuchfield"',
  },
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('broken tenant configs through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-broken-'));
  const results = new Map<string, { file: string; run: CliResult }>();
  beforeAll(async () => {
    for (const [i, c] of CASES.entries()) {
      const file = join(dir, `case-${i}.yaml`);
      writeFileSync(file, c.yaml);
      results.set(c.name, { file, run: await runCli(['validate', file, ...(c.args ?? [])], { env: ENV }) });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(CASES.map((c) => [c.name, c] as const))('%s: exit 2, located message', (_name, c) => {
    const { file, run } = results.get(c.name)!;
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stdout).toBe('');
    const [lineCol, key] = c.at.split(' ') as [string, string];
    const first = new RegExp(`^propsync: ${escapeRe(file)}:${lineCol} ${escapeRe(key)}: (.*)$`, 'm');
    expect(run.stderr, describeRun(run)).toMatch(first);
    expect(run.stderr.match(first)?.[1]).toContain(c.says);
  });

  it('a missing file is a config error too', async () => {
    const run = await runCli(['validate', join(dir, 'nope.yaml')], { env: ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`propsync: no such file: ${join(dir, 'nope.yaml')}`);
    expect(run.stderr).not.toContain('ENOENT');
  });

  it('run stops on a broken override in the second connection before syncing the first', async () => {
    const file = join(dir, 'second-broken.yaml');
    const broken = [...salesforce('sf', 'http://127.0.0.1:9'), '    mappingOverrides:', '      add: [{}]'];
    writeFileSync(file, base([], broken));
    const run = await runCli(['run', file], { env: ENV });
    expect(run.code, describeRun(run)).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`${escapeRe(file)}:\\d+:\\d+ connections\\[1\\]\\.mappingOverrides`),
    );
    // Nothing was contacted and no state was opened: the first connection never started.
    expect(existsSync(join(dir, 'acme.db'))).toBe(false);
  });

  it('never prints a token or the literal secret', () => {
    for (const r of cliTranscript())
      for (const s of [...Object.values(ENV), LITERAL]) expect(`${r.stdout}${r.stderr}`).not.toContain(s);
  });
});
