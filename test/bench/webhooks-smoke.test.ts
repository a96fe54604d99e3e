/**
 * The webhooks scenario at its smallest: one tenant, a few edits each way, fakes without
 * latency. Checks the harness measures what it says (every edit arrives, runs come from
 * webhooks, echo runs write nothing) and writes its section; the latencies are the bench's
 * business, not asserted here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWebhookBench } from '../../bench/webhooks.js';
import { recordWebhookRun } from '../../bench/webhooks-report.js';

describe('bench: webhooks scenario', () => {
  const out = mkdtempSync(join(tmpdir(), 'propsync-bench-webhooks-test-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('measures edits both ways through serve and writes its RESULTS.md section', async () => {
    const result = await runWebhookBench({
      tenants: 1,
      seconds: 4,
      editEverySeconds: 0.5,
      contacts: 8,
      latency: [0, 5],
      debounceMs: 200,
      concurrency: 1,
      log: () => {},
    });
    const all = result.latency.all;
    expect(all.edits).toBeGreaterThan(0);
    expect(all.arrived).toBe(all.edits);
    expect(result.latency['propstreet→hubspot'].edits + result.latency['hubspot→propstreet'].edits).toBe(
      all.edits,
    );
    expect(result.failedRuns).toBe(0);
    expect(result.runs).toBeGreaterThan(0);
    // Each writing run's echoes end in a quiet one.
    expect(result.quietRuns).toBeGreaterThan(0);
    expect(result.events.propstreet + result.events.hubspot).toBeGreaterThanOrEqual(all.edits);

    recordWebhookRun(out, { ...result, argv: ['--scenario', 'webhooks'] });
    const md = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    expect(md).toContain('<!-- webhooks-latency: begin -->');
    expect(md).toContain('| 1 × 1 (HubSpot) |');
  }, 180_000);
});
