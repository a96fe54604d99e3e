/**
 * A HubSpot merge made while a run is in flight (after the run read the HubSpot delta, before it
 * sent its updates): the update of the merged-away id answers not-found, and the run takes the
 * merge for a CRM deletion (README: "A CRM merge is not a delete").
 */
/**
 * A HubSpot merge made while a run writes the records (RELIABILITY.md bug 39): the run's update of
 * the merged-away id answers not-found, which was planned as a CRM deletion: under
 * `deletes.againstEdit: delete` the merged-away person was deleted in Propstreet and, in the
 * bridge, in Salesforce; under keep-edited it was unlinked as "deleted" and its ref removed,
 * and the merge was never reported. Now the record is read back first and the merge left to the
 * next run's merge planner.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

function control(e: E2E) {
  const hs = e.sb.hubspot?.control;
  const sf = e.sb.salesforce?.control;
  if (!hs || !sf) throw new Error('a bridge needs both fakes');
  return { hs, sf };
}

describe('a HubSpot merge during a run', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  async function mergeWhileRunning(againstEdit: 'keep-edited' | 'delete') {
    e = await startE2E(
      {},
      {
        tenant: 'acme',
        connection: { deletes: { fromPropstreet: 'delete', fromCrm: 'delete', againstEdit } },
      },
    );
    const [p1, p2] = seedPropstreet(e.sb, 0, 6) as [string, string];
    await e.run();
    await e.run();
    const hs = control(e).hs;
    const recordOf = (id: string) => hs.dump().find((x) => x.properties.propstreet_id === id)?.id ?? '';
    const [h1, h2] = [recordOf(p1), recordOf(p2)];
    const sf2 = String(control(e).sf.getByKey(p2)?.Id);
    e.sb.propstreet.editAsUser(p2, { lastName: 'Edited' });
    let merged = '';
    const runs = [
      await e.run({
        // A person merges the two HubSpot records while this run plans and writes.
        onPlanChunk: (connection, chunk) => {
          if (connection === 'hubspot' && !merged && chunk.some((p) => p.propstreetId === p2))
            merged = hs.mergeAsUser(h1, h2);
        },
      }),
    ];
    for (let i = 0; i < 3; i++) runs.push(await e.run());
    expect(merged).not.toBe('');
    return { p1, p2, h2, sf2, runs };
  }

  it('keep-edited (default): reported as a merge, the contact keeps its ref', async () => {
    const { p1, p2, h2, runs } = await mergeWhileRunning('keep-edited');
    const notices = runs.flatMap((r) => r.connections.flatMap((c) => c.result.notices.map((n) => n.kind)));
    expect(notices).toContain('crm-merge'); // observed: never reported
    const c2 = e.sb.propstreet.contact(p2);
    expect(c2?.externalRefs).toContainEqual({ namespace: 'hubspot', id: h2 }); // was removed
    expect(e.sb.propstreet.contact(p1)?.deletedUtc ?? null).toBeNull();
  });

  it('againstEdit: delete: the merged-away contact is not deleted, in Propstreet or in Salesforce', async () => {
    const { p2, sf2 } = await mergeWhileRunning('delete');
    expect(e.sb.propstreet.contact(p2)?.deletedUtc ?? null).toBeNull(); // was deleted
    expect(control(e).sf.get(sf2)?.IsDeleted).toBe(false); // observed: recycle bin
  });
});
