/** `propsync status` shows the ref write-back backlog per connection and kind, with its ETA. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refBacklogOf } from '../../src/cli/commands/ref-backlog.js';
import { seedPropstreet } from '../e2e/support.js';
import { byConnection, type CliSandbox, startCliSandbox } from './cli-sandbox.js';
import { describeRun } from './run-cli.js';

describe('status: ref write-backs', () => {
  let f: CliSandbox;
  let acme: string;
  beforeAll(async () => {
    f = await startCliSandbox();
    seedPropstreet(f.sb, 0, 6);
    acme = f.tenant({ tenant: 'acme' });
  });
  afterAll(async () => f?.close());

  it('the ETA is the backlog at the Propstreet budget', () => {
    expect(refBacklogOf({ pending: 100_000, failing: 0 }, 600)).toEqual({
      pending: 100_000,
      failing: 0,
      etaSeconds: 10_000,
      eta: '2h46m',
    });
    expect(refBacklogOf({ pending: 5, failing: 1 }, 60).eta).toBe('5s');
  });

  it('write-backs Propstreet refused are pending and failing; the next run writes both namespaces of a contact in one PATCH', async () => {
    f.sb.propstreet.http.faults.add({
      kind: 'status',
      status: 422,
      method: 'PATCH',
      path: /^\/api\/v1\/network\/contacts\/\d+$/,
      body: { type: 'about:blank', title: 'Unprocessable', status: 422 },
      headers: { 'content-type': 'application/problem+json' },
    });
    const refused = await f.cli(['run', acme, '--json']);
    f.sb.propstreet.http.faults.clear();
    // The run's own result says what it left queued (what the worker's gauges report).
    expect(
      Object.entries(byConnection(refused)).map(([name, r]) => [
        name,
        r.refWriteBacks?.pending,
        r.refWriteBacks?.failing,
      ]),
    ).toEqual([
      ['hubspot', 6, 6],
      ['salesforce', 6, 6],
    ]);
    const status = await f.cli(['status', acme, '--json']);
    expect(status.code, describeRun(status)).toBe(0);
    const s = status.json<{
      connections: { connection: string; refWriteBacks: { pending: number; failing: number } }[];
    }>();
    expect(
      s.connections.map((c) => [c.connection, c.refWriteBacks.pending, c.refWriteBacks.failing]),
    ).toEqual([
      ['hubspot', 6, 6],
      ['salesforce', 6, 6],
    ]);
    const text = await f.cli(['status', acme]);
    expect(text.stdout).toMatch(/ref write-backs: 6 pending \(6 failing\), ETA \d+s at \d+\/min/);

    const patches = () =>
      f.sb.propstreet.http.requests.filter(
        (r) => r.method === 'PATCH' && /^\/api\/v1\/network\/contacts\/\d+$/.test(r.path) && r.status < 300,
      ).length;
    const before = patches();
    const next = await f.cli(['run', acme]);
    expect(next.code, describeRun(next)).toBe(0);
    // The bridge: both connections' refs of a contact were queued, so one PATCH carries both.
    expect(patches() - before).toBe(6);
    const after = (await f.cli(['status', acme, '--json'])).json<typeof s>();
    expect(after.connections.map((c) => c.refWriteBacks.pending)).toEqual([0, 0]);
    for (const c of f.sb.propstreet.allContacts())
      expect(c.externalRefs.map((r) => r.namespace).sort()).toEqual(['hubspot', 'salesforce']);
  });
});
