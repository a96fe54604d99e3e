/**
 * Whole runs of the companies kind on the in-memory ports: the same engine and run as
 * contacts, given the companies spec, its mapping files and its ports — the proof for #13 that
 * a kind is a folder. Creates, updates, conflicts, deletes held for linked contacts, echo-free
 * reruns, and opt-in pairing by domain (compared canonically, ambiguity reported) and by name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncSettings } from '../../src/engine/types.js';
import type { CrmType } from '../../src/kinds/kind-spec.js';
import { CompanyHarness } from '../support/in-memory/company-harness.js';

let current: CompanyHarness | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

function open(
  crm: CrmType = 'hubspot',
  over: Partial<Omit<SyncSettings, 'deletes'>> & { deletes?: Partial<SyncSettings['deletes']> } = {},
) {
  current = new CompanyHarness(crm, over);
  return current;
}

/** Runs again and expects the connector to write nothing: no echo, no loop. */
async function expectQuietRerun(h: CompanyHarness): Promise<void> {
  const before = h.world.writes.length;
  const { plans } = await h.run();
  expect(h.writesSince(before)).toEqual([]);
  expect(plans.filter((p) => p.action !== 'noop' && p.action !== 'skip')).toEqual([]);
}

const ACME = {
  name: 'Acme Fastigheter AB',
  homepageUrl: 'https://www.acme.se/om-oss',
  countryCode: 'SE',
  linkedInUrl: 'https://www.linkedin.com/company/acme',
  strategy: 'Core-plus logistics in the Nordics',
  tags: ['investor', 'logistics'],
};

