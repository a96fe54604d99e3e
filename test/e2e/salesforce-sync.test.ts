import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, seedSalesforce, startE2E, writes } from './support.js';

describe('Propstreet ⇄ Salesforce end to end', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('syncs both ways on the first run, matches by email, and writes nothing on the second', async () => {
    e = await startE2E({ hubspot: false }, { connection: { match: ['externalRef', 'key', 'email'] } });
    const psIds = seedPropstreet(e.sb, 0, 30); // persons 0..29
    seedSalesforce(e.sb, 25, 15); // persons 25..39: 5 overlap by email
    const first = await e.run();
    const r = first.connections[0]!.result;
    expect(r.status).toBe('ok');
    expect(r.planned.create.crm).toBe(25);
    expect(r.planned.create.propstreet).toBe(10);
    expect(r.planned.link).toBe(5);

    const sf = e.sb.salesforce!.control.dump();
    expect(sf).toHaveLength(40);
    for (const id of psIds) expect(e.sb.salesforce!.control.getByKey(id)).toBeDefined();
    const ps = e.sb.propstreet.allContacts();
    expect(ps).toHaveLength(40);
    for (const c of ps) expect(c.externalRefs.some((x) => x.namespace === 'salesforce')).toBe(true);

    const before = writes(e.sb);
    const second = await e.run();
    expect(second.connections[0]!.result.status).toBe('ok');
    expect(writes(e.sb)).toEqual(before);
  });
});
