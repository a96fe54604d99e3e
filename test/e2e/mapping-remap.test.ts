/**
 * A field pointed at another CRM property between runs (bug 45, found by a careless-config probe):
 * the shadow still held the value last synced from the old property, so the new property's empty
 * value read as a CRM edit and cleared Propstreet's. Each run now compares the mapping's CRM
 * property per field with the one recorded and drops the moved fields from the shadows, so they
 * sync as fields never synced. End to end through the HubSpot SDK against the fakes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openTenantStore } from '../../src/app/open-store.js';
import { type E2E, startE2E } from './support.js';

const hubspotOf = (e: E2E, propstreetId: string) =>
  e.sb.hubspot!.control.dump().find((r) => r.properties.propstreet_id === propstreetId);
const remapped = {
  connections: ['hubspot'] as const,
  connection: { mappingOverrides: { remove: ['mobilePhone'], fields: { phone: { crm: 'mobilephone' } } } },
};

describe('a field mapped to another CRM property between runs (bug 45)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  async function synced() {
    e = await startE2E({ salesforce: false }, { connections: ['hubspot'] });
    const [id = ''] = e.sb.propstreet
      .seed([{ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', phone: '+46701234567' }])
      .map((c) => c.id);
    await e.run();
    await e.run();
    const crmId = hubspotOf(e, id)?.id ?? '';
    expect(hubspotOf(e, id)?.properties.phone).toBe('+46701234567');
    return { id, crmId };
  }

  it('a CRM edit of another field keeps Propstreet’s phone; the new property is filled once Propstreet’s side is read', async () => {
    const { id, crmId } = await synced();
    await e.reconfigure(remapped);
    // An unrelated edit in HubSpot brings the record into the delta.
    e.sb.hubspot!.control.editAsUser(crmId, { firstname: 'Ada2' });
    const plan = await e.run({ dryRun: true });
    expect(plan.connections[0]!.records?.[0]?.toPropstreet.map((c) => c.field)).toEqual(['firstName']);
    await e.run();
    expect(e.sb.propstreet.contact(id)).toMatchObject({ firstName: 'Ada2', phone: '+46701234567' }); // phone was cleared
    // Propstreet's side was not read (nothing changed there): the new property waits for it.
    expect(hubspotOf(e, id)?.properties.mobilephone ?? null).toBeNull();
    // A Propstreet edit of anything reads it: the new property is filled as a field never synced is.
    e.sb.propstreet.editAsUser(id, { lastName: 'Byron' });
    await e.run();
    expect(hubspotOf(e, id)?.properties).toMatchObject({ lastname: 'Byron', mobilephone: '+46701234567' });
    // Settled: the next run writes nothing.
    const quiet = (await e.run()).connections[0]!.result;
    expect(quiet.planned.update).toEqual({ propstreet: 0, crm: 0 });
  }, 120_000);

  it('records the mapping once, and drops only the moved field from the shadows', async () => {
    const { id } = await synced();
    const shadowOf = async () => {
      const store = await openTenantStore(e.config);
      try {
        const scope = { tenant: e.config.tenant, connection: 'hubspot', kind: 'contacts' };
        return (await store.linksByPropstreetIds(scope, [id]))[0]?.shadow;
      } finally {
        await store.close();
      }
    };
    expect(await shadowOf()).toMatchObject({ phone: '+46701234567', firstName: 'Ada' });
    await e.reconfigure(remapped);
    // A dry run changes nothing.
    await e.run({ dryRun: true });
    expect(await shadowOf()).toMatchObject({ phone: '+46701234567' });
    // A real run with nothing to write drops the old phone and keeps the rest; the next one, with
    // the mapping recorded, drops nothing more.
    await e.run();
    const shadow = await shadowOf();
    expect(shadow).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace' });
    expect(shadow).not.toHaveProperty('phone');
    await e.run();
    expect(await shadowOf()).toEqual(shadow);
  }, 120_000);
});