describe('companies ⇄ HubSpot companies, whole runs', () => {
  it('creates each side on the other, with every mapped field, and a rerun writes nothing', async () => {
    const h = open('hubspot');
    const acme = h.world.createInPropstreet(ACME);
    const beta = h.world.createInCrm({ name: 'Beta Invest', domain: 'beta.no', country: 'Norway' });
    const { result } = await h.run();
    expect(result.status).toBe('ok');
    expect(result.done.create).toEqual({ crm: 1, propstreet: 1 });

    const acmeCrm = h.crmIdOf(acme);
    expect(acmeCrm).toBeDefined();
    expect(h.world.crmRow(acmeCrm ?? '').properties).toMatchObject({
      name: 'Acme Fastigheter AB',
      domain: 'acme.se',
      website: 'https://www.acme.se/om-oss',
      country: 'SE',
      linkedin_company_page: 'https://www.linkedin.com/company/acme',
      description: 'Core-plus logistics in the Nordics',
      propstreet_tags: 'investor;logistics',
      propstreet_id: acme,
    });
    const betaPs = h.propstreetOf(beta);
    expect(betaPs).toMatchObject({ name: 'Beta Invest', domain: 'beta.no', countryCode: 'NO' });
    expect(h.world.crmRow(beta).properties.propstreet_id).toBe(betaPs?.id);
    await expectQuietRerun(h);
  });

  it('carries an edit on either side to the other; a value equal in meaning is no change', async () => {
    const h = open('hubspot');
    const acme = h.world.createInPropstreet(ACME);
    await h.run();
    const crmId = h.crmIdOf(acme) ?? '';

    h.world.editPropstreet(acme, { name: 'Acme Holding AB' });
    h.world.editCrm(crmId, { description: 'Value-add offices' });
    await h.run();
    expect(h.world.crmRow(crmId).properties.name).toBe('Acme Holding AB');
    expect(h.world.propstreetRecord(acme).strategy).toBe('Value-add offices');
    await expectQuietRerun(h);

    // A person writes the country's name, and the domain as a URL: the same values, canonically.
    h.world.editCrm(crmId, { country: 'Sweden', domain: 'https://WWW.acme.se/' });
    await expectQuietRerun(h);
    h.world.editCrm(crmId, { country: 'Norge' });
    await h.run();
    expect(h.world.propstreetRecord(acme).countryCode).toBe('NO');
    await expectQuietRerun(h);
  });

  it('a field changed on both sides follows the conflict policy (newest wins), and is reported', async () => {
    const h = open('hubspot');
    const acme = h.world.createInPropstreet(ACME);
    await h.run();
    const crmId = h.crmIdOf(acme) ?? '';
    h.world.editPropstreet(acme, { name: 'Acme One' });
    h.world.editCrm(crmId, { name: 'Acme Two' });
    const { plans } = await h.run();
    const [conflict] = plans.flatMap((p) => p.conflicts);
    expect(conflict).toMatchObject({ field: 'name', propstreet: 'Acme One', crm: 'Acme Two', winner: 'crm' });
    expect(h.world.propstreetRecord(acme).name).toBe('Acme Two');
    await expectQuietRerun(h);
  });

  it('manual conflicts leave both values, and the pair is not written back and forth', async () => {
    const h = open('hubspot', { conflictPolicy: 'manual' });
    const acme = h.world.createInPropstreet(ACME);
    await h.run();
    const crmId = h.crmIdOf(acme) ?? '';
    h.world.editPropstreet(acme, { name: 'Acme One' });
    h.world.editCrm(crmId, { name: 'Acme Two' });
    await h.run();
    expect(h.world.propstreetRecord(acme).name).toBe('Acme One');
    expect(h.world.crmRow(crmId).properties.name).toBe('Acme Two');
    await expectQuietRerun(h);
  });

  it('a company that still has contacts in HubSpot is not deleted to follow Propstreet; one without is', async () => {
    const h = open('hubspot', { deletes: { fromPropstreet: 'archive' } });
    const busy = h.world.createInPropstreet({ name: 'Busy AB', domain: 'busy.se' });
    const empty = h.world.createInPropstreet({ name: 'Empty AB', domain: 'empty.se' });
    await h.run();
    const busyCrm = h.crmIdOf(busy) ?? '';
    const emptyCrm = h.crmIdOf(empty) ?? '';
    h.world.editCrm(busyCrm, { num_associated_contacts: '3' });
    h.world.editCrm(emptyCrm, { num_associated_contacts: '0' });
    await h.run();

    h.world.deleteInPropstreet(busy);
    h.world.deleteInPropstreet(empty);
    const { plans, result } = await h.run();
    const held = plans.find((p) => p.propstreetId === busy);
    expect(held).toMatchObject({ action: 'unlink', notice: { kind: 'delete-held' } });
    expect(held?.reason).toBe(
      'deleted in Propstreet, but the CRM company still has 3 linked contacts: kept and unlinked (a company is not deleted while it has linked contacts)',
    );
    expect(result.notices.map((n) => n.kind)).toContain('delete-held');
    expect(h.world.crmRow(busyCrm).deleted).toBe(false);
    expect(plans.find((p) => p.propstreetId === empty)?.action).toBe('delete-in-crm');
    expect(h.world.crmRow(emptyCrm).deleted).toBe(true);
    expect(await h.links()).toEqual([]);
    await expectQuietRerun(h);
  });

  it('reads the CRM company a Propstreet deletion would remove when the run did not see it change', async () => {
    const h = open('hubspot', { deletes: { fromPropstreet: 'delete' } });
    const busy = h.world.createInPropstreet({ name: 'Busy AB' });
    await h.run();
    const crmId = h.crmIdOf(busy) ?? '';
    h.world.editCrm(crmId, { num_associated_contacts: '2' });
    await h.run();
    h.world.deleteInPropstreet(busy);
    const { plans } = await h.run();
    expect(plans.find((p) => p.propstreetId === busy)?.reason).toMatch(/still has 2 linked contacts: kept/);
    expect(h.world.crmRow(crmId).deleted).toBe(false);
  });

  it('a company deleted in HubSpot is not deleted in Propstreet while contacts work there', async () => {
    const h = open('hubspot', { deletes: { fromCrm: 'delete' } });
    const busy = h.world.createInPropstreet({ name: 'Busy AB' });
    const empty = h.world.createInPropstreet({ name: 'Empty AB' });
    await h.run();
    h.world.setContacts(busy, 2);
    await h.run();
    h.world.deleteInCrm(h.crmIdOf(busy) ?? '');
    h.world.deleteInCrm(h.crmIdOf(empty) ?? '');
    const { plans } = await h.run();
    expect(plans.find((p) => p.propstreetId === busy)).toMatchObject({
      action: 'unlink',
      notice: { kind: 'delete-held' },
    });
    expect(plans.find((p) => p.propstreetId === busy)?.reason).toMatch(
      /^deleted in the CRM, but the Propstreet company still has 2 linked contacts: kept and unlinked/,
    );
    expect(h.world.propstreetRecord(busy).deletedUtc).toBeUndefined();
    expect(h.world.propstreetRecord(empty).deletedUtc).toBeTruthy();
    await expectQuietRerun(h);
  });

  it('a dry run plans the same, and writes nothing', async () => {
    const h = open('hubspot');
    h.world.createInPropstreet(ACME);
    const dry = await h.run({ dryRun: true });
    expect(h.world.writes).toEqual([]);
    const real = await h.run();
    expect(real.plans.map((p) => [p.action, p.label])).toEqual(dry.plans.map((p) => [p.action, p.label]));
  });
});

