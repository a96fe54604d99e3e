/**
 * A bridge (HubSpot and Salesforce on one Propstreet tenant): a CRM deletion reaches Propstreet
 * only once the other connection has read its CRM past it (RELIABILITY.md bug 37). Before, the
 * connection that ran first carried its deletion to Propstreet while a person's edit of the same
 * record in the other CRM was still on its way, and the edit was lost; the same two edits kept
 * the record when the connections ran the other way round.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import { runCli } from '../cli/run-cli.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

const DELETES = { deletes: { fromPropstreet: 'delete', fromCrm: 'delete', maxShare: 1 } } as const;
/**
 * No overlap: a deletion waits for reads that start after it (the default waits an overlap more,
 * tested on its own below), and a Salesforce delta with nothing new yields no page at all.
 */
const QUICK = { ...DELETES, overlapSeconds: 0 } as const;
const CONTACTS = '/api/v1/network/contacts';

describe('bridge: a CRM deletion waits for the other connection', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  const hs = () => {
    const h = e.sb.hubspot;
    if (!h) throw new Error('no HubSpot fake');
    return h.control;
  };
  const sf = () => {
    const s = e.sb.salesforce;
    if (!s) throw new Error('no Salesforce fake');
    return s.control;
  };

  /** Three contacts synced to both CRMs; the first one's ids on each side. */
  const synced = async (connection: Record<string, unknown> = QUICK, clock?: Clock) => {
    e = await startE2E({}, { tenant: 'acme', connection });
    const [id = ''] = seedPropstreet(e.sb, 0, 3);
    await e.run(clock ? { clock } : {});
    await e.run(clock ? { clock } : {});
    const hsId = hs()
      .dump()
      .find((x) => x.properties.propstreet_id === id)?.id;
    const sfId = sf().getByKey(id)?.Id;
    if (!hsId || typeof sfId !== 'string') throw new Error('not synced');
    return { id, hsId, sfId };
  };
  const heldFacts = async (connection: string, kind = 'contacts') => {
    const store = createSqliteStateStore({ path: join(e.dir, 'acme.db') });
    try {
      const meta = await store.listMeta({ tenant: 'acme', connection, kind });
      return meta.filter((m) => m.key.startsWith('deletes.held:')).map((m) => m.key);
    } finally {
      await store.close();
    }
  };
  const actionsFor = (run: Awaited<ReturnType<E2E['run']>>, id: string) =>
    run.connections.flatMap((c) =>
      c.records.filter((r) => r.propstreetId === id).map((r) => `${c.result.connection}: ${r.action}`),
    );

  it('deleted in HubSpot, edited in Salesforce: held, then a delete-vs-edit conflict keeps the edit in Propstreet', async () => {
    const { id, hsId, sfId } = await synced();
    hs().deleteAsUser(hsId);
    sf().edit(sfId, { FirstName: 'EditedInSalesforce' });

    const first = await e.run();
    expect(actionsFor(first, id)).toEqual(['hubspot: skip', 'salesforce: update']);
    const held = first.connections.flatMap((c) => c.result.notices.filter((n) => n.kind === 'delete-held'));
    expect(held.map((n) => n.text)).toEqual([
      'deleted in the CRM; held until salesforce has synced what changed there since (an edit made there must not be lost to this delete)',
    ]);
    expect(await heldFacts('hubspot')).toEqual([`deletes.held:${hsId}`]);

    const second = await e.run();
    const conflicts = second.connections.flatMap((c) =>
      c.result.notices
        .filter((n) => n.kind === 'delete-vs-edit')
        .map((n) => `${c.result.connection}: ${n.text}`),
    );
    expect(conflicts).toEqual([
      'hubspot: deleted in the CRM, but edited in Propstreet since the last sync (firstName): the edited record is kept and unlinked (deletes.againstEdit: keep-edited)',
    ]);
    await e.run();
    const contact = e.sb.propstreet.contact(id);
    expect(contact?.deletedUtc ?? null).toBeNull();
    expect(contact?.firstName).toBe('EditedInSalesforce');
    expect(sf().get(sfId)?.FirstName).toBe('EditedInSalesforce');
    expect(await heldFacts('hubspot')).toEqual([]);
  });

  it('the other way round (Salesforce runs first) keeps the edit too, without waiting', async () => {
    const { id, hsId, sfId } = await synced();
    hs().deleteAsUser(hsId);
    sf().edit(sfId, { FirstName: 'EditedInSalesforce' });
    const sfFirst = await e.run({ only: ['salesforce'] });
    expect(actionsFor(sfFirst, id)).toEqual(['salesforce: update']);
    const hsNext = await e.run({ only: ['hubspot'] });
    expect(actionsFor(hsNext, id)).toEqual(['hubspot: unlink']);
    const contact = e.sb.propstreet.contact(id);
    expect(contact?.deletedUtc ?? null).toBeNull();
    expect(contact?.firstName).toBe('EditedInSalesforce');
  });

  it('with no edit anywhere: held one run, then deleted in Propstreet and Salesforce; the fact lives as long as the hold', async () => {
    const { id, hsId, sfId } = await synced();
    hs().deleteAsUser(hsId);
    // HubSpot alone, again and again: Salesforce never read past the deletion, so it stays held.
    for (let i = 0; i < 2; i++) {
      const run = await e.run({ only: ['hubspot'] });
      expect(actionsFor(run, id)).toEqual(['hubspot: skip']);
      expect(e.sb.propstreet.contact(id)?.deletedUtc ?? null).toBeNull();
    }
    const dry = await e.run({ dryRun: true });
    expect(actionsFor(dry, id)).toEqual(['hubspot: skip']);
    expect(await heldFacts('hubspot')).toEqual([`deletes.held:${hsId}`]);
    const status = await runCli(['status', e.config.file, '--json'], { env: e.sb.env });
    expect(status.code).toBe(0);
    const held = status
      .json<{
        connections: {
          connection: string;
          kind: string;
          heldDeletes: { crmId: string; propstreetId: string }[];
        }[];
      }>()
      .connections.flatMap((c) =>
        c.heldDeletes.map((h) => `${c.connection}/${c.kind}: ${h.propstreetId} ${h.crmId}`),
      );
    expect(held).toEqual([`hubspot/contacts: ${id} ${hsId}`]);

    await e.run({ only: ['salesforce'] });
    const carried = await e.run();
    expect(actionsFor(carried, id)).toEqual(['hubspot: delete-in-propstreet', 'salesforce: delete-in-crm']);
    expect(e.sb.propstreet.contact(id)?.deletedUtc).not.toBeNull();
    expect(sf().get(sfId)?.IsDeleted).toBe(true);
    expect(await heldFacts('hubspot')).toEqual([]);
    // Nothing is left to do: a rerun writes nothing about it.
    expect(actionsFor(await e.run(), id)).toEqual([]);
  });

  it('a contact Salesforce does not hold is deleted at once', async () => {
    const { id, hsId, sfId } = await synced();
    // Salesforce's link ends first (deleted there, and kept in Propstreet against HubSpot's edit).
    sf().remove(sfId);
    hs().editAsUser(hsId, { firstname: 'Kept' });
    await e.run();
    await e.run();
    expect(sf().getByKey(id)).toBeUndefined();
    hs().deleteAsUser(hsId);
    const run = await e.run();
    expect(actionsFor(run, id)).toEqual(['hubspot: delete-in-propstreet']);
    expect(e.sb.propstreet.contact(id)?.deletedUtc).not.toBeNull();
  });

  it('companies: an Account renamed in Salesforce keeps the company HubSpot deleted', async () => {
    e = await startE2E({}, { tenant: 'acme', connection: { objects: ['companies'], ...QUICK } });
    const [acme] = e.sb.propstreet.seedCompanies([
      { name: 'Acme Fastigheter AB', domain: 'acme.example.com' },
      { name: 'Other Fastigheter AB', domain: 'other.example.com' },
      { name: 'Third Fastigheter AB', domain: 'third.example.com' },
    ]);
    if (!acme) throw new Error('seed');
    await e.run();
    await e.run();
    const hsId = hs()
      .companies.dump()
      .find((c) => c.properties.propstreet_id === acme.id)?.id;
    const sfId = sf().accounts.getByKey(acme.id)?.Id;
    if (!hsId || typeof sfId !== 'string') throw new Error('not synced');
    hs().companies.deleteAsUser(hsId);
    sf().accounts.edit(sfId, { Name: 'Acme Renamed in Salesforce AB' });

    const first = await e.run();
    expect(actionsFor(first, acme.id)).toEqual(['hubspot: skip', 'salesforce: update']);
    expect(await heldFacts('hubspot', 'companies')).toEqual([`deletes.held:${hsId}`]);
    await e.run();
    const company = e.sb.propstreet.allCompanies().find((c) => c.id === acme.id);
    expect(company?.deletedUtc ?? null).toBeNull();
    expect(company?.name).toBe('Acme Renamed in Salesforce AB');
    expect(await heldFacts('hubspot', 'companies')).toEqual([]);
  });

  it('Salesforce read the edit but could not write it to Propstreet: the deletion waits for its retry', async () => {
    const { id, hsId, sfId } = await synced();
    hs().deleteAsUser(hsId);
    sf().edit(sfId, { FirstName: 'EditedInSalesforce' });
    e.sb.propstreet.http.faults.add({
      kind: 'status',
      status: 500,
      method: 'PATCH',
      path: `${CONTACTS}/${id}`,
    });
    await e.run(); // HubSpot holds; Salesforce's update fails and is recorded, its read time moves
    e.sb.propstreet.http.faults.clear();
    const retried = await e.run();
    expect(actionsFor(retried, id)).toContain('hubspot: skip');
    await e.run();
    const contact = e.sb.propstreet.contact(id);
    expect(contact?.deletedUtc ?? null).toBeNull();
    expect(contact?.firstName).toBe('EditedInSalesforce');
  });

  it('with the default overlap, an engine clock 60 s ahead of the CRMs does not count a later deletion as read', async () => {
    const ahead: Clock = {
      now: () => new Date(Date.now() + 60_000),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    };
    const { id, hsId, sfId } = await synced(DELETES, ahead);
    sf().edit(sfId, { FirstName: 'EditedInSalesforce' }); // after Salesforce's last read, by the CRMs' clock
    hs().deleteAsUser(hsId);
    const run = await e.run({ clock: ahead });
    expect(actionsFor(run, id)).toEqual(['hubspot: skip', 'salesforce: update']);
    await e.run({ clock: ahead });
    const contact = e.sb.propstreet.contact(id);
    expect(contact?.deletedUtc ?? null).toBeNull();
    expect(contact?.firstName).toBe('EditedInSalesforce');
  });

  it('a run with --reconcile keeps the time the held deletion was made, so it is still carried out', async () => {
    const { id, hsId } = await synced();
    hs().deleteAsUser(hsId);
    for (let i = 0; i < 3; i++) await e.run({ reconcile: true });
    expect(e.sb.propstreet.contact(id)?.deletedUtc).toBeTruthy();
  });

  it('a connection that no longer syncs the kind is not waited for, though its old links stay', async () => {
    const { id, hsId } = await synced();
    await e.reconfigure({ salesforceConnection: { objects: ['companies'] } });
    await e.run();
    hs().deleteAsUser(hsId);
    const run = await e.run();
    expect(actionsFor(run, id)).toEqual(['hubspot: delete-in-propstreet']);
    expect(e.sb.propstreet.contact(id)?.deletedUtc).toBeTruthy();
  });

  it('a Salesforce delta with nothing new still counts as read past the deletion', async () => {
    const { id, hsId } = await synced();
    const other = e.sb.propstreet.allContacts().find((c) => c.id !== id)?.id ?? '';
    const sfOther = String(sf().getByKey(other)?.Id);
    // Salesforce stamps whole seconds: its deletion of the other contact comes a second later.
    sf().advanceClock(1_100);
    e.sb.propstreet.deleteAsUser(other);
    await e.run(); // deleted in both CRMs
    await e.run(); // Salesforce reads its own deletion: its checkpoint is that row's stamp
    // Purged (15 days on, or a full bin): Salesforce's delta reads nothing from now on.
    sf().emptyRecycleBin([sfOther]);
    hs().deleteAsUser(hsId);
    await e.run();
    await e.run();
    expect(e.sb.propstreet.contact(id)?.deletedUtc).toBeTruthy();
  });
});
