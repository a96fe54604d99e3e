/**
 * Companies paired by domain (`match: [externalRef, key, domain]`) end to end on the fakes, where
 * Propstreet holds a domain twice: a first sync read page by page (500 a page) and planned in chunks of 100
 * (planning streams while the pages come in) must not pair the first acme.se it meets with the
 * CRM's and write its name there before it has read the second; nor create the CRM's in
 * Propstreet as a third.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

describe('a domain two Propstreet companies share, far apart in a first sync', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('leaves both unpaired and ambiguous, the CRM company as it was, and creates nothing by guess', async () => {
    const started = await startE2E(
      // The fillers' ref write-backs at the real 600/min would take a minute.
      { salesforce: false, propstreetPerMinute: 1_000_000 },
      {
        tenant: 'acme',
        connection: { objects: ['companies'], chunkSize: 100, match: ['externalRef', 'key', 'domain'] },
      },
    );
    e = started;
    const hs = started.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const group = hs.createAsUser({ name: 'Acme Group', domain: 'acme.se', description: 'HubSpot text' });
    const made = started.sb.propstreet.seedCompanies([
      { name: 'Acme Sweden AB', domain: 'acme.se' },
      ...Array.from({ length: 520 }, (_, i) => ({ name: `Filler ${i} AB`, domain: `filler${i}.se` })),
      { name: 'Acme Norway AS', domain: 'acme.se' },
    ]);
    const sweden = made[0]?.id ?? '';
    const norway = made.at(-1)?.id ?? '';
    const run = (await started.run()).connections[0];
    const of = (id: string) => run?.records.find((r) => r.propstreetId === id);
    for (const id of [sweden, norway])
      expect(of(id)).toMatchObject({
        action: 'skip',
        reason: 'domain acme.se matches 1 CRM records and 2 companies',
      });
    expect(hs.get(group)?.properties).toMatchObject({ name: 'Acme Group', description: 'HubSpot text' });
    expect(hs.get(group)?.properties.propstreet_id ?? '').toBe('');
    const acmes = started.sb.propstreet.allCompanies().filter((c) => c.domain === 'acme.se' && !c.deletedUtc);
    expect(acmes.map((c) => c.name).sort()).toEqual(['Acme Norway AS', 'Acme Sweden AB']);
  });

  it('a later run that reads only one of the two still finds the domain ambiguous (it lists Propstreet to see), and overwrites nothing', async () => {
    const started = await startE2E(
      { salesforce: false, propstreetPerMinute: 1_000_000 },
      {
        tenant: 'acme',
        connection: { objects: ['companies'], direction: 'to-crm', match: ['externalRef', 'key', 'domain'] },
      },
    );
    e = started;
    const hs = started.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const group = hs.createAsUser({
      name: 'Acme Group (HubSpot)',
      domain: 'acme.se',
      description: 'Key account, do not touch',
    });
    const [sweden, norway] = started.sb.propstreet.seedCompanies([
      { name: 'Acme Sweden AB', domain: 'acme.se' },
      { name: 'Acme Norway AS', domain: 'acme.se' },
    ]);
    const first = (await started.run()).connections[0];
    for (const id of [sweden?.id, norway?.id])
      expect(first?.records.find((r) => r.propstreetId === id)).toMatchObject({
        action: 'skip',
        reason: 'domain acme.se matches 1 CRM records and 2 companies',
      });

    // A person edits one of the two: the run reads Norway alone.
    started.sb.propstreet.editCompanyAsUser(norway?.id ?? '', { strategy: 'Nordic logistics' });
    const later = (await started.run()).connections[0];
    expect(later?.records.find((r) => r.propstreetId === norway?.id)).toMatchObject({
      action: 'skip',
      reason: 'domain acme.se matches 1 CRM records and 2 companies',
    });
    expect(hs.get(group)?.properties).toMatchObject({
      name: 'Acme Group (HubSpot)',
      description: 'Key account, do not touch',
    });
    expect(hs.get(group)?.properties.propstreet_id ?? '').toBe('');

    // With Sweden gone from Propstreet, Norway is the only acme.se: it pairs.
    started.sb.propstreet.deleteCompanyAsUser(sweden?.id ?? '');
    started.sb.propstreet.editCompanyAsUser(norway?.id ?? '', { strategy: 'Nordic logistics, 2027' });
    const paired = (await started.run()).connections[0];
    expect(paired?.records.find((r) => r.propstreetId === norway?.id)?.action).toBe('link');
  });

  it('a company deleted in HubSpot and created there again is not created a second time in Propstreet', async () => {
    const started = await startE2E(
      { salesforce: false, propstreetPerMinute: 1_000_000 },
      { tenant: 'acme', connection: { objects: ['companies'], match: ['externalRef', 'key', 'domain'] } },
    );
    e = started;
    const hs = started.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const [acme, beta] = started.sb.propstreet.seedCompanies([
      { name: 'Acme AB', domain: 'acme.se' },
      { name: 'Beta AB', domain: 'beta.se' },
    ]);
    await started.run();
    const first = hs.dump().find((c) => c.properties.propstreet_id === acme?.id)?.id ?? '';
    // deletes.fromCrm: unlink (the default): Acme AB stays in Propstreet, unlinked.
    hs.deleteAsUser(first);
    await started.run();
    // Later edits elsewhere move the checkpoint past Acme AB: a run reads it no more.
    started.sb.propstreet.editCompanyAsUser(beta?.id ?? '', { strategy: 'Core' });
    await started.run();
    started.sb.propstreet.editCompanyAsUser(beta?.id ?? '', { strategy: 'Core-plus' });
    const quiet = (await started.run()).connections[0];
    expect(quiet?.records.find((r) => r.propstreetId === acme?.id)).toBeUndefined();
    const again = hs.createAsUser({ name: 'Acme', domain: 'acme.se' });
    const run = (await started.run()).connections[0];
    expect(run?.records.find((r) => r.crmId === again)).toMatchObject({
      action: 'skip',
      reason: expect.stringContaining(`domain acme.se is already held by Propstreet company ${acme?.id}`),
    });
    const acmes = started.sb.propstreet.allCompanies().filter((c) => c.domain === 'acme.se' && !c.deletedUtc);
    expect(acmes.map((c) => c.name)).toEqual(['Acme AB']);
  });
});
