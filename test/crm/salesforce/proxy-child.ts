/**
 * Run by salesforce-proxy.test.ts in a child process whose environment points http_proxy and
 * HTTPS_PROXY at a closed port before jsforce is loaded. Prints one JSON line.
 */
import jsforce from 'jsforce';
import type { Clock } from '../../../src/core/clock.js';
import { startHarness } from './harness.js';

const h = await startHarness();
const out: Record<string, unknown> = {};
// Plain jsforce takes the proxy from the environment: a POST (never retried) fails at once.
const raw = new jsforce.Connection({
  instanceUrl: h.fake.url,
  accessToken: h.fake.accessToken,
  version: '62.0',
});
try {
  await raw.request({
    method: 'POST',
    url: '/composite/sobjects',
    body: '{"records":[]}',
    headers: { 'content-type': 'application/json' },
  });
  out.raw = 'ok';
} catch (e) {
  out.raw = String((e as { code?: string }).code ?? (e as Error).message);
}
// Every retry back-off goes through the clock: none may be needed.
const waits: number[] = [];
const clock: Clock = { now: () => new Date(), sleep: async (ms) => void waits.push(ms) };
const adapter = h.makeAdapter({ clock });
out.check = (await adapter.check()).ok;
const results = await adapter.upsertByKey([{ key: 'proxy-1', properties: { LastName: 'Through' } }]);
out.upsert = results.every((r) => r.ok);
let changes = 0;
for await (const page of adapter.readChanges(null)) changes += page.records.length;
out.changes = changes;
out.retries = waits.length;
await h.close();
console.log(JSON.stringify(out));
