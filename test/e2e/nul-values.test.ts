/**
 * U+0000 in a value read from the CRM (a bad import, a buggy integration). PostgreSQL's text
 * cannot hold it (SQLite's can): an open conflict's values under `conflictPolicy: manual` failed
 * the chunk's whole commit there, so the run stopped at that record, and every later run at the
 * same one. The mapping drops the character; the same tenant goes on with either store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../state/pg-test-db.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

describe('a NUL character in a CRM value', () => {
  let e: E2E | undefined;
  const schemas: string[] = [];
  afterEach(async () => {
    await e?.close();
    e = undefined;
    for (const s of schemas.splice(0)) await dropSchema(s);
  });

  for (const state of ['sqlite', 'postgres'] as const)
    it(`${state}: a manual conflict whose CRM value holds it is recorded without it, and the runs go on`, async () => {
      const schema = testSchemaName('nul');
      schemas.push(schema);
      e = await startE2E(
        { salesforce: false },
        {
          connection: { conflictPolicy: 'manual' },
          ...(state === 'postgres' ? { postgres: { url: TEST_DATABASE_URL, schema } } : {}),
        },
      );
      const [id, other] = seedPropstreet(e.sb, 0, 2) as [string, string];
      await e.run();
      const hs = e.sb.hubspot?.control;
      if (!hs) throw new Error('no HubSpot fake');
      const record = hs.dump().find((x) => x.properties.propstreet_id === id);
      e.sb.propstreet.editAsUser(id, { firstName: 'Augusta' });
      hs.editAsUser(record?.id ?? '', { firstname: 'Av\u0000a' });
      e.sb.propstreet.editAsUser(other, { lastName: 'Lindqvist' });

      const runs = [await e.run(), await e.run()].map((r) => r.connections[0]?.result);
      expect(runs.map((r) => [r?.status, r?.abort?.code])).toEqual([
        ['ok', undefined],
        ['ok', undefined],
      ]);
      const otherRecord = hs.dump().find((x) => x.properties.propstreet_id === other);
      expect(otherRecord?.properties.lastname).toBe('Lindqvist');
      expect(runs[0]?.conflicts.map((c) => [c.field, c.propstreet, c.crm])).toEqual([
        ['firstName', 'Augusta', 'Ava'],
      ]);
    });
});
