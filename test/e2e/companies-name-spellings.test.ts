/**
 * A Salesforce Account whose Name equals a Propstreet company's in canonical form (case, runs of
 * whitespace, a non-breaking space, full-width letters: match-fields.ts) pairs on a first sync,
 * which compares every staged Account. A later run asked Salesforce `Name IN ('<canonical>')`,
 * which compares the stored text, missed the Account and created a second one beside it. It
 * now searches by the name's words in order (`Name LIKE 'acme%fastigheter%ab%'`) and pairs what
 * is equal in canonical form. Full-width letters are beyond LIKE: only a first sync pairs them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TenantRun } from '../../src/app/sync-tenant.js';
import { type E2E, startE2E } from './support.js';

const OPTIONS = {
  tenant: 'acme',
  connection: { objects: ['companies'], direction: 'to-crm', match: ['externalRef', 'key', 'name'] },
} as const;

function planned(run: TenantRun, propstreetId: string | undefined) {
  const r = run.connections[0]?.records.find((p) => p.propstreetId === propstreetId);
  return { action: r?.action, crmId: r?.crmId };
}

describe('a Salesforce Account Name spelled otherwise', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  async function start() {
    const started = await startE2E({ hubspot: false, propstreetPerMinute: 1_000_000 }, OPTIONS);
    e = started;
    const accounts = started.sb.salesforce?.control.accounts;
    if (!accounts) throw new Error('no Salesforce fake');
    return { started, accounts };
  }

  for (const typed of ['Acme  Fastigheter AB', 'Acme\u00a0Fastigheter AB', 'ＡＣＭＥ Fastigheter AB'])
    it(`first sync: ${JSON.stringify(typed)} pairs`, async () => {
      const { started, accounts } = await start();
      const held = accounts.create({ Name: typed });
      const [company] = started.sb.propstreet.seedCompanies([{ name: 'Acme Fastigheter AB' }]);
      expect(planned(await started.run(), company?.id)).toEqual({ action: 'link', crmId: held });
      expect(accounts.dump()).toHaveLength(1);
    });

  for (const typed of ['Acme  Fastigheter AB', 'Acme\u00a0Fastigheter AB', 'acme fastigheter ab'])
    it(`a later run: ${JSON.stringify(typed)} pairs too, never a second Account`, async () => {
      const { started, accounts } = await start();
      const held = accounts.create({ Name: typed });
      // Neither a look-alike that merely starts with the same words.
      accounts.create({ Name: 'Acme Fastigheter ABC Holding' });
      started.sb.propstreet.seedCompanies([{ name: 'Filler AB' }]);
      await started.run();
      const [company] = started.sb.propstreet.seedCompanies([{ name: 'Acme Fastigheter AB' }]);
      expect(planned(await started.run(), company?.id)).toEqual({ action: 'link', crmId: held });
      expect(accounts.dump()).toHaveLength(3);
    });
});
