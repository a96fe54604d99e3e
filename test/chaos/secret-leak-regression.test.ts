/**
 * Regression: a Salesforce error that echoes the caller's credentials (a careless proxy, a
 * hostile or misconfigured endpoint) ended up verbatim in `run --json` and in the state
 * file's run summary, as src/crm/salesforce/salesforce-errors.ts built its messages without
 * redactText (fixed in 03012d6 by scrubbing run results). test/security/secrets-everywhere
 * covers Propstreet and HubSpot in `npm test`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChildRun, runChild } from '../reliability/support/child-run.js';
import { startWorld, type World } from '../reliability/support/world.js';

let world: World;
let json: ChildRun;
let table: ChildRun;

beforeAll(async () => {
  world = await startWorld({ seed: 8 });
  world.createPeople('propstreet', 4);
  const echo = `Authorization: Bearer ${Object.values(world.sb.env).join(' ')}`;
  const fault = {
    kind: 'status' as const,
    status: 400,
    path: /\/composite\/sobjects\/Contact\//,
    body: [{ errorCode: 'INVALID_FIELD', message: echo }],
    times: 1,
  };
  world.sb.salesforce!.http.faults.add(fault);
  json = await runChild(world, ['run', world.configFile, '--json']);
  world.createPeople('propstreet', 2);
  world.sb.salesforce!.http.faults.add(fault);
  table = await runChild(world, ['run', world.configFile]);
}, 60_000);
afterAll(async () => world?.close());

const tokens = () => Object.values(world.sb.env);

it('a Salesforce error echoing tokens is redacted in `run --json`', () => {
  expect(json.stdout).toContain('INVALID_FIELD');
  for (const t of tokens()) expect(json.stdout).not.toContain(t);
});

it('(the terminal table already redacts it: the report model scrubs what it renders)', () => {
  expect(table.stdout).toContain('INVALID_FIELD: Authorization: Bearer [REDACTED]');
  for (const t of tokens()) expect(table.stdout).not.toContain(t);
});

it('… and in the state file', () => {
  const bytes = readFileSync(world.stateFile).toString('latin1');
  for (const t of tokens()) expect(bytes.includes(t), `the state file holds ${t.slice(0, 6)}…`).toBe(false);
});
