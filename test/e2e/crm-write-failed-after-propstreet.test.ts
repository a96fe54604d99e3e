/**
 * Bug 40: a pair's Propstreet write succeeded and its CRM update did not (refused, or the run
 * stopped before HubSpot answered). The version we wrote to Propstreet still holds a person's edit
 * bound for the CRM; taken as our own echo, the next runs planned Propstreet as the old shadow and
 * never sent that edit, so the two sides stayed apart for good. End to end through the HubSpot SDK
 * and the Propstreet client against the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, startE2E } from './support.js';

const hubspotRecordOf = (e: E2E, propstreetId: string) =>
  e.sb.hubspot!.control.dump().find((r) => r.properties.propstreet_id === propstreetId);

describe('a CRM update that fails after the pair’s Propstreet write (bug 40)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  /** A synced contact, then an edit on each side of it: a first name in Propstreet, a last name in HubSpot. */
  async function editedOnBothSides(ownChangeOrigin: boolean) {
    e = await startE2E({ salesforce: false, propstreetPerMinute: 100_000 }, { connections: ['hubspot'] });
    const origin = e.sb.propstreet.originOf(e.sb.tokens.propstreet);
    if (ownChangeOrigin)
      await e.reconfigure({ connections: ['hubspot'], connection: { ownChangeOrigins: [origin] } });
    const [id] = seedPropstreet(e.sb, 0, 1) as [string];
    await e.run();
    const hs = e.sb.hubspot!.control;
    const crmId = hubspotRecordOf(e, id)?.id ?? '';
    e.sb.propstreet.editAsUser(id, { firstName: 'Edited-in-Propstreet' });
    hs.editAsUser(crmId, { lastname: 'Edited-in-HubSpot' });
    return { id, hs, origin };
  }

  async function expectBothEditsEverywhere(id: string) {
    for (let i = 0; i < 2; i++) await e.run();
    expect(hubspotRecordOf(e, id)?.properties).toMatchObject({
      firstname: 'Edited-in-Propstreet',
      lastname: 'Edited-in-HubSpot',
    });
    expect(e.sb.propstreet.contact(id)).toMatchObject({
      firstName: 'Edited-in-Propstreet',
      lastName: 'Edited-in-HubSpot',
    });
  }

  it.each([
    ['echoes known by our write etags (the default)', false],
    ['echoes known by an own changeOrigin too', true],
  ])(
    'HubSpot refuses the update: the Propstreet edit is sent by the next run (%s)',
    async (_how, byOrigin) => {
      const { id, hs, origin } = await editedOnBothSides(byOrigin);
      const refuse = hs.rejectWhen((p) => p.firstname === 'Edited-in-Propstreet', {
        property: 'firstname',
        code: 'INVALID_OPTION',
      });
      const first = (await e.run()).connections[0]!.result;
      expect(first.status).toBe('partial');
      expect(first.failures).toHaveLength(1);
      // The HubSpot edit reached Propstreet; the Propstreet edit did not reach HubSpot.
      expect(e.sb.propstreet.contact(id)).toMatchObject({
        lastName: 'Edited-in-HubSpot',
        changeOrigin: origin,
      });
      expect(hubspotRecordOf(e, id)?.properties.firstname).not.toBe('Edited-in-Propstreet');

      refuse();
      const retry = (await e.run()).connections[0]!.result;
      expect(retry.planned.update.crm).toBe(1);
      expect(retry.failures).toEqual([]);
      await expectBothEditsEverywhere(id);
    },
    120_000,
  );

  it('the run stops before HubSpot answers the update: the Propstreet edit is sent by the next run', async () => {
    const { id } = await editedOnBothSides(false);
    // HubSpot is down for the update (every retry answered 503): the run stops with it unanswered.
    e.sb.hubspot!.http.faults.add({
      kind: 'status',
      method: 'POST',
      path: '/crm/v3/objects/contacts/batch/update',
      status: 503,
      body: { status: 'error', message: 'Service Unavailable', category: 'SERVICE_UNAVAILABLE' },
      times: 100,
    });
    const stopped = (await e.run()).connections[0]!.result;
    expect(stopped.status).not.toBe('ok');
    expect(e.sb.propstreet.contact(id)?.lastName).toBe('Edited-in-HubSpot');
    expect(hubspotRecordOf(e, id)?.properties.firstname).not.toBe('Edited-in-Propstreet');

    e.sb.hubspot!.http.faults.clear();
    await expectBothEditsEverywhere(id);
  }, 120_000);
});
