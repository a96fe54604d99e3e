/**
 * One CRM company found for two Propstreet companies by two different match rules
 * (`match: [externalRef, key, domain, name]`): Acme Sweden AB by its domain acme.se, Acme
 * (another domain) by its name. Only the first claim may pair: the second would rewrite the CRM
 * company with another company's domain and text, and its ref write-back would be refused. A
 * claim made in this run counts before it is stored (one chunk; a dry run, which stores nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordPlan } from '../../src/engine/types.js';
import { type E2E, startE2E } from './support.js';

describe('one HubSpot company two Propstreet companies reach by two match rules', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  async function setUp(connection: { chunkSize?: number; direction?: 'to-crm' } = {}) {
    const started = await startE2E(
      { salesforce: false, propstreetPerMinute: 1_000_000 },
      {
        tenant: 'acme',
        connection: {
          objects: ['companies'],
          match: ['externalRef', 'key', 'domain', 'name'],
          ...connection,
        },
      },
    );
    e = started;
    const hs = started.sb.hubspot?.control.companies;
    if (!hs) throw new Error('no HubSpot fake');
    const h = hs.createAsUser({ name: 'Acme', domain: 'acme.se', description: 'HubSpot text' });
    return { started, hs, h };
  }

  const seedBoth = (started: E2E) => {
    const [sweden, acme] = started.sb.propstreet.seedCompanies([
      { name: 'Acme Sweden AB', domain: 'acme.se', strategy: 'Sweden strategy' },
      { name: 'Acme', domain: 'acme-holding.se', strategy: 'Holding strategy' },
    ]);
    return { sweden: sweden?.id ?? '', acme: acme?.id ?? '' };
  };

  const actions = (records: readonly RecordPlan[] | undefined, ids: readonly string[]) =>
    ids.map((id) => {
      const r = records?.find((x) => x.propstreetId === id);
      return { id, action: r?.action, crm: r?.crmId ?? null };
    });

  it('a first sync pairs it with the first rule’s company only, skips the other, and leaves its domain and text as they were', async () => {
    const { started, hs, h } = await setUp();
    const { sweden, acme } = seedBoth(started);
    const run = (await started.run()).connections[0];
    expect(run?.result.status).toBe('ok');
    expect(actions(run?.records, [sweden, acme])).toEqual([
      { id: sweden, action: 'link', crm: h },
      { id: acme, action: 'skip', crm: null },
    ]);
    expect(hs.get(h)?.properties).toMatchObject({ domain: 'acme.se', propstreet_id: sweden });
  });

  it('a dry run in chunks of one plans what the real run does', async () => {
    const dry = await setUp({ chunkSize: 1 });
    const ids = seedBoth(dry.started);
    const planned = (await dry.started.run({ dryRun: true })).connections[0];
    await dry.started.close();
    e = undefined;
    const real = await setUp({ chunkSize: 1 });
    const same = seedBoth(real.started);
    const done = (await real.started.run()).connections[0];
    const shape = (rs: readonly RecordPlan[] | undefined, of: { sweden: string; acme: string }) =>
      actions(rs, [of.sweden, of.acme]).map((a) => a.action);
    expect(shape(planned?.records, ids)).toEqual(shape(done?.records, same));
    expect(shape(done?.records, same)).toEqual(['link', 'skip']);
  });

  it('a later run that finds it by search for both pairs it once and skips the other', async () => {
    const { started, hs, h } = await setUp({ direction: 'to-crm' });
    started.sb.propstreet.seedCompanies([{ name: 'Beta AB', domain: 'beta.se' }]);
    await started.run();
    const { sweden, acme } = seedBoth(started);
    const run = (await started.run()).connections[0];
    expect(actions(run?.records, [sweden, acme])).toEqual([
      { id: sweden, action: 'link', crm: h },
      { id: acme, action: 'skip', crm: null },
    ]);
    expect(hs.get(h)?.properties).toMatchObject({ domain: 'acme.se', propstreet_id: sweden });
  });
});
