/**
 * A person edits a field in HubSpot after the run read the record and before the run writes
 * the same field (from Propstreet). HubSpot's batch update takes no precondition, so the run
 * would overwrite the edit and no later run would see it. A run whose CRM read is older than
 * `recheckCrmAfter` reads the records again before updating them and leaves a changed one for
 * the next run, which merges both sides by the tenant's policy. End to end through the HubSpot
 * SDK and the Propstreet client against the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

const hubspotRecordOf = (e: E2E, propstreetId: string) =>
  e.sb.hubspot!.control.dump().find((r) => r.properties.propstreet_id === propstreetId);

/** A tenant with one connection, Propstreet's limit out of the way, and these connection keys. */
const start = (crm: 'hubspot' | 'salesforce', connection: Record<string, unknown> = {}) =>
  startE2E(
    { [crm === 'hubspot' ? 'salesforce' : 'hubspot']: false, propstreetPerMinute: 100_000 },
    { connections: [crm], connection },
  );

describe('a CRM edit made while the run plans its write of the same field', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  async function editDuringRun(recheckCrmAfter?: string) {
    e = await start('hubspot', recheckCrmAfter ? { recheckCrmAfter } : {});
    const [id, other] = seedPropstreet(e.sb, 0, 2) as [string, string];
    await e.run();
    const hs = e.sb.hubspot!.control;
    const crmId = hubspotRecordOf(e, id)?.id ?? '';
    e.sb.propstreet.editAsUser(id, { firstName: 'From-Propstreet' });
    e.sb.propstreet.editAsUser(other, { firstName: 'Other-From-Propstreet' });
    const reads = () => hs.apiRequests().filter((r) => r.path.endsWith('/batch/read')).length;
    const readsBefore = reads();
    const run = await e.run({
      // After the run's read, before its write: a person edits the field the run is about to write.
      onPlanChunk: () => hs.editAsUser(crmId, { firstname: 'From-HubSpot' }),
    });
    return { id, other, run: run.connections[0]!.result, rereads: reads() - readsBefore };
  }

  it('recheckCrmAfter: 0s: the edit is kept, the pair fails for now, and the next run merges both sides', async () => {
    const { id, other, run, rereads } = await editDuringRun('0s');
    expect(rereads).toBe(1); // one batch read for the chunk's two updates
    expect(hubspotRecordOf(e, id)?.properties.firstname).toBe('From-HubSpot');
    expect(run.failures.map((f) => f.error)).toEqual([
      'changed in the CRM since this run read it (firstName): not overwritten; the next run plans it from both sides',
    ]);
    // The other record's update went ahead.
    expect(hubspotRecordOf(e, other)?.properties.firstname).toBe('Other-From-Propstreet');

    const next = (await e.run()).connections[0]!.result;
    expect(next.failures).toEqual([]);
    // newest-wins (the default): the HubSpot edit came after the Propstreet one.
    expect(e.sb.propstreet.contact(id)?.firstName).toBe('From-HubSpot');
    expect(hubspotRecordOf(e, id)?.properties.firstname).toBe('From-HubSpot');
  }, 120_000);

  it('a re-read that fails leaves only the re-read pairs for the next run; the run goes on', async () => {
    e = await start('hubspot', { recheckCrmAfter: '0s' });
    const [id, fresh] = seedPropstreet(e.sb, 0, 2) as [string, string];
    await e.run();
    e.sb.propstreet.editAsUser(id, { firstName: 'From-Propstreet' });
    // HubSpot answers every batch read 500 (the client's retries included).
    e.sb.hubspot!.http.faults.add({
      kind: 'status',
      method: 'POST',
      path: '/batch/read',
      status: 500,
      times: 100,
    });
    const run = (await e.run()).connections[0]!.result;
    expect(run.status).toBe('partial');
    expect(run.failures.map((f) => f.error)).toEqual([
      expect.stringMatching(
        /^could not read the CRM record again before updating it \(.*\); retried next run$/,
      ),
    ]);
    expect(hubspotRecordOf(e, fresh)).toBeDefined();
    e.sb.hubspot!.http.faults.clear();
    expect((await e.run()).connections[0]!.result.failures).toEqual([]);
    expect(hubspotRecordOf(e, id)?.properties.firstname).toBe('From-Propstreet');
  }, 120_000);

  it('a record the delta did not carry, unchanged since the last sync, is updated, to-crm fields too (no livelock)', async () => {
    e = await start('hubspot', {
      recheckCrmAfter: '0s',
      overlapSeconds: 0,
      mappingOverrides: { fields: { lastName: { direction: 'to-crm' } } },
    });
    const hs = e.sb.hubspot!.control;
    hs.setClock('2026-12-01T00:00:00.000Z');
    const [id, other] = seedPropstreet(e.sb, 0, 2) as [string, string];
    await e.run();
    // Another record's edit, a second later, moves the CRM checkpoint past this pair's record.
    hs.advanceClock(1_000);
    hs.editAsUser(hubspotRecordOf(e, other)?.id ?? '', { firstname: 'Elsewhere' });
    await e.run();
    e.sb.propstreet.editAsUser(id, { lastName: 'To-CRM-only', firstName: 'Both-ways' });
    const runs = [(await e.run()).connections[0]!.result, (await e.run()).connections[0]!.result];
    // Before: the to-crm last name, never read from HubSpot, looked changed there on every run.
    expect(runs.map((r) => r.failures)).toEqual([[], []]);
    expect(hubspotRecordOf(e, id)?.properties).toMatchObject({
      lastname: 'To-CRM-only',
      firstname: 'Both-ways',
    });
  }, 120_000);

  it('a run younger than recheckCrmAfter (60 s by default) reads nothing again', async () => {
    const { id, run, rereads } = await editDuringRun();
    expect(rereads).toBe(0);
    expect(run.failures).toEqual([]);
    // The window the default leaves: an edit within a minute of the read is overwritten.
    expect(hubspotRecordOf(e, id)?.properties.firstname).toBe('From-Propstreet');
  }, 120_000);

  it('Salesforce, recheckCrmAfter: 0s: the edit is kept, and the next run settles the conflict by the policy', async () => {
    e = await start('salesforce', { recheckCrmAfter: '0s' });
    const [id] = seedPropstreet(e.sb, 0, 1) as [string];
    await e.run();
    const sf = e.sb.salesforce!.control;
    const recordId = String(sf.getByKey(id)?.Id);
    e.sb.propstreet.editAsUser(id, { firstName: 'From-Propstreet' });
    const run = (await e.run({ onPlanChunk: () => sf.edit(recordId, { FirstName: 'From-Salesforce' }) }))
      .connections[0]!.result;
    expect(sf.get(recordId)?.FirstName).toBe('From-Salesforce');
    expect(run.failures).toHaveLength(1);
    // The next run sees both edits: a conflict, settled by the policy (newest-wins, on the fakes'
    // clocks Propstreet's), never an edit silently lost.
    const next = (await e.run()).connections[0]!.result;
    expect(next.conflicts).toMatchObject([
      { field: 'firstName', propstreet: 'From-Propstreet', crm: 'From-Salesforce', policy: 'newest-wins' },
    ]);
    expect(sf.get(recordId)?.FirstName).toBe(e.sb.propstreet.contact(id)?.firstName);
  }, 120_000);
});
