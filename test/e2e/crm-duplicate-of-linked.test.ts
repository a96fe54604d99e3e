/**
 * Bug 46: a create the CRM refuses as a duplicate of a record ("Contact already exists. Existing
 * ID: N") was linked to that record, even when another Propstreet contact's link holds it. The
 * chunk's state commit then broke the one-link-a-record rule and was refused whole: every run
 * stopped at the same chunk, the other creates in it were sent again each run and never linked.
 * End to end through the HubSpot SDK and the Propstreet client against the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

const hubspotRecordOf = (e: E2E, propstreetId: string) =>
  e.sb.hubspot!.control.dump().find((r) => r.properties.propstreet_id === propstreetId);

describe('a create refused as a duplicate of a record another contact is linked to (bug 46)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('fails that contact alone, saying whose record it is; the rest of the chunk is linked and the runs go on', async () => {
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 100_000 },
      { connections: ['hubspot'], connection: { retryBaseSeconds: 0 } },
    );
    const hs = e.sb.hubspot!.control;
    const [anna] = seedPropstreet(e.sb, 0, 1) as [string];
    await e.run();
    const annas = hubspotRecordOf(e, anna)!;
    const annaEmail = annas.properties.email!;

    // Two new Propstreet contacts; meanwhile a HubSpot user gives Anna's record Bo's address.
    const [bo, cid] = seedPropstreet(e.sb, 1, 2) as [string, string];
    hs.editAsUser(annas.id, { email: e.sb.propstreet.contact(bo)!.email! });

    const first = (await e.run()).connections[0]!.result;
    expect(first.abort).toBeUndefined();
    expect(first.status).toBe('partial');
    const boFailure = first.failures.find((f) => f.recordId === bo);
    expect(boFailure?.error).toMatch(
      new RegExp(
        `already exists.*CRM record ${annas.id} belongs to Propstreet contact ${anna}, not to this one`,
      ),
    );
    // Anna's record stays hers alone; Bo has no link and no ref; Cid, in the same chunk, is synced.
    expect(hs.dump().filter((r) => r.id === annas.id)).toEqual([
      expect.objectContaining({ properties: expect.objectContaining({ propstreet_id: anna }) }),
    ]);
    expect(e.sb.propstreet.contact(bo)?.externalRefs).toEqual([]);
    const cids = hubspotRecordOf(e, cid)!;
    expect(e.sb.propstreet.contact(cid)?.externalRefs).toEqual([{ namespace: 'hubspot', id: cids.id }]);
    expect((await e.run()).connections[0]!.result.abort).toBeUndefined();

    // Once a person gives Anna's record her address back and touches Bo, Bo gets a record of his own.
    hs.editAsUser(annas.id, { email: annaEmail });
    e.sb.propstreet.editAsUser(bo, { lastName: 'Bergström' });
    const fixed = (await e.run()).connections[0]!.result;
    expect(fixed.failures.filter((f) => f.recordId === bo)).toEqual([]);
    const bos = hubspotRecordOf(e, bo);
    expect(bos?.id).not.toBe(annas.id);
    expect(bos?.properties.lastname).toBe('Bergström');
    expect(hubspotRecordOf(e, anna)?.properties.email).toBe(annaEmail);
  }, 120_000);

  /**
   * A synced tenant; then a record made in HubSpot long ago (before the delta's window) with
   * `properties`, holding the address of a contact made in Propstreet now: the run does not read
   * it, so only HubSpot's answer to the create finds it.
   */
  async function oldRecordWithNewContactsAddress(properties: Record<string, string> = {}) {
    e = await startE2E(
      { salesforce: false, propstreetPerMinute: 100_000 },
      { connections: ['hubspot'], connection: { retryBaseSeconds: 0 } },
    );
    const hs = e.sb.hubspot!.control;
    seedPropstreet(e.sb, 0, 1);
    await e.run();
    hs.setClock('2020-01-01T00:00:00.000Z');
    const [old] = hs.seed([
      { properties: { firstname: 'Bo', lastname: 'Old', email: 'bo@example.com', ...properties } },
    ]) as [string];
    hs.setClock(null);
    const [bo] = e.sb.propstreet
      .seed([{ firstName: 'Bo', lastName: 'New', email: 'bo@example.com' }])
      .map((c) => c.id) as [string];
    return { hs, old, bo };
  }

  it('a duplicate of a record no contact holds is still linked to it, and merged on the retry', async () => {
    const { hs, old, bo } = await oldRecordWithNewContactsAddress();

    const first = (await e.run()).connections[0]!.result;
    expect(first.abort).toBeUndefined();
    expect(first.failures).toEqual([
      expect.objectContaining({
        recordId: bo,
        error: expect.stringMatching(`linked to existing CRM record ${old}`),
      }),
    ]);
    await e.run();
    expect(hs.dump().filter((r) => r.properties.email === 'bo@example.com')).toEqual([
      expect.objectContaining({ id: old, properties: expect.objectContaining({ propstreet_id: bo }) }),
    ]);
    expect(e.sb.propstreet.contact(bo)?.externalRefs).toEqual([{ namespace: 'hubspot', id: old }]);
  }, 120_000);

  it('a duplicate of a record whose key names another contact fails alone, saying whose it is', async () => {
    // Not linked in this state, but keyed to another Propstreet contact (e.g. one a later chunk
    // pairs with it by key): taking it would give that contact's record to this one.
    const { hs, old, bo } = await oldRecordWithNewContactsAddress({ propstreet_id: '999999' });

    const first = (await e.run()).connections[0]!.result;
    expect(first.abort).toBeUndefined();
    expect(first.failures).toEqual([
      expect.objectContaining({
        recordId: bo,
        error: expect.stringMatching(
          `CRM record ${old} belongs to Propstreet contact 999999, not to this one`,
        ),
      }),
    ]);
    expect(hs.dump().find((r) => r.id === old)?.properties).toMatchObject({
      propstreet_id: '999999',
      lastname: 'Old',
    });
    expect(e.sb.propstreet.contact(bo)?.externalRefs).toEqual([]);
  }, 120_000);

  it('a duplicate whose record cannot be read back fails alone for the next run, and is never linked blind', async () => {
    const { hs, old, bo } = await oldRecordWithNewContactsAddress({ propstreet_id: '999999' });
    // HubSpot names the existing record per input (a 207), so only the check of whose it is reads it.
    hs.setTraceIdMultiStatus('all-batch-writes');
    const first = (
      await e.run({
        // Once planned (its reads done), HubSpot's batch reads fail.
        onPlanChunk: () =>
          void e.sb.hubspot!.http.faults.add({
            kind: 'status',
            status: 503,
            method: 'POST',
            path: '/batch/read',
          }),
      })
    ).connections[0]!.result;
    e.sb.hubspot!.http.faults.clear();
    expect(first.abort).toBeUndefined();
    expect(first.failures).toEqual([
      expect.objectContaining({
        recordId: bo,
        error: expect.stringMatching(`CRM record ${old} could not be read to tell whose it is`),
        quarantined: false,
      }),
    ]);
    expect(hs.dump().find((r) => r.id === old)?.properties.propstreet_id).toBe('999999');
    expect(e.sb.propstreet.contact(bo)?.externalRefs).toEqual([]);
  }, 120_000);
});
