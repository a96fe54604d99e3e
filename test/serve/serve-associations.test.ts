/**
 * `serve` and HubSpot association edits, end to end on the fakes: an association edited alone in
 * HubSpot stamps no contact, so a plain run does not see it; with the app subscribed, HubSpot's
 * `contact.associationChange`/`company.associationChange` webhooks make `serve` mark the contact
 * for the links phase, and the run they trigger carries the new employment to Propstreet.
 */

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/index.js';
import { Redactor } from '../../src/core/redact.js';
import { associationMarks } from '../../src/links/association-marks.js';
import type { RunningServe } from '../../src/serve/start-serve.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import type { E2E } from '../e2e/support.js';
import { quiesce, takenIn } from './quiesce.js';
import { settledDispatches, settledLinksTenant, startTestServe } from './support.js';

const redactor = new Redactor();

describe('serve: HubSpot association edits reach Propstreet through associationChange webhooks', () => {
  let e: E2E;
  let serve: RunningServe;
  const { settled, observe } = settledDispatches();
  /** How the runs `serve` dispatched since the `from`-th ended. */
  const outcomes = (from: number) =>
    settled.slice(from).map((s) => (s.type === 'settled' ? s.outcome : s.type));
  const hsSecret = 'hubspot-app-client-secret';
  const hs = () => {
    const h = e.sb.hubspot;
    if (!h) throw new Error('no HubSpot fake');
    return h;
  };

  beforeAll(async () => {
    e = await settledLinksTenant();
    const env = { ...e.sb.env, PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: hsSecret };
    const loadConfig = (f: string) => loadTenantConfig(f, { redactor, env, cwd: e.dir });
    serve = await startTestServe({
      redactor,
      configs: [await loadConfig(e.config.file)],
      env,
      loadConfig,
      observe,
    });
  }, 120_000);
  afterAll(async () => {
    await serve?.stop({ timeoutMs: 60_000 });
    await e?.close();
  });

  /** A HubSpot contact and a HubSpot company it is not associated with, by their Propstreet ids. */
  const unassociated = (skip: ReadonlySet<string>) => {
    const companies = hs().control.companies.dump();
    for (const c of hs().control.dump().slice(1)) {
      const ps = c.properties.propstreet_id;
      if (!ps || skip.has(ps)) continue;
      const at = new Set(
        hs()
          .control.associatedCompanies(c.id)
          .map((a) => a.companyId),
      );
      const company = companies.find((k) => !at.has(k.id) && k.properties.propstreet_id);
      if (company)
        return {
          hsContact: c.id,
          hsCompany: company.id,
          ps,
          psCompany: company.properties.propstreet_id ?? '',
        };
    }
    throw new Error('no contact with a company left to associate');
  };
  const psCompanies = (ps: string) => e.sb.propstreet.contact(ps)?.companies.map((k) => k.id) ?? [];

  it('without the webhook a run misses the edit; with it, serve marks the contact and its run carries it', async () => {
    const missed = unassociated(new Set());
    hs().control.associate(missed.hsContact, missed.hsCompany);
    await e.run();
    expect(psCompanies(missed.ps)).not.toContain(missed.psCompany);

    hs().webhooks.subscribe({
      url: `${serve.url}/webhooks/acme/hubspot/hubspot`,
      secrets: [hsSecret],
      events: ['contact.associationChange', 'company.associationChange'],
    });
    const seen = unassociated(new Set([missed.ps]));
    hs().control.associate(seen.hsContact, seen.hsCompany);
    // Every delivery taken in (marked, its run asked for) and every run it asked for ended.
    await quiesce(serve, [hs()]);
    expect(outcomes(0)).toContain('ran');
    expect(outcomes(0).every((o) => o === 'ran')).toBe(true);
    expect(psCompanies(seen.ps)).toContain(seen.psCompany);
    // The one missed before is still missed: it was never marked (the full scan finds it).
    expect(psCompanies(missed.ps)).not.toContain(missed.psCompany);

    const store = createSqliteStateStore({ path: join(e.dir, 'acme.db') });
    try {
      const marks = associationMarks(
        await store.listMeta({ tenant: 'acme', connection: 'hubspot', kind: 'links' }),
      );
      // The marks of the edit are gone with the run's commit (an echo of a write of ours may mark later).
      expect(marks.filter((m) => m.crmId === seen.hsContact)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("an app on HubSpot's generic subscriptions (object.associationChange) is read the same way", async () => {
    await quiesce(serve, [hs()]);
    hs().webhooks.unsubscribe();
    // The ended subscription's attempts are forgotten: what serve took in of them is counted apart.
    const takenBefore = await takenIn(serve);
    const id = hs().webhooks.subscribe({
      url: `${serve.url}/webhooks/acme/hubspot/hubspot`,
      secrets: [hsSecret],
      events: ['object.associationChange'],
    });
    const before = settled.length;
    const seen = unassociated(new Set());
    hs().control.associate(seen.hsContact, seen.hsCompany);
    await quiesce(serve, [hs()], { before: takenBefore });
    // Only generic events reach it: one on each side of the new pair.
    expect(
      hs()
        .webhooks.subscriptions()
        .find((x) => x.id === id)?.events,
    ).toBe(2);
    expect(outcomes(before)).toContain('ran');
    expect(outcomes(before).every((o) => o === 'ran')).toBe(true);
    expect(psCompanies(seen.ps)).toContain(seen.psCompany);
  });
});
