/**
 * Who works where between Propstreet and HubSpot (associations v4, Primary label, `jobtitle`) on
 * the real fakes over HTTP: 2 contacts × 2 companies, changes made on either side. HubSpot does
 * not stamp a contact when only its associations change: such edits are seen by a full scan.
 */
import { describe, expect, it } from 'vitest';
import type { HubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { seedTwoByTwo, useHubSpotLinks } from './hubspot-links-world.js';

describe('links phase ⇄ HubSpot', () => {
  const startHubSpotLinks = useHubSpotLinks();

  async function start(
    beforeFirstPatch?: (client: PropstreetClient, linkId: string) => Promise<void>,
    options: { titles?: boolean } = {},
  ) {
    const started = await startHubSpotLinks({
      ...options,
      ...(beforeFirstPatch ? { beforeFirstPatch } : {}),
    });
    const ids = await seedTwoByTwo(started.world, started.hs);
    return { ...started, ids };
  }

  const writesTo = (fake: HubSpotFake) =>
    fake.control
      .apiRequests()
      .filter((r) => r.method !== 'GET' && !r.path.endsWith('/batch/read') && !r.path.endsWith('/search'))
      .length;

  it('writes Propstreet jobs to HubSpot (Primary label, unlabeled others, jobtitle); dry run and rerun write nothing', async () => {
    const { world, hs, ids } = await start();
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme, jobTitle: 'CFO' });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.beta, jobTitle: 'Board member' });
    await world.client.createLink({ contactId: ids.bo, companyId: ids.beta });

    const dry = await world.run({ dryRun: true });
    expect(dry.rows.filter((r) => r.side === 'crm').length).toBe(4);
    expect(writesTo(hs)).toBe(0);
    expect(await world.store.countLinks({ tenant: 't1', connection: 'crm', kind: 'links' })).toBe(0);

    const run = await world.run();
    expect(run.failed).toEqual([]);
    expect(hs.control.associatedCompanies(ids.hAda)).toEqual([
      { companyId: ids.hAcme, primary: true },
      { companyId: ids.hBeta, primary: false },
    ]);
    expect(hs.control.associatedCompanies(ids.hBo)).toEqual([{ companyId: ids.hBeta, primary: true }]);
    expect(hs.control.contacts.get(ids.hAda)?.properties.jobtitle).toBe('CFO');

    const before = writesTo(hs);
    const psBefore = world.propstreetWrites();
    expect((await world.run()).rows).toEqual([]);
    expect(writesTo(hs)).toBe(before);
    expect(world.propstreetWrites()).toBe(psBefore);
  });

  it('carries HubSpot edits to Propstreet: a title through the delta; a new job, a changed primary and a removed association through a full scan', async () => {
    const { world, hs, ids, real } = await start();
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme, jobTitle: 'CFO' });
    await world.client.createLink({ contactId: ids.bo, companyId: ids.beta });
    await world.run();

    hs.control.contacts.editAsUser(ids.hAda, { jobtitle: 'CEO' });
    await world.run();
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:CEO*`]);

    // Association edits alone need not stamp the contact: a full scan reads every linked contact.
    hs.control.associate(ids.hBo, ids.hAcme, { primary: true });
    hs.control.associate(ids.hAda, ids.hBeta);
    const scan = await world.run({ fullScan: true });
    expect(scan.failed).toEqual([]);
    expect(await world.employments(ids.bo)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:CEO*`, `${ids.beta}:`].sort());

    // Removed on one side of a pair both knew: removed on the other.
    await real.dissociate([{ fromId: ids.hBo, toId: ids.hBeta }]);
    await world.run({ fullScan: true });
    expect(await world.employments(ids.bo)).toEqual([`${ids.acme}:*`]);
    const ada = (await world.linksOf(ids.ada)).find((l) => l.companyId === ids.beta);
    if (!ada) throw new Error('no link');
    await world.client.deleteLink(ada.id);
    await world.run();
    expect(hs.control.associatedCompanies(ids.hAda)).toEqual([{ companyId: ids.hAcme, primary: true }]);

    const before = writesTo(hs);
    const psBefore = world.propstreetWrites();
    expect((await world.run({ fullScan: true })).rows).toEqual([]);
    expect(writesTo(hs)).toBe(before);
    expect(world.propstreetWrites()).toBe(psBefore);
  });

  it('a person editing the link between read and PATCH (412) is re-read and merged, never overwritten', async () => {
    let armed = false;
    const { world, hs, ids } = await start(async (client, linkId) => {
      if (!armed) return;
      const [link] = (await world.linksOf(ids.ada)).filter((l) => l.id === linkId);
      await client.patchLink(linkId, { jobTitle: 'Chair' }, { ifMatch: link?.etag ?? '' });
    });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme, jobTitle: 'CFO' });
    await world.run();
    armed = true;
    hs.control.contacts.editAsUser(ids.hAda, { jobtitle: 'CEO' });
    const run = await world.run();
    expect(run.failed).toEqual([]);
    expect(run.conflicts).toHaveLength(1);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:Chair*`]);
    expect(hs.control.contacts.get(ids.hAda)?.properties.jobtitle).toBe('Chair');
  });

  // HubSpot lists no associations for a contact deleted or merged away, as for one with none:
  // only a read of the contact itself tells them apart. With a job title mapped the phase reads
  // the contact anyway; without, it reads those with no association.
  for (const [gone, titles] of [
    ['deleted', true],
    ['deleted', false],
    ['merged away', true],
    ['merged away', false],
  ] as const)
    it(`a contact ${gone} in HubSpot while still linked loses no company in Propstreet, and keeps its shadow (${titles ? 'titles mapped' : 'no title mapped'})`, async () => {
      const { world, hs, ids } = await start(undefined, { titles });
      await world.client.createLink({
        contactId: ids.ada,
        companyId: ids.acme,
        ...(titles ? { jobTitle: 'CFO' } : {}),
      });
      await world.client.createLink({ contactId: ids.ada, companyId: ids.beta });
      await world.client.createLink({ contactId: ids.bo, companyId: ids.beta });
      expect((await world.run()).failed).toEqual([]);
      const adaBefore = await world.employments(ids.ada);
      expect(adaBefore).toHaveLength(2);
      const shadow = async () => (await world.store.linksByPropstreetIds(world.linksScope, [ids.ada]))[0];
      const kept = await shadow();

      // The contacts kind has not yet ended or moved Ada's contacts link (a mass-delete guard holds it, its run is yet to come).
      if (gone === 'deleted') hs.control.contacts.deleteAsUser(ids.hAda);
      else {
        const [other] = hs.control.contacts.seed([{ properties: { email: 'ada.lind@example.com' } }]);
        hs.control.contacts.mergeAsUser(other ?? '', ids.hAda);
      }
      const psWrites = world.propstreetWrites();
      const scan = await world.run({ fullScan: true });
      expect(scan.rows).toEqual([]);
      expect(scan.failed).toEqual([]);
      expect(scan.deferred).toEqual([
        { contact: ids.ada, reason: expect.stringContaining('the CRM record is not there') },
      ]);
      expect(world.propstreetWrites()).toBe(psWrites);
      expect(await world.employments(ids.ada)).toEqual(adaBefore);
      expect(await shadow()).toEqual(kept);
      expect(await world.store.listFailures(world.linksScope)).toEqual([]);
      // Bo, whose record is there, is read as ever: a removal in HubSpot still reaches Propstreet.
      hs.control.dissociate(ids.hBo, ids.hBeta);
      await world.run({ fullScan: true });
      expect(await world.employments(ids.bo)).toEqual([]);
    });

  it('without a title mapped, a contact the CRM delta just listed is not read again to learn whether HubSpot holds it', async () => {
    const { world, hs, ids } = await start(undefined, { titles: false });
    await world.client.createLink({ contactId: ids.bo, companyId: ids.beta });
    expect((await world.run()).failed).toEqual([]);
    await world.run();
    const contactReads = () =>
      hs.control.apiRequests().filter((r) => r.path.includes('/objects/contacts/batch/read')).length;
    // Ada, at no company, edited in HubSpot: the delta lists her (live), and she has no association.
    hs.control.contacts.editAsUser(ids.hAda, { phone: '+46701234567' });
    const before = contactReads();
    const run = await world.run();
    expect(run.rows).toEqual([]);
    expect(run.deferred).toEqual([]);
    expect(contactReads() - before).toBe(0);
  });
});
