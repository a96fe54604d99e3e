import { it } from 'vitest';
import { seedSalesforce, startE2E } from '../e2e/support.js';

it('probe key', async () => {
  const e = await startE2E({ hubspot: false });
  try {
    seedSalesforce(e.sb, 0, 5);
    e.sb.salesforce!.http.faults.add({ kind: 'status', status: 503, method: 'PATCH', path: '/composite/sobjects', body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }] });
    const r1 = await e.run();
    console.log('r1', r1.connections[0]!.result.failures.map((f) => f.error));
    e.sb.salesforce!.http.faults.clear();
    for (let i = 0; i < 3; i++) {
      const r = await e.run();
      const res = r.connections[0]!.result;
      console.log('r', i, res.status, JSON.stringify(res.planned), res.failures.length);
    }
    console.log(e.sb.salesforce!.control.dump().map((c) => c.Propstreet_Id__c));
  } finally { await e.close(); }
}, 60_000);
