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
});
