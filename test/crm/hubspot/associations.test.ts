/**
 * Contact ↔ company associations (HubSpot associations v4) through the real SDK against the
 * fake: link, read back (primary or not), page past one answer's 500 companies, unlink, and
 * per-input failures that leave the rest of a batch applied.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../../fakes/hubspot/hubspot-fake.js';
import { Redactor } from '../../../src/core/redact.js';
import type { CrmAssociations } from '../../../src/crm/associations.js';
import { createHubSpotAssociations } from '../../../src/crm/hubspot/index.js';
import { FAST, FAST_LIMITS } from './hubspot-harness.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('HubSpot contact ↔ company associations', () => {
  let fake: HubSpotFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function start(): Promise<{ fake: HubSpotFake; links: CrmAssociations }> {
    fake = await startHubSpotFake(FAST);
    const links = createHubSpotAssociations({
      redactor,
      accessToken: 'pat-na1-test-token-0001',
      basePath: fake.url,
      limits: FAST_LIMITS,
    });
    return { fake, links };
  }

  const sorted = <T extends { fromId: string; toId: string }>(xs: T[]) =>
    [...xs].sort((a, b) => a.fromId.localeCompare(b.fromId) || a.toId.localeCompare(b.toId));

  it('links contacts to companies, primary or not, reads them back, and a repeat changes nothing', async () => {
    const { fake, links } = await start();
    const [ada, bo, cy] = fake.control.contacts.seed(
      ['ada', 'bo', 'cy'].map((n) => ({ properties: { email: `${n}@x.example.com` } })),
    );
    const [acme, beta] = fake.control.companies.seed([
      { properties: { name: 'Acme' } },
      { properties: { name: 'Beta' } },
    ]);
    if (!ada || !bo || !cy || !acme || !beta) throw new Error('seed failed');
    const wanted = [
      { fromId: ada, toId: acme, primary: true },
      { fromId: ada, toId: beta, primary: false },
      { fromId: bo, toId: beta, primary: true },
    ];
    expect(await links.associate(wanted)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(await links.associate(wanted)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(sorted(await links.read([ada, bo, cy]))).toEqual(sorted(wanted));
    expect(fake.control.associatedCompanies(ada)).toEqual([
      { companyId: acme, primary: true },
      { companyId: beta, primary: false },
    ]);

    // Making Beta Ada's primary company moves the primary; Acme stays linked.
    await links.associate([{ fromId: ada, toId: beta, primary: true }]);
    expect(sorted(await links.read([ada]))).toEqual(
      sorted([
        { fromId: ada, toId: acme, primary: false },
        { fromId: ada, toId: beta, primary: true },
      ]),
    );
    const calls = fake.control.apiRequests().map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(calls).toContain('POST /crm/v4/associations/contacts/companies/batch/create 201');
    // Cy has no company: HubSpot lists it as a per-id error (207), the port leaves it out.
    expect(calls).toContain('POST /crm/v4/associations/contacts/companies/batch/read 207');
  });

  it('unlinks pairs, primary included; a pair never linked is fine', async () => {
    const { fake, links } = await start();
    const [ada] = fake.control.contacts.seed([{ properties: { email: 'ada@x.example.com' } }]);
    const [acme, beta] = fake.control.companies.seed([
      { properties: { name: 'Acme' } },
      { properties: { name: 'Beta' } },
    ]);
    if (!ada || !acme || !beta) throw new Error('seed failed');
    fake.control.associate(ada, acme, { primary: true });
    fake.control.associate(ada, beta);
    const results = await links.dissociate([
      { fromId: ada, toId: acme },
      { fromId: ada, toId: '999999' },
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(await links.read([ada])).toEqual([{ fromId: ada, toId: beta, primary: false }]);
    expect(
      fake.control
        .apiRequests()
        .filter((r) => r.path.endsWith('/batch/archive'))
        .map((r) => r.status),
    ).toEqual([204]);
  });

  it('reports a link to a record that does not exist per input, and writes the others', async () => {
    const { fake, links } = await start();
    const [ada, bo] = fake.control.contacts.seed(
      ['ada', 'bo'].map((n) => ({ properties: { email: `${n}@x.example.com` } })),
    );
    const [acme] = fake.control.companies.seed([{ properties: { name: 'Acme' } }]);
    if (!ada || !bo || !acme) throw new Error('seed failed');
    fake.control.companies.deleteAsUser(acme);
    const [beta] = fake.control.companies.seed([{ properties: { name: 'Beta' } }]);
    if (!beta) throw new Error('seed failed');
    const results = await links.associate([
      { fromId: ada, toId: beta, primary: false },
      { fromId: bo, toId: acme, primary: true },
    ]);
    expect(results[0]).toEqual({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'invalid', retryable: false } });
    expect(await links.read([ada, bo])).toEqual([{ fromId: ada, toId: beta, primary: false }]);
  });

  it('follows each contact’s paging past 500 companies, and reads 1,000 contacts a call', async () => {
    const { fake, links } = await start();
    const contacts = fake.control.contacts.seed(
      Array.from({ length: 1_200 }, (_, i) => ({ properties: { email: `c${i}@x.example.com` } })),
    );
    const companies = fake.control.companies.seed(
      Array.from({ length: 650 }, (_, i) => ({ properties: { name: `Co ${i}` } })),
    );
    const first = contacts[0] ?? '';
    const wanted = companies.map((toId, i) => ({ fromId: first, toId, primary: i === 0 }));
    const written = await links.associate(wanted);
    expect(written.every((r) => r.ok)).toBe(true);
    expect(links.usage().calls.write).toBe(7);
    for (const fromId of contacts.slice(1)) fake.control.associate(fromId, companies[1] ?? '');

    const read = await links.read(contacts);
    expect(read.filter((l) => l.fromId === first)).toHaveLength(650);
    expect(read.filter((l) => l.primary).map((l) => l.toId)).toEqual([companies[0]]);
    expect(read).toHaveLength(650 + 1_199);
    // 1,200 ids: two calls of at most 1,000, then one more for the first contact's second page.
    expect(links.usage().calls.read).toBe(3);
  });

  it('keeps a merged company’s links on the merged record', async () => {
    const { fake, links } = await start();
    const [ada] = fake.control.contacts.seed([{ properties: { email: 'ada@x.example.com' } }]);
    const [acme, dup] = fake.control.companies.seed([
      { properties: { name: 'Acme' } },
      { properties: { name: 'Acme dup' } },
    ]);
    if (!ada || !acme || !dup) throw new Error('seed failed');
    await links.associate([{ fromId: ada, toId: dup, primary: true }]);
    const merged = fake.control.companies.mergeAsUser(acme, dup);
    expect(await links.read([ada])).toEqual([{ fromId: ada, toId: merged, primary: true }]);
  });

  it('a contact merge keeps the primary record’s Primary company; the other record’s stays, unlabeled', async () => {
    // H8: "excess 'primary' associations from secondary records will be dropped".
    const { fake, links } = await start();
    const [keep, other] = fake.control.contacts.seed([
      { properties: { email: 'ada@alpha.example.com' } },
      { properties: { email: 'ada@beta.example.com' } },
    ]);
    const [alpha, beta] = fake.control.companies.seed([
      { properties: { name: 'Alpha' } },
      { properties: { name: 'Beta' } },
    ]);
    if (!keep || !other || !alpha || !beta) throw new Error('seed failed');
    fake.control.associate(keep, alpha, { primary: true });
    fake.control.associate(other, beta, { primary: true });
    const merged = fake.control.contacts.mergeAsUser(keep, other);
    expect(sorted(await links.read([merged]))).toEqual([
      { fromId: merged, toId: alpha, primary: true },
      { fromId: merged, toId: beta, primary: false },
    ]);
  });

  it('reads the same links from the companies side', async () => {
    const { fake } = await start();
    const fromCompanies = createHubSpotAssociations({
      redactor,
      accessToken: 'pat-na1-test-token-0001',
      basePath: fake.url,
      limits: FAST_LIMITS,
      from: 'companies',
    });
    const [ada, bo] = fake.control.contacts.seed(
      ['ada', 'bo'].map((n) => ({ properties: { email: `${n}@x.example.com` } })),
    );
    const [acme] = fake.control.companies.seed([{ properties: { name: 'Acme' } }]);
    if (!ada || !bo || !acme) throw new Error('seed failed');
    fake.control.associate(ada, acme, { primary: true });
    await fromCompanies.associate([{ fromId: acme, toId: bo, primary: false }]);
    expect(sorted(await fromCompanies.read([acme]))).toEqual(
      sorted([
        { fromId: acme, toId: ada, primary: true },
        { fromId: acme, toId: bo, primary: false },
      ]),
    );
    expect(fake.control.associatedCompanies(bo)).toEqual([{ companyId: acme, primary: false }]);
  });
});
