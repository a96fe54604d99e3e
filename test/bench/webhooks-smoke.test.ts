/**
 * The webhooks scenario at its smallest: one tenant with both connections (HubSpot, Salesforce
 * on change events), a few edits on each side, fakes without latency. Checks the harness
 * measures what it says (every edit arrives on both other sides, runs come from webhooks and
 * change events, echo runs write nothing) and writes its section; the latencies are the
 * bench's business, not asserted here.
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

  it('measures edits on all three sides through serve and writes its RESULTS.md section', async () => {
    const result = await runWebhookBench({
      tenants: 1,
      connections: 2,
      seconds: 4,
      editEverySeconds: 0.5,
      contacts: 9,
      latency: [0, 5],
      debounceMs: 200,
      concurrency: 1,
      log: () => {},
    });
    const all = result.latency.all;
    expect(all.edits).toBeGreaterThan(0);
    expect(all.arrived).toBe(all.edits);
    const { propstreet = 0, hubspot = 0, salesforce = 0 } = result.edits;
    expect(Math.min(propstreet, hubspot, salesforce)).toBeGreaterThan(0);
    // Each edit is seen arriving on both other sides, including HubSpot ⇄ Salesforce (two runs).
    expect(all.edits).toBe(2 * (propstreet + hubspot + salesforce));
    expect(result.latency['hubspot→salesforce']?.arrived).toBe(hubspot);
    expect(result.latency['salesforce→hubspot']?.arrived).toBe(salesforce);
    expect(result.events.salesforce).toBeGreaterThanOrEqual(salesforce);
    expect(result.failedRuns).toBe(0);
    expect(result.runs).toBeGreaterThan(0);
    // Each writing run's echoes end in a quiet one.
    expect(result.quietRuns).toBeGreaterThan(0);
    expect(result.events.propstreet).toBeGreaterThanOrEqual(propstreet);
    expect(result.events.hubspot).toBeGreaterThanOrEqual(hubspot);

    recordWebhookRun(out, { ...result, argv: ['--scenario', 'webhooks'] });
    const md = readFileSync(join(out, 'RESULTS.md'), 'utf8');
    expect(md).toContain('<!-- webhooks-latency: begin -->');
    expect(md).toContain('| 1 × 2 (HubSpot, Salesforce CDC) |');
    expect(md).toContain('| salesforce→hubspot | 2 |');
  }, 180_000);
});
