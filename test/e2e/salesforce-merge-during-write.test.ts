/**
 * Bug 50: a Salesforce merge that lands between a run's CRM read and its CRM write. The update of
 * the loser answers ENTITY_IS_DELETED (not-found), and the run reads the id back to tell a merge
 * from a deletion (execute-chunk.ts `notGoneYet`). The adapter read live rows only (/query); the
 * loser is in the recycle bin with its MasterRecordId, which only /queryAll returns (S11, S16),
 * so the merge was planned as a deletion: the Propstreet contact deleted under
 * `againstEdit: delete`, a false delete-vs-edit conflict otherwise. Found by a Salesforce probe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

async function mergeDuringWrite(e: E2E) {
  const [master, loser] = seedPropstreet(e.sb, 0, 2) as [string, string];
  await e.run();
  const sf = e.sb.salesforce!.control;
  const masterRecord = sf.getByKey(master)!.Id as string;
  const loserRecord = sf.getByKey(loser)!.Id as string;
  // A Propstreet edit the run carries to the loser's Salesforce record.
  e.sb.propstreet.editAsUser(loser, { firstName: 'Edited' });
  let merged = false;
  const run = await e.run({
    onPlanChunk: () => {
      // A Salesforce user merges the two records after the run read Salesforce, before it writes.
      if (!merged) sf.merge(masterRecord, [loserRecord]);
      merged = true;
    },
  });
  expect(sf.get(loserRecord)).toMatchObject({ IsDeleted: true, MasterRecordId: masterRecord });
  return { master, loser, masterRecord, loserRecord, run: run.connections[0]! };
}

describe('Salesforce merge while the run writes', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('againstEdit: delete — the merge deletes no Propstreet contact', async () => {
    e = await startE2E(
      { hubspot: false },
      {
        connection: {
          deletes: { fromPropstreet: 'archive', fromCrm: 'delete', againstEdit: 'delete', maxShare: 1 },
        },
      },
    );
    const { loser, run } = await mergeDuringWrite(e);
    expect(run.result).toMatchObject({ done: { delete: { propstreet: 0 } } });
    expect(e.sb.propstreet.contact(loser)?.deletedUtc ?? null).toBeNull();
  });

  it('default policy — the merge is not reported as a delete-vs-edit conflict', async () => {
    e = await startE2E(
      { hubspot: false },
      { connection: { deletes: { fromPropstreet: 'archive', fromCrm: 'delete', maxShare: 1 } } },
    );
    const { loser, run } = await mergeDuringWrite(e);
    // A merge is not a delete-vs-edit conflict.
    expect(run.result).toMatchObject({ done: { conflict: 0, delete: { propstreet: 0 } } });
    expect(e.sb.propstreet.contact(loser)?.deletedUtc ?? null).toBeNull();
  });
});