describe('pairing existing companies', () => {
  it('is off by default: a company on both sides is created twice, so domain is the opt-in', async () => {
    const h = open('hubspot');
    h.world.createInPropstreet({ name: 'Acme AB', domain: 'acme.se' });
    h.world.createInCrm({ name: 'Acme', domain: 'acme.se' });
    const { result } = await h.run();
    expect(result.done.create).toEqual({ crm: 1, propstreet: 1 });
  });

  it('by domain, compared canonically (case, www, scheme), on a first sync', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key', 'domain'] });
    const acme = h.world.createInPropstreet({ name: 'Acme AB', domain: 'acme.se' });
    const crmId = h.world.createInCrm({ name: 'Acme', domain: 'https://WWW.Acme.se/' });
    const { plans, result } = await h.run();
    expect(plans.find((p) => p.propstreetId === acme)).toMatchObject({ action: 'link', linkedBy: 'domain' });
    expect(result.done.create).toEqual({ crm: 0, propstreet: 0 });
    expect(h.world.crmRow(crmId).properties.propstreet_id).toBe(acme);
    expect(h.propstreetOf(crmId)?.id).toBe(acme);
    await expectQuietRerun(h);
  });

  it('never guesses: a domain two CRM companies share is reported, and nothing is created', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key', 'domain'] });
    const acme = h.world.createInPropstreet({ name: 'Acme AB', domain: 'acme.se' });
    const sweden = h.world.createInCrm({ name: 'Acme Sweden', domain: 'acme.se' });
    h.world.createInCrm({ name: 'Acme Stockholm', domain: 'www.acme.se' });
    const { plans, result } = await h.run();
    expect(plans.find((p) => p.propstreetId === acme)).toMatchObject({
      action: 'skip',
      reason: 'domain acme.se matches 2 CRM records and 1 companies',
    });
    expect(h.crmIdOf(acme)).toBeUndefined();
    // Nor are the two CRM companies created in Propstreet as two more acme.se (before 12-04 they were).
    expect(result.done.create).toEqual({ crm: 0, propstreet: 0 });
    expect(plans.find((p) => p.crmId === sweden)).toMatchObject({
      action: 'skip',
      reason: expect.stringContaining(`domain acme.se is already held by Propstreet company ${acme}`),
    });
  });

  it('never guesses: a domain two Propstreet companies share is reported, and the CRM one is not created again', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key', 'domain'] });
    const sweden = h.world.createInPropstreet({ name: 'Acme Sweden AB', domain: 'acme.se' });
    const norway = h.world.createInPropstreet({ name: 'Acme Norway AS', domain: 'acme.se' });
    const group = h.world.createInCrm({ name: 'Acme Group', domain: 'acme.se' });
    const { plans, result } = await h.run();
    for (const id of [sweden, norway])
      expect(plans.find((p) => p.propstreetId === id)).toMatchObject({
        action: 'skip',
        reason: 'domain acme.se matches 1 CRM records and 2 companies',
      });
    expect(result.done.create).toEqual({ crm: 0, propstreet: 0 });
    expect(plans.find((p) => p.crmId === group)?.reason).toBe(
      `domain acme.se is already held by Propstreet company ${sweden}, ${norway}; not paired automatically (the match rules did not pair them)`,
    );
  });

  it('never guesses across chunks: two Propstreet companies sharing a domain far apart in a first sync are both ambiguous', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key', 'domain'], chunkSize: 100 });
    const group = h.world.createInCrm({ name: 'Acme Group', domain: 'acme.se' });
    const sweden = h.world.createInPropstreet({ name: 'Acme Sweden AB', domain: 'acme.se' });
    for (let i = 0; i < 120; i++)
      h.world.createInPropstreet({ name: `Filler ${i} AB`, domain: `filler${i}.se` });
    const norway = h.world.createInPropstreet({ name: 'Acme Norway AS', domain: 'acme.se' });
    const { plans, result } = await h.run();
    for (const id of [sweden, norway])
      expect(plans.find((p) => p.propstreetId === id)).toMatchObject({
        action: 'skip',
        reason: 'domain acme.se matches 1 CRM records and 2 companies',
      });
    expect(h.world.crmRow(group).properties.name).toBe('Acme Group');
    // The fillers are paired with nothing and created in HubSpot as ever.
    expect(result.done.create).toEqual({ crm: 120, propstreet: 0 });
  });

  it('CRM companies sharing a domain (or name) no Propstreet company holds are each created there: nothing to pair, nothing guessed', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key', 'domain', 'name'] });
    h.world.createInPropstreet({ name: 'Unrelated AB', domain: 'other.se' });
    const sweden = h.world.createInCrm({ name: 'Acme Sweden AB', domain: 'acme.se' });
    const norway = h.world.createInCrm({ name: 'Acme Norway AS', domain: 'acme.se' });
    const se = h.world.createInCrm({ name: 'Nordic Capital', domain: 'nordiccapital.se' });
    const no = h.world.createInCrm({ name: 'Nordic Capital', domain: 'nordiccapital.no' });
    const { plans, result } = await h.run();
    for (const id of [sweden, norway, se, no])
      expect(plans.find((p) => p.crmId === id)?.action).toBe('create-in-propstreet');
    expect(result.done.create).toEqual({ crm: 1, propstreet: 4 });
    expect(h.propstreetOf(sweden)?.name).toBe('Acme Sweden AB');
    expect(h.propstreetOf(norway)?.name).toBe('Acme Norway AS');
  });

  it('with domain matching off, a CRM company whose domain Propstreet holds is created as ever', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key'] });
    h.world.createInPropstreet({ name: 'Acme AB', domain: 'acme.se' });
    h.world.createInCrm({ name: 'Acme', domain: 'acme.se' });
    expect((await h.run()).result.done.create).toEqual({ crm: 1, propstreet: 1 });
  });

  it('by exact name only when the tenant lists it, after domain', async () => {
    const off = open('hubspot', { match: ['externalRef', 'key', 'domain'] });
    off.world.createInPropstreet({ name: 'Gamma  Fastigheter AB' });
    off.world.createInCrm({ name: 'gamma fastigheter ab' });
    expect((await off.run()).result.done.create).toEqual({ crm: 1, propstreet: 1 });
    await off.close();

    const h = open('hubspot', { match: ['externalRef', 'key', 'domain', 'name'] });
    const gamma = h.world.createInPropstreet({ name: 'Gamma  Fastigheter AB' });
    const crmId = h.world.createInCrm({ name: 'gamma fastigheter ab' });
    const { plans } = await h.run();
    expect(plans.find((p) => p.propstreetId === gamma)).toMatchObject({ action: 'link', linkedBy: 'name' });
    expect(h.world.crmRow(crmId).properties.propstreet_id).toBe(gamma);
  });

  it('a name two companies share is reported, never guessed', async () => {
    const h = open('hubspot', { match: ['externalRef', 'key', 'name'] });
    const one = h.world.createInPropstreet({ name: 'Nordic Capital' });
    h.world.createInCrm({ name: 'Nordic Capital' });
    h.world.createInCrm({ name: 'NORDIC CAPITAL' });
    const { plans, result } = await h.run();
    expect(plans.find((p) => p.propstreetId === one)?.reason).toBe(
      'name nordic capital matches 2 CRM records and 1 companies',
    );
    expect(result.done.create).toEqual({ crm: 0, propstreet: 0 });
  });
});

