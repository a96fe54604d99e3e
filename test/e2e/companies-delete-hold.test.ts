/**
 * A company deleted in Propstreet whose HubSpot company still has contacts is not archived, end
 * to end: the real HubSpot adapter reads `num_associated_contacts`, which the fake works out
 * from its associations, and the delete is held with its reason; a company without contacts
 * follows `deletes.fromPropstreet: archive`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

describe('HubSpot companies: a Propstreet deletion is held while the company has contacts', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E(
      { salesforce: false },
      {
        tenant: 'acme',
        connection: { objects: ['companies'], deletes: { fromPropstreet: 'archive', maxShare: 1 } },
      },
    );
  });
  afterAll(async () => e?.close());

  it('archives the company without contacts and keeps, unlinked, the one with two', async () => {
    const [busy, empty] = e.sb.propstreet.seedCompanies([
      { name: 'Busy Fastigheter AB', domain: 'busy.example.com' },
      { name: 'Empty Fastigheter AB', domain: 'empty.example.com' },
    ]);
    if (!busy || !empty) throw new Error('seed failed');
    const first = (await e.run()).connections[0]?.result;
    expect(first?.done.create.crm).toBe(2);

    const hubspot = e.sb.hubspot!.control;
    const crmIdOf = (psId: string) =>
      hubspot.companies.dump().find((c) => c.properties.propstreet_id === psId)?.id ?? '';
    const [busyCrm, emptyCrm] = [crmIdOf(busy.id), crmIdOf(empty.id)];
    // Two people at Busy, added in HubSpot by a user (the connector does not sync links yet).
    const [ada, bob] = hubspot.contacts.seed([
      { properties: { email: 'ada@busy.example.com' } },
      { properties: { email: 'bob@busy.example.com' } },
    ]);
    if (!ada || !bob) throw new Error('seed failed');
    hubspot.associate(ada, busyCrm, { primary: true });
    hubspot.associate(bob, busyCrm);

    e.sb.propstreet.deleteCompanyAsUser(busy.id);
    e.sb.propstreet.deleteCompanyAsUser(empty.id);
    const run = (await e.run()).connections[0];
    expect(run?.result.status).toBe('ok');
    const held = run?.records.find((r) => r.propstreetId === busy.id);
    expect(held).toMatchObject({ action: 'unlink', crmId: busyCrm, notice: { kind: 'delete-held' } });
    expect(held?.reason).toBe(
      'deleted in Propstreet, but the CRM company still has 2 linked contacts: kept and unlinked (a company is not deleted while it has linked contacts)',
    );
    expect(run?.result.notices).toContainEqual(
      expect.objectContaining({ kind: 'delete-held', propstreetIds: [busy.id], crmId: busyCrm }),
    );
    expect(run?.records.find((r) => r.propstreetId === empty.id)?.action).toBe('delete-in-crm');

    const state = (id: string) => hubspot.companies.dump().find((c) => c.id === id)?.archived;
    expect(state(busyCrm)).toBe(false);
    expect(state(emptyCrm)).toBe(true);
    expect(hubspot.associatedCompanies(ada)).toEqual([{ companyId: busyCrm, primary: true }]);

    // Both links ended: a rerun has nothing to do.
    const quiet = (await e.run()).connections[0]?.result;
    expect(quiet?.calls.crm.write ?? 0).toBe(0);
    expect(quiet?.calls.propstreet.write ?? 0).toBe(0);
  });
});
