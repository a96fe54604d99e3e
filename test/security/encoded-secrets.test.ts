/**
 * Regression: a server that echoes its request URL put the URL-encoded Salesforce token
 * (`00D…!…` → `00D…%21…`) into `run --json`, the logs, all three report formats and the
 * state file's run records; the redactor only knew tokens verbatim. Here the Salesforce
 * fake's errors echo every token URL-encoded (a query string and a form body), \u-escaped
 * (as .NET and Python write JSON) and inside a `Basic base64(client:secret)` header, and
 * every output of `propsync run` and `status` is scanned for all of those forms.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli/run-cli.js';
import { childEnv, startWorld, type World } from '../reliability/support/world.js';

let world: World;
const outputs: { what: string; text: string }[] = [];
/** Every form of every token that the fake echoed. */
let forms: { token: string; form: string; text: string }[];

const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);
const jsonEscaped = (s: string) =>
  s.replace(/[^A-Za-z0-9]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const basic = (s: string) => Buffer.from(`propsync-client:${s}`).toString('base64');

async function cli(args: string[]): Promise<CliResult> {
  const r = await runCli(args, { env: childEnv(world) });
  outputs.push(
    { what: `stdout of ${args.join(' ')}`, text: r.stdout },
    { what: `stderr of ${args.join(' ')}`, text: r.stderr },
  );
  return r;
}

function echoFault() {
  const echo = forms.map((f) => f.text).join(' ');
  world.sb.salesforce!.http.faults.add({
    kind: 'status',
    status: 400,
    path: /\/composite\/sobjects\/Contact\//,
    body: [{ errorCode: 'INVALID_FIELD', message: `request was ${echo}` }],
    times: 1,
  });
}

beforeAll(async () => {
  world = await startWorld({ seed: 11 });
  writeFileSync(
    world.configFile,
    readFileSync(world.configFile, 'utf8').replace('level: warn', 'level: trace'),
  );
  const tokens = [...new Set(Object.values(world.sb.env))];
  expect(
    tokens.some((t) => t.includes('!')),
    'the Salesforce fake issues 00D…!… tokens',
  ).toBe(true);
  forms = tokens.flatMap((token) => [
    { token, form: 'query string', text: `GET /services/data/v62.0/query?access_token=${form(token)}` },
    { token, form: 'encodeURIComponent', text: `next=${encodeURIComponent(token)}` },
    { token, form: '\\u-escaped', text: `{"token":"${jsonEscaped(token)}"}` },
    { token, form: 'basic auth', text: `Authorization: Basic ${basic(token)}` },
  ]);
  let n = 0;
  for (const ext of ['html', 'md', 'json']) {
    world.createPeople('propstreet', 2);
    echoFault();
    await cli(['run', world.configFile, '--json', '--report', join(world.dir, `run-${n++}.${ext}`)]);
  }
  await cli(['status', world.configFile, '--json']);
}, 120_000);
afterAll(async () => world?.close());

/** The secret-bearing part of each echoed form, and the token verbatim. */
function leaks(what: string, text: string): string[] {
  const found: string[] = [];
  for (const f of forms) {
    const needle = f.text.slice(f.text.lastIndexOf(f.form === 'basic auth' ? ' ' : '=') + 1);
    // As written, and as it reads inside a JSON string (`\\u0021`).
    for (const n of [needle, JSON.stringify(needle).slice(1, -1)])
      if (text.includes(n)) found.push(`${what}: ${f.form} of ${f.token.slice(0, 6)}…`);
    for (const n of [f.token, JSON.stringify(f.token).slice(1, -1)])
      if (text.includes(n)) found.push(`${what}: ${f.token.slice(0, 6)}… verbatim`);
  }
  return [...new Set(found)];
}

describe('encoded tokens echoed by a server', () => {
  it('reached the runs (the failures carry the echo, scrubbed)', () => {
    const json = outputs.find((o) => o.what.startsWith('stdout of run'))!.text;
    expect(json).toContain('INVALID_FIELD');
    expect(json).toContain('access_token=[REDACTED]');
    expect(json).toContain('Authorization: Basic [REDACTED]');
  });

  it('are not in `--json` or the logs (at trace)', () => {
    expect(outputs.flatMap((o) => leaks(o.what, o.text))).toEqual([]);
  });

  it('are not in the HTML, Markdown or JSON report', () => {
    const reports = readdirSync(world.dir).filter((f) => /^run-\d\.(html|md|json)$/.test(f));
    expect(reports).toHaveLength(3);
    expect(reports.flatMap((f) => leaks(f, readFileSync(join(world.dir, f), 'utf8')))).toEqual([]);
  });

  it('are not in the state file: run records, failures, raw bytes', () => {
    const db = new Database(world.stateFile, { readonly: true });
    const found: string[] = [];
    try {
      const runs = db.prepare('SELECT * FROM runs').all();
      const failures = db.prepare('SELECT * FROM failures').all();
      expect(runs.length).toBeGreaterThan(0);
      expect(JSON.stringify(runs)).toContain('[REDACTED]');
      found.push(...leaks('runs', JSON.stringify(runs)), ...leaks('failures', JSON.stringify(failures)));
    } finally {
      db.close();
    }
    for (const f of readdirSync(world.dir).filter((n) => n.startsWith('bridge.db')))
      found.push(...leaks(f, readFileSync(join(world.dir, f)).toString('latin1')));
    expect(found).toEqual([]);
  });
});
