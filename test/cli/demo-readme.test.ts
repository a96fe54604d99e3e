/**
 * What README.md says about `npm run demo` matches what the demo does: the default size, the
 * step titles, and the quiet run's zero writes. Regression: the README said 1,000 contacts
 * (the default is 2,000) and named steps the demo does not print. In process with a small
 * `--contacts`: the checked statements do not depend on the size.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { Redactor } from '../../src/core/redact.js';
import { REPO_ROOT, runCli } from './run-cli.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
/** The README's paragraph and list about the demo, up to the next script it describes. */
const demoSection = readme.slice(
  readme.indexOf('`npm run demo` needs no credentials'),
  readme.indexOf('`npm test` runs everything CI runs'),
);

describe('README: the demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-demo-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('states the default number of contacts', () => {
    const demo = buildProgram(redactor).commands.find((c) => c.name() === 'demo');
    const contacts = demo?.options.find((o) => o.long === '--contacts')?.defaultValue as number;
    expect(contacts).toBeGreaterThan(0);
    expect(demoSection).toContain(`${contacts.toLocaleString('en-US')} Propstreet\ncontacts by default`);
  });

  it('lists the steps the demo prints, in order, and the quiet run writes nothing', async () => {
    const r = await runCli(['demo', '--contacts', '40', '--dir', dir]);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const printed = [...r.stdout.matchAll(/^== (\d+)\. (.+) ==$/gm)].map((m) => `${m[1]}. ${m[2]}`);
    const documented = [...demoSection.matchAll(/^(\d+)\. \*\*(.+?)\*\*/gm)].map((m) => `${m[1]}. ${m[2]}`);
    expect(printed.length).toBeGreaterThan(0);
    expect(documented).toEqual(printed);
    const quiet = /`(write calls in the quiet run: 0)`/.exec(demoSection)?.[1];
    expect(quiet).toBeDefined();
    expect(r.stdout).toContain(`${quiet}\n`);
    // Log lines went to demo.log, not between the steps (regression: pino JSON lines did).
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\{"level":/m);
    expect(existsSync(join(dir, 'demo.log'))).toBe(true);
    expect(r.stdout).toContain('the log (demo.log)');
  }, 300_000);
});
