/**
 * Run by salesforce-proxy.test.ts in a child process whose environment points http_proxy and
 * HTTPS_PROXY at a closed port before jsforce is loaded. Prints one JSON line.
 */
import jsforce from 'jsforce';
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
const started = Date.now();
out.check = (await h.adapter.check()).ok;
const results = await h.adapter.upsertByKey([{ key: 'proxy-1', properties: { LastName: 'Through' } }]);
out.upsert = results.every((r) => r.ok);
let changes = 0;
for await (const page of h.adapter.readChanges(null)) changes += page.records.length;
out.changes = changes;
out.ms = Date.now() - started;
await h.close();
console.log(JSON.stringify(out));
