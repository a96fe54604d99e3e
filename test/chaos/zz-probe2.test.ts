import { it } from 'vitest';
import Database from 'better-sqlite3';
import { seedPropstreet, startE2E } from '../e2e/support.js';

it('probe ref', async () => {
  const e = await startE2E({ hubspot: false });
  try {
    seedPropstreet(e.sb, 0, 5);
    e.sb.propstreet.http.faults.add({ kind: 'status', status: 503, method: 'PATCH', path: '/api/v1/network/contacts/', body: { type: 'about:blank', title: 'x', status: 503 }, headers: { 'content-type': 'application/problem+json' }, times: 100 });
    const r1 = await e.run();
    console.log('r1', r1.connections[0]!.result.failures.map((f) => f.error));
    e.sb.propstreet.http.faults.clear();
    for (let i = 0; i < 3; i++) {
      const r = await e.run();
      const res = r.connections[0]!.result;
      console.log('r', i, res.status, JSON.stringify(res.planned), res.failures.length);
    }
    console.log(e.sb.propstreet.allContacts().map((c) => c.externalRefs));
    const db = new Database((e.config.state as {path:string}).path, { readonly: true });
    console.log(db.prepare('select side, record_id, attempts, quarantined, last_error from failures').all());
    console.log(db.prepare('select propstreet_id, crm_id from links').all());
    db.close();
  } finally { await e.close(); }
}, 60_000);
