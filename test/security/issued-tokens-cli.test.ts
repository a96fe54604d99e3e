/**
 * End to end through the CLI: tokens issued mid-run (Propstreet client credentials, a HubSpot
 * OAuth app) are known to no config and no environment variable, so only the token sources
 * can register them. The fakes echo the newest issued token in their error bodies. HubSpot's
 * per-record batch errors are scrubbed by nothing but the run's redactor, so a clean `--json`
 * proves the adapter registered its token with the very redactor `propsync run` prints with
 * (an adapter given another one fails this test); Propstreet's errors are scrubbed by its
 * client as they are made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliSandbox, startCliSandbox } from '../cli/cli-sandbox.js';
import type { CliResult } from '../cli/run-cli.js';
import { seedHubSpot, seedPropstreet } from '../e2e/support.js';

let box: CliSandbox;
let result: CliResult;
let issued: string[];

/** A fault body that quotes the newest issued token, evaluated when the fake answers. */
const echoing = (tokens: () => readonly string[], shape: (echo: string) => object) => ({
  toJSON: () => shape(`Authorization: Bearer ${tokens().at(-1) ?? 'none-issued-yet'}`),
});

beforeAll(async () => {
  box = await startCliSandbox({ refreshingAuth: true });
  const { sb } = box;
  const hubspot = sb.hubspot;
  if (!hubspot) throw new Error('the sandbox has no HubSpot fake');
  const file = box.tenant({ connections: ['hubspot'] });
  // Propstreet's contacts are created in HubSpot, HubSpot's in Propstreet (by external ref): all refused.
  seedPropstreet(sb, 0, 4);
  seedHubSpot(sb, 100, 4);
  sb.propstreet.http.faults.add({
    kind: 'status',
    status: 400,
    method: 'PATCH',
    path: /\/external\//,
    headers: { 'content-type': 'application/problem+json' },
    body: echoing(
      () => sb.propstreet.issuedTokens(),
      (echo) => ({ type: 'about:blank', title: 'Bad Request', status: 400, detail: echo }),
    ),
    // Every create: a record's failure is what `--json` shows.
    times: 100,
  });
  hubspot.http.faults.add({
    kind: 'status',
    status: 400,
    path: '/batch/upsert',
    body: echoing(
      () => hubspot.oauth.issuedTokens(),
      (echo) => ({ status: 'error', message: echo, category: 'VALIDATION_ERROR' }),
    ),
    // Every attempt, the one-record batches that isolate a refused batch included.
    times: 100,
  });
  result = await box.cli(['run', file, '--json']);
  issued = [...sb.propstreet.issuedTokens(), ...hubspot.oauth.issuedTokens()];
  for (const t of issued) box.addSecret(t);
});
afterAll(async () => box?.close());

describe('propsync run: issued tokens a server echoes are printed redacted', () => {
  it('tokens were issued at run time, and the fakes echoed them into failures', () => {
    expect(box.sb.propstreet.issuedTokens().length).toBeGreaterThanOrEqual(1);
    expect(box.sb.hubspot?.oauth.issuedTokens().length).toBeGreaterThanOrEqual(1);
    expect(issued.every((t) => t.length >= 8)).toBe(true);
    // The echoes reached the output, scrubbed: each side's failures say where the token was.
    const failures = result
      .json<{ tenants: { connections: { failures: { side: string; error: string }[] }[] }[] }>()
      .tenants.flatMap((t) => t.connections.flatMap((c) => c.failures));
    for (const side of ['propstreet', 'crm'])
      expect(
        failures.filter((f) => f.side === side).map((f) => f.error),
        side,
      ).toContainEqual(expect.stringContaining('Authorization: Bearer [REDACTED]'));
  });

  it('no issued token (nor a configured secret) on stdout or stderr', () => {
    for (const t of issued) {
      expect(result.stdout.includes(t)).toBe(false);
      expect(result.stderr.includes(t)).toBe(false);
    }
    box.expectNoSecretsPrinted();
  });
});
