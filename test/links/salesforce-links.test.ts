/**
 * Who works where between Propstreet and Salesforce (AccountId + AccountContactRelation) on the
 * real fakes over HTTP: 2 contacts × 2 companies, changes made on either side.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../fakes/salesforce/salesforce-fake.js';
import { Redactor } from '../../src/core/redact.js';
import { createSalesforceAssociations } from '../../src/crm/salesforce/associations.js';
import { createSalesforceAdapter } from '../../src/crm/salesforce/index.js';
import { type LinksWorld, startLinksWorld } from './links-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** The Salesforce clients' clock: `skew.ms` moves it (and the fake's, set apart) ahead of real time. */
const skew = { ms: 0 };
const instant = { now: () => new Date(Date.now() + skew.ms), sleep: async () => {} };

describe('links phase ⇄ Salesforce', () => {
  let sf: SalesforceFake | undefined;
  let world: LinksWorld | undefined;
  afterEach(async () => {
    await world?.close();
    await sf?.close();
    world = sf = undefined;
    skew.ms = 0;
  });

  async function start(multiple: boolean, now?: () => Date) {
    sf = await startSalesforceFake({ contactsToMultipleAccounts: multiple });
    const conn = {
      redactor,
      instanceUrl: sf.url,
      accessToken: sf.accessToken,
      loginUrl: sf.url,
      clock: instant,
    };
    const adapter = createSalesforceAdapter({ ...conn, fields: ['LastName', 'Email', 'Title'] });
    const associations = createSalesforceAssociations(conn);
    world = await startLinksWorld({
      adapter,
      associations,
      secondary: () => associations.multipleCompanies(),
      titleProperty: 'Title',
      ...(now ? { now } : {}),
    });
    const [ada, bo] = world.ps.seed([
      { firstName: 'Ada', lastName: 'Lind', email: 'ada@example.com' },
      { firstName: 'Bo', lastName: 'Berg', email: 'bo@example.com' },
    ]);
    const acme = await world.client.createCompany({ name: 'Acme AB' });
    const beta = await world.client.createCompany({ name: 'Beta AB' });
    const [cAda, cBo] = sf.control.seed([
      { LastName: 'Lind', Email: 'ada@example.com' },
      { LastName: 'Berg', Email: 'bo@example.com' },
    ]);
    const [aAcme, aBeta] = sf.control.accounts.seed([{ Name: 'Acme AB' }, { Name: 'Beta AB' }]);
    const ids = {
      ada: ada?.id ?? '',
      bo: bo?.id ?? '',
      acme: acme.id,
      beta: beta.id,
      cAda: cAda ?? '',
      cBo: cBo ?? '',
      aAcme: aAcme ?? '',
      aBeta: aBeta ?? '',
    };
    await world.linkContact(ids.ada, ids.cAda);
    await world.linkContact(ids.bo, ids.cBo);
    await world.linkCompany(ids.acme, ids.aAcme);
    return { world, sf, associations, ids };
  }

  const writesTo = (fake: SalesforceFake) =>
    fake.http.requests.filter((r) => r.path.startsWith('/services/data/') && r.method !== 'GET').length;

  it('writes Propstreet jobs to Salesforce (primary → AccountId, others → relations, title), deferring a company not yet linked; a rerun writes nothing', async () => {
    const { world, sf, associations, ids } = await start(true);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme, jobTitle: 'CFO' });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.beta });
    await world.client.createLink({ contactId: ids.bo, companyId: ids.beta, jobTitle: 'Analyst' });
    const psWritesBefore = world.propstreetWrites();

    // Beta has no Salesforce Account linked yet: its associations wait, Acme's go.
    const first = await world.run();
    expect(first.deferred.map((d) => d.contact).sort()).toEqual([ids.ada, ids.bo].sort());
    expect(await associations.read([ids.cAda, ids.cBo])).toEqual([
      { fromId: ids.cAda, toId: ids.aAcme, primary: true },
    ]);

    await world.linkCompany(ids.beta, ids.aBeta);
    const dry = await world.run({ dryRun: true });
    const sfWrites = writesTo(sf);
    expect(
      dry.rows.map((r) => `${r.contact === ids.ada ? 'ada' : 'bo'} ${r.side} ${r.action}`).sort(),
    ).toEqual(['ada crm associate', 'bo crm primary']); // Bo's title went in the first run: only the associations waited for Beta.
    expect(writesTo(sf)).toBe(sfWrites);

    const second = await world.run();
    expect(second.deferred).toEqual([]);
    expect(second.failed).toEqual([]);
    const sorted = (xs: { fromId: string; toId: string; primary: boolean; id?: unknown }[]) =>
      [...xs].sort((a, b) => `${a.fromId}${a.toId}`.localeCompare(`${b.fromId}${b.toId}`));
    expect(sorted(await associations.read([ids.cAda, ids.cBo]))).toEqual(
      sorted([
        { fromId: ids.cAda, toId: ids.aAcme, primary: true },
        { fromId: ids.cAda, toId: ids.aBeta, primary: false, id: expect.stringMatching(/^07k/) },
        { fromId: ids.cBo, toId: ids.aBeta, primary: true },
      ]),
    );
    expect(sf.control.get(ids.cAda)?.Title).toBe('CFO');
    expect(sf.control.get(ids.cBo)?.Title).toBe('Analyst');

    const before = writesTo(sf);
    const rerun = await world.run();
    expect(rerun.rows).toEqual([]);
    expect(writesTo(sf)).toBe(before);
    expect(world.propstreetWrites()).toBe(psWritesBefore);
  });

  it('carries Salesforce edits to Propstreet: a new job and primary, a title, a removed relation; and a Propstreet removal back', async () => {
    const { world, sf, associations, ids } = await start(true);
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme, jobTitle: 'CFO' });
    await world.client.createLink({ contactId: ids.bo, companyId: ids.beta });
    await world.run();
    expect(await world.employments(ids.bo)).toEqual([`${ids.beta}:*`]);

    // Bo moves to Acme in Salesforce (Beta stays as an indirect relation); Ada's title changes.
    sf.control.edit(ids.cBo, { AccountId: ids.aAcme });
    sf.control.edit(ids.cAda, { Title: 'CEO' });
    const moved = await world.run();
    expect(moved.failed).toEqual([]);
    expect(await world.employments(ids.bo)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:CEO*`]);

    // Propstreet removes Bo's Beta link: the relation goes in Salesforce.
    const betaLink = (await world.linksOf(ids.bo)).find((l) => l.companyId === ids.beta);
    if (!betaLink) throw new Error('no Beta link');
    await world.client.deleteLink(betaLink.id);
    await world.run();
    expect(await associations.read([ids.cBo])).toEqual([{ fromId: ids.cBo, toId: ids.aAcme, primary: true }]);

    const before = writesTo(sf);
    const psBefore = world.propstreetWrites();
    expect((await world.run()).rows).toEqual([]);
    expect(writesTo(sf)).toBe(before);
    expect(world.propstreetWrites()).toBe(psBefore);
  });

  it('sees a relation a Salesforce user adds, and one deleted for good, at the next run (no full scan; the Contact is not stamped)', async () => {
    // The phase's clock runs two minutes ahead after the first run, so the contact versions it
    // read are past the boundary's margin and remembered: only the relation delta brings Ada back.
    let ahead = 0;
    const { world, sf, ids } = await start(true, () => new Date(Date.now() + ahead));
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    await world.run();
    ahead = 120_000;
    await world.run();
    // This run asked for the deleted relations; the quiet run below comes within its minute (on a
    // machine slow enough to take longer, the phase's clock is held back to keep it so).
    const asked = Date.now();
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`]);
    const relations = sf.control.accountContactRelations;
    if (!relations) throw new Error('the org has no relations');
    const stamped = sf.control.get(ids.cAda)?.SystemModstamp;

    const [rel] = relations.seed([{ AccountId: ids.aBeta, ContactId: ids.cAda }], {
      as: sf.control.uiUserId,
    });
    expect(sf.control.get(ids.cAda)?.SystemModstamp).toBe(stamped);
    const added = await world.run();
    expect(added.failed).toEqual([]);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());

    // Nothing new (after the run that reads back the link it wrote to Propstreet): the relation
    // delta's one query, the same version skipped, no contact read.
    expect((await world.run()).rows).toEqual([]);
    const before = sf.http.requests.length;
    const psBefore = world.propstreetWrites();
    ahead -= Math.max(0, Date.now() - asked - 50_000);
    expect((await world.run()).rows).toEqual([]);
    const quiet = sf.http.requests.slice(before);
    const queries = quiet
      .filter((r) => /\/query(All)?$/.test(r.path))
      .map((r) => decodeURIComponent(r.query));
    expect(queries.filter((q) => q.includes('FROM AccountContactRelation'))).toEqual([
      expect.stringContaining('WHERE IsDirect = false AND SystemModstamp >='),
    ]);
    expect(queries.filter((q) => q.includes(' IN ('))).toEqual([]);
    expect(queries).toHaveLength(2); // the contact delta and the relation delta
    // Nothing else: the deleted relations were asked for less than a minute ago.
    expect(quiet.filter((r) => !/\/query(All)?$/.test(r.path))).toEqual([]);
    expect(world.propstreetWrites()).toBe(psBefore);

    // A relation deleted for good stamps nothing and no query lists it: its id, listed by the
    // deleted resource once Salesforce covers its minute, names Ada through her shadow.
    relations.remove(rel ?? '', { as: sf.control.uiUserId });
    skew.ms = 120_000;
    sf.control.setClock(Date.now() + skew.ms);
    ahead = 240_000;
    const removed = await world.run();
    expect(removed.fullScan).toBe(false);
    expect(removed.rows).toEqual([
      expect.objectContaining({
        contact: ids.ada,
        side: 'propstreet',
        action: 'dissociate',
        company: ids.beta,
      }),
    ]);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`]);
  });

  it('a relation it deletes itself is listed back and traced to no one; a deletion older than Salesforce lists is found by a full scan', async () => {
    let ahead = 0;
    const { world, sf, ids } = await start(true, () => new Date(Date.now() + ahead));
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    const beta = await world.client.createLink({ contactId: ids.ada, companyId: ids.beta });
    await world.run();
    // The run after the first: the relation the first wrote comes back through the relation
    // delta, and its id is kept in Ada's shadow.
    ahead = 120_000;
    await world.run();
    const shadowOf = async () => (await world.store.linksByPropstreetIds(world.linksScope, [ids.ada]))[0];
    const kept = await shadowOf();
    expect(JSON.parse(kept?.shadow?.crmLinks ?? '[]')).toEqual([expect.stringMatching(/^07k/)]);

    // A shadow from before the ids were kept: a CRM-side touch (an edit of another field) stores
    // them, with no Propstreet read (nothing else moved).
    if (!kept?.shadow) throw new Error('Ada has no shadow');
    const { crmLinks, ...withoutIds } = kept.shadow;
    await world.store.commit(world.linksScope, { upsertLinks: [{ ...kept, shadow: withoutIds }] });
    // A second on, or the edit could share the stamp of the version the last run remembered.
    sf.control.setClock(Date.now() + 2_000);
    sf.control.edit(ids.cAda, { LastName: 'Lindqvist' });
    sf.control.useRealClock();
    expect((await world.run()).contactsRead).toBe(0);
    expect((await shadowOf())?.shadow?.crmLinks).toBe(crmLinks);

    // Propstreet ends Ada's job at Beta: the phase deletes the relation in Salesforce. Listed
    // back by the deleted resource, its id is in no shadow: no contact read, nothing written.
    await world.client.deleteLink(beta.id);
    await world.run();
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`]);
    skew.ms = 120_000;
    sf.control.setClock(Date.now() + skew.ms);
    ahead = 240_000;
    const before = sf.http.requests.length;
    const psWrites = world.propstreetWrites();
    const listed = await world.run();
    const paths = sf.http.requests.slice(before).map((r) => r.path);
    expect(paths).toContainEqual(expect.stringMatching(/\/AccountContactRelation\/deleted$/));
    expect(listed.contactsRead).toBe(0);
    expect(listed.rows).toEqual([]);
    expect(world.propstreetWrites()).toBe(psWrites);

    // Sixteen days without a phase: deletions older than Salesforce's 15 days are not listed,
    // so the phase reads every linked contact (and says so), and starts again from there.
    const sixteenDays = 16 * 86_400_000;
    skew.ms += sixteenDays;
    sf.control.setClock(Date.now() + skew.ms);
    ahead += sixteenDays;
    const late = await world.run();
    expect(late.fullScan).toBe(true);
    expect(await world.store.getMeta(world.linksScope, 'links.fullScanAt')).not.toBeNull();
    const checkpoint = JSON.parse(
      (await world.store.getMeta(world.linksScope, 'links.deletedCheckpoint')) ?? '{}',
    );
    expect(Date.parse(checkpoint.covered)).toBeGreaterThan(Date.now() + sixteenDays - 600_000);
    skew.ms += 120_000;
    sf.control.setClock(Date.now() + skew.ms);
    ahead += 120_000;
    expect((await world.run()).fullScan).toBe(false);
  });

  it('a dry run sees a deleted relation and leaves the deleted checkpoint where it was', async () => {
    let ahead = 0;
    const { world, sf, ids, associations } = await start(true, () => new Date(Date.now() + ahead));
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.beta });
    await world.run();
    ahead = 120_000;
    await world.run();
    const rel = (await associations.read([ids.cAda])).find((a) => !a.primary)?.id;
    const relations = sf.control.accountContactRelations;
    if (!relations || !rel) throw new Error('Ada has no relation to Beta');
    const kept = await world.store.getMeta(world.linksScope, 'links.deletedCheckpoint');
    expect(kept).not.toBeNull();

    relations.remove(rel, { as: sf.control.uiUserId });
    skew.ms = 120_000;
    sf.control.setClock(Date.now() + skew.ms);
    ahead = 240_000;
    const removal = (outcome: string) =>
      expect.objectContaining({
        contact: ids.ada,
        side: 'propstreet',
        action: 'dissociate',
        company: ids.beta,
        outcome,
      });
    const dry = await world.run({ dryRun: true });
    expect(dry.rows).toEqual([removal('planned')]);
    expect(await world.store.getMeta(world.linksScope, 'links.deletedCheckpoint')).toBe(kept);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
    const real = await world.run();
    expect(real.rows).toEqual([removal('done')]);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`]);
  });

  /** Ada at Acme (primary) and Beta (a relation) on both sides, her relation's id in her shadow. */
  async function adaAtAcmeAndBeta() {
    const clock = { ahead: 0 };
    const started = await start(true, () => new Date(Date.now() + clock.ahead));
    const { world, ids } = started;
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.beta });
    await world.run();
    clock.ahead = 120_000;
    await world.run();
    const shadow = async () => (await world.store.linksByPropstreetIds(world.linksScope, [ids.ada]))[0];
    expect(JSON.parse((await shadow())?.shadow?.crmLinks ?? '[]')).toHaveLength(1);
    /** Two minutes on for Salesforce, its clients and the phase, one clock: what was deleted is listed. */
    const later = () => {
      clock.ahead += 120_000;
      skew.ms = clock.ahead;
      started.sf.control.setClock(Date.now() + skew.ms);
    };
    return { ...started, clock, shadow, later };
  }

  it('a contact deleted in Salesforce while still linked loses no company in Propstreet, and keeps its shadow for the contacts kind to decide', async () => {
    const { world, sf, ids, shadow, later } = await adaAtAcmeAndBeta();
    // Deleting the contact takes its relations along: their ids are listed, and trace to Ada.
    const kept = await shadow();
    sf.control.remove(ids.cAda, { as: sf.control.uiUserId });
    later();
    const psWrites = world.propstreetWrites();
    const run = await world.run();
    expect(run.rows).toEqual([]);
    // Reported (the reports list it), nothing else.
    expect(run.deferred).toEqual([
      { contact: ids.ada, reason: expect.stringContaining('the CRM record is not there') },
    ]);
    expect(world.propstreetWrites()).toBe(psWrites);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
    // Her shadow is kept as it was (were the record back, a removal made meanwhile still counts
    // as one) and no failure is left to retry.
    expect(await shadow()).toEqual(kept);
    expect(await world.store.listFailures(world.linksScope)).toEqual([]);
  });

  it('a contact the contacts kind unlinked: a deleted relation is not traced to it, and an edit of its links ends its shadow instead of waiting', async () => {
    const { world, sf, ids, associations, later } = await adaAtAcmeAndBeta();
    const rel = (await associations.read([ids.cAda])).find((a) => !a.primary)?.id;
    if (!rel) throw new Error('Ada has no relation to Beta');
    // The contacts kind ended Ada's link (a CRM deletion under `fromCrm: unlink`, say).
    await world.store.commit(
      { tenant: 't1', connection: 'crm', kind: 'contacts' },
      { deleteLinks: [ids.ada] },
    );
    sf.control.accountContactRelations?.remove(rel, { as: sf.control.uiUserId });
    later();
    const run = await world.run();
    expect(run.contactsRead).toBe(0);
    expect(run.deferred).toEqual([]);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());

    // Her links edited in Propstreet while she is unlinked: nothing to write (no CRM record) and
    // nothing to wait for — her shadow ends instead of a deferral retried at every run.
    const writes = writesTo(sf);
    let beta: string | undefined;
    for await (const page of world.client.listLinks({ contactId: ids.ada }))
      beta ??= page.links.find((l) => l.companyId === ids.beta)?.id;
    await world.client.deleteLink(beta ?? 'none');
    later();
    const edited = await world.run();
    expect(edited.deferred).toEqual([]);
    expect(edited.failed).toEqual([]);
    expect(writesTo(sf)).toBe(writes);
    expect(await world.store.linksByPropstreetIds(world.linksScope, [ids.ada])).toEqual([]);
    expect(await world.store.listFailures(world.linksScope)).toEqual([]);
  });

  it("a contact re-pointed to another CRM record is merged as a new pair: the old record's shadow removes nothing", async () => {
    const { world, sf, ids, associations, shadow } = await adaAtAcmeAndBeta();
    // The contacts kind now links Ada to another Salesforce contact (a relink, a merge's master),
    // one with no companies yet.
    const [fresh] = sf.control.seed([{ LastName: 'Lind', Email: 'ada.lind@example.com' }]);
    if (!fresh) throw new Error('seed failed');
    await world.linkContact(ids.ada, fresh);
    const run = await world.run({ fullScan: true });
    expect(run.rows.filter((r) => r.side === 'propstreet')).toEqual([]);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
    expect((await associations.read([fresh])).map((a) => `${a.toId}:${a.primary}`).sort()).toEqual(
      [`${ids.aAcme}:true`, `${ids.aBeta}:false`].sort(),
    );
    expect((await shadow())?.crmId).toBe(fresh);
  });

  it('a lost deleted-relations checkpoint, or a delete log purged since it, makes one full scan', async () => {
    const { world, sf, ids, associations, later } = await adaAtAcmeAndBeta();
    await world.store.setMeta(world.linksScope, 'links.deletedCheckpoint', null);
    later();
    expect((await world.run()).fullScan).toBe(true);
    later();
    expect((await world.run()).fullScan).toBe(false);

    // Salesforce purged its delete log after our checkpoint (past its size limit): the relation
    // deleted before the purge is listed nowhere, and the refusal makes the phase read everyone.
    const rel = (await associations.read([ids.cAda])).find((a) => !a.primary)?.id;
    sf.control.accountContactRelations?.remove(rel ?? '', { as: sf.control.uiUserId });
    later();
    sf.control.accountContactRelations?.purgeDeleteLog();
    later();
    const purged = await world.run();
    expect(purged.fullScan).toBe(true);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`]);
    // And reading starts again after the purge: the next phase is an ordinary one.
    later();
    expect((await world.run()).fullScan).toBe(false);
  });

  it("asks for deleted relations at most once a minute by its own clock, Salesforce's behind it or not", async () => {
    const { world, sf, clock } = await adaAtAcmeAndBeta();
    // Our clocks five minutes ahead of Salesforce's: its latestDateCovered lags ours.
    skew.ms += 300_000;
    clock.ahead += 300_000;
    const asked = () =>
      sf.http.requests.filter((r) => r.path.endsWith('/AccountContactRelation/deleted')).length;
    const before = asked();
    const first = Date.now();
    await world.run();
    expect(asked()).toBe(before + 1);
    // Within the first run's minute, on however slow a machine (its clock held back if need be).
    clock.ahead -= Math.max(0, Date.now() - first - 50_000);
    await world.run();
    expect(asked()).toBe(before + 1);
  });

  /**
   * Ada and Bo at Acme on both sides, written an hour ago, and one phase run (five-minute
   * overlap): the phase remembers what it read, so only a delta brings a contact back. The
   * phase's clock runs `ahead` of the others' when the test says so.
   */
  async function agreedAnHourAgo() {
    const clock = { ahead: 0 };
    const started = await start(true, () => new Date(Date.now() + clock.ahead));
    const { world, sf, ids } = started;
    const hourAgo = Date.now() - 3_600_000;
    sf.control.setClock(hourAgo);
    world.ps.setClock(new Date(hourAgo).toISOString());
    await world.linkCompany(ids.beta, ids.aBeta);
    sf.control.edit(ids.cAda, { AccountId: ids.aAcme });
    sf.control.edit(ids.cBo, { AccountId: ids.aAcme });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    await world.client.createLink({ contactId: ids.bo, companyId: ids.acme });
    sf.control.useRealClock();
    world.ps.setClock(null);
    expect((await world.run(OVERLAP)).rows).toEqual([]);
    return { ...started, clock };
  }
  const OVERLAP = { overlapSeconds: 300 };

  it('reads a contact edit saved late (stamped before the contact checkpoint) when the phase next re-reads its overlap', async () => {
    const { world, sf, ids, clock } = await agreedAnHourAgo();
    sf.control.edit(ids.cAda, { Title: 'CEO' });
    await world.run(OVERLAP);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:CEO*`]);
    const checkpoint = await world.store.getCheckpoint(world.linksScope, 'crm');
    sf.control.setClock(Date.parse(checkpoint ?? '') - 120_000);
    sf.control.edit(ids.cBo, { Title: 'CTO' });
    sf.control.useRealClock();
    await world.run(OVERLAP);
    expect(await world.employments(ids.bo)).toEqual([`${ids.acme}:*`]);
    clock.ahead = 301_000;
    await world.run(OVERLAP);
    expect(await world.employments(ids.bo)).toEqual([`${ids.acme}:CTO*`]);
  });

  it('reads a relation saved late (stamped before the relation checkpoint) when the phase next re-reads its overlap', async () => {
    const { world, sf, ids, clock } = await agreedAnHourAgo();
    const relations = sf.control.accountContactRelations;
    if (!relations) throw new Error('the org has no relations');
    const overlap = OVERLAP;

    const [boBeta] = relations.seed([{ AccountId: ids.aBeta, ContactId: ids.cBo }], {
      as: sf.control.uiUserId,
    });
    await world.run(overlap);
    expect(await world.employments(ids.bo)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
    const checkpoint = await world.store.getMeta(world.linksScope, 'links.relationsCheckpoint');
    const stamp = String(relations.get(boBeta ?? '')?.SystemModstamp).replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    expect(checkpoint).toBe(new Date(stamp).toISOString());

    // A relation whose save commits late: stamped two minutes before the checkpoint. The runs
    // within an overlap of the last full read read from the checkpoint: not yet.
    sf.control.setClock(Date.parse(checkpoint ?? '') - 120_000);
    relations.seed([{ AccountId: ids.aBeta, ContactId: ids.cAda }], { as: sf.control.uiUserId });
    sf.control.useRealClock();
    await world.run(overlap);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`]);
    // One overlap after the last full read, the phase reads the window again: Ada's new job.
    clock.ahead = 301_000;
    await world.run(overlap);
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:*`, `${ids.beta}:`].sort());
  });

  it('a dry run leaves the relation checkpoint where it was; an unreadable one is read as none', async () => {
    const { world, sf, ids } = await start(true);
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    await world.run();
    const before = await world.store.getMeta(world.linksScope, 'links.relationsCheckpoint');
    expect(before).not.toBeNull();
    sf.control.advanceClock(5_000);
    sf.control.accountContactRelations?.seed([{ AccountId: ids.aBeta, ContactId: ids.cAda }]);
    const dry = await world.run({ dryRun: true });
    expect(dry.rows.map((r) => `${r.side} ${r.action}`)).toContain('propstreet associate');
    expect(await world.store.getMeta(world.linksScope, 'links.relationsCheckpoint')).toBe(before);
    sf.control.useRealClock();

    // An unreadable checkpoint is read as none: the delta starts from the contact delta's.
    await world.store.setMeta(world.linksScope, 'links.relationsCheckpoint', '2026');
    const real = await world.run();
    expect(real.rows.map((r) => `${r.side} ${r.action}`)).toContain('propstreet associate');
    expect(await world.store.getMeta(world.linksScope, 'links.relationsCheckpoint')).toMatch(
      /^\d{4}-\d{2}-\d{2}T/,
    );
  });

  it('without Contacts to Multiple Accounts syncs only the primary company and never removes the others', async () => {
    const { world, sf, associations, ids } = await start(false);
    await world.linkCompany(ids.beta, ids.aBeta);
    await world.client.createLink({ contactId: ids.ada, companyId: ids.acme });
    await world.client.createLink({ contactId: ids.ada, companyId: ids.beta });
    const first = await world.run();
    expect(first.failed).toEqual([]);
    expect(await associations.read([ids.cAda])).toEqual([
      { fromId: ids.cAda, toId: ids.aAcme, primary: true },
    ]);
    // The primary moves in Salesforce: Beta becomes primary in Propstreet; Acme stays, demoted.
    sf.control.edit(ids.cAda, { AccountId: ids.aBeta });
    await world.run();
    expect(await world.employments(ids.ada)).toEqual([`${ids.acme}:`, `${ids.beta}:*`].sort());
    const before = writesTo(sf);
    expect((await world.run()).rows).toEqual([]);
    expect(writesTo(sf)).toBe(before);
    // No relations, no deleted ones to list: no checkpoint is no gap (no full scan, no call).
    await world.store.setMeta(world.linksScope, 'links.deletedCheckpoint', null);
    const requests = sf.http.requests.length;
    expect((await world.run()).fullScan).toBe(false);
    expect(sf.http.requests.slice(requests).map((r) => r.path)).not.toContainEqual(
      expect.stringContaining('/deleted'),
    );
  });
});