describe('companies ⇄ Salesforce Accounts', () => {
  it('writes the domain to Website and pairs a Website URL with a domain, on a first sync and later', async () => {
    const h = open('salesforce', { match: ['externalRef', 'key', 'domain'] });
    const acme = h.world.createInPropstreet({ name: 'Acme AB', domain: 'acme.se' });
    const account = h.world.createInCrm({ Name: 'Acme', Website: 'https://www.acme.se/' });
    const epsilon = h.world.createInPropstreet({
      name: 'Epsilon AB',
      homepageUrl: 'https://www.epsilon.com/x',
    });
    const first = await h.run();
    expect(first.plans.find((p) => p.propstreetId === acme)).toMatchObject({
      action: 'link',
      linkedBy: 'domain',
    });
    expect(h.world.crmRow(h.crmIdOf(epsilon) ?? '').properties).toMatchObject({
      Name: 'Epsilon AB',
      Website: 'epsilon.com',
      Propstreet_Id__c: epsilon,
    });
    expect(h.world.crmRow(account).properties.Website).toBe('https://www.acme.se/');
    await expectQuietRerun(h);

    // Later runs find a candidate through the CRM's search, which compares the Website's host.
    h.world.advance(60_000);
    const delta = h.world.createInPropstreet({ name: 'Delta AB', domain: 'delta.se' });
    const deltaAccount = h.world.createInCrm({ Name: 'Delta', Website: 'http://delta.se/about' });
    h.world.advance(600_000);
    const later = await h.run();
    expect(later.plans.find((p) => p.propstreetId === delta)).toMatchObject({
      action: 'link',
      linkedBy: 'domain',
    });
    expect(later.result.calls.crm.find).toBe(1);
    expect(h.world.crmRow(deltaAccount).properties.Propstreet_Id__c).toBe(delta);
    await expectQuietRerun(h);
  });

  it('holds a delete of an Account: Salesforce does not say whether it still has contacts', async () => {
    const h = open('salesforce', { deletes: { fromPropstreet: 'delete' } });
    const acme = h.world.createInPropstreet({ name: 'Acme AB' });
    await h.run();
    const account = h.crmIdOf(acme) ?? '';
    h.world.deleteInPropstreet(acme);
    const { plans } = await h.run();
    expect(plans.find((p) => p.propstreetId === acme)?.reason).toBe(
      'deleted in Propstreet, but the CRM record does not say whether it still has linked contacts: kept and unlinked (a company is not deleted while it has linked contacts)',
    );
    expect(h.world.crmRow(account).deleted).toBe(false);
  });

  it('fails a create in Propstreet without a name, and creates the rest', async () => {
    const h = open('salesforce');
    h.world.createInCrm({ Name: null, Website: 'nameless.se' });
    const named = h.world.createInCrm({ Name: 'Named AB' });
    const { plans } = await h.run();
    expect(plans.find((p) => p.action === 'invalid')?.problems).toEqual([
      'Propstreet needs a name for a company',
    ]);
    expect(h.propstreetOf(named)?.name).toBe('Named AB');
  });
});
