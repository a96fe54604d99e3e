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

  async function start(beforeFirstPatch?: (client: PropstreetClient, linkId: string) => Promise<void>) {
    const started = await startHubSpotLinks(beforeFirstPatch ? { beforeFirstPatch } : {});
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
});
