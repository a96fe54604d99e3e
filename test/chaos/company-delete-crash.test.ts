/**
 * Crash sweep over company deletions and merges with people employed there (the links phase),
 * support/crash-sweep.ts: a bridge (HubSpot, and Salesforce with Contacts to Multiple Accounts)
 * syncing companies, contacts and links; users delete a company on each side, merge two in
 * HubSpot, delete a person and remove a job in Propstreet; `propsync run` is SIGKILLed after
 * its 1st write, then in a fresh world after its 2nd, and so on until it finishes. Each killed
 * world, rerun until quiet, must end as the unkilled one did (primaries included), and stay
 * equal to it through later edits. State in SQLite, then in PostgreSQL
 * (`PROPSYNC_TEST_DATABASE_URL`, default 127.0.0.1:5432/test). No seed (PROPSYNC_CHAOS_SEED
 * does not apply): every kill point is visited. To debug one kill point:
 * `PROPSYNC_CHAOS_KILL_POINTS=9` (or `=8-10`) runs only those (and the reference world).
 */
import { describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../e2e/support.js';
import { employ } from '../links/employments-support.js';
import { crashSweep, killPointsFromEnv, type SweepScenario } from '../reliability/support/crash-sweep.js';

const killPoints = killPointsFromEnv();

/** A Propstreet contact's or company's id by first name or company name. */
function psId(e: E2E, name: string): string {
  const ps = e.sb.propstreet;
  const id = (
    ps.allCompanies().find((k) => k.name === name) ?? ps.allContacts().find((c) => c.firstName === name)
  )?.id;
  if (id === undefined) throw new Error(`nobody seeded as ${name}`);
  return id;
}

const companyDeletes: SweepScenario = {
  scopes: (['hubspot', 'salesforce'] as const).flatMap((connection) =>
    (['companies', 'contacts'] as const).map((kind) => ({ connection, kind })),
  ),
  async start(state) {
    const e = await startE2E(
      { seed: 7, propstreetPerMinute: 10_000_000, salesforceOptions: { contactsToMultipleAccounts: true } },
      {
        tenant: 'acme',
        connections: ['hubspot', 'salesforce'],
        connection: {
          objects: ['companies', 'contacts', 'links'],
          retryBaseSeconds: 0,
          maxAttempts: 20,
          deletes: { maxShare: 1 },
        },
        ...state,
      },
    );
    e.sb.hubspot?.control.setRateLimit({ max: 2_000, searchPerSecond: 50 });
    employ(e, {
      Anna: [
        ['Alpha', 'CEO'],
        ['Beta', 'Board'],
      ],
      Bert: [
        ['Beta', 'CFO'],
        ['Alpha', 'Adviser'],
      ],
      Cecilia: [
        ['Gamma', 'Analyst'],
        ['Delta', 'Board'],
      ],
      David: [['Delta', 'CTO']],
      Eva: [
        ['Eps', 'Partner'],
        ['Zeta', 'Board'],
      ],
      Fredrik: [
        ['Zeta', 'COO'],
        ['Eps', 'Adviser'],
      ],
      Gustav: [['Eta', 'Analyst']],
      Hanna: [
        ['Eta', 'CEO'],
        ['Theta', 'Board'],
      ],
    });
    await e.run();
    return e;
  },
  users(e) {
    const ps = e.sb.propstreet;
    const hs = e.sb.hubspot?.control;
    const sf = e.sb.salesforce?.control;
    if (!hs || !sf) throw new Error('expected both CRM fakes');
    const hsCompany = (name: string) => {
      const id = hs.companies.dump().find((r) => r.properties.propstreet_id === psId(e, name))?.id;
      if (id === undefined) throw new Error(`${name} is not in HubSpot`);
      return id;
    };
    const sfAccount = sf.accounts.getByKey(psId(e, 'Delta'))?.Id;
    if (typeof sfAccount !== 'string') throw new Error('Delta is not in Salesforce');
    const hannaAtTheta = ps
      .allLinks()
      .find((l) => l.contactId === psId(e, 'Hanna') && l.companyId === psId(e, 'Theta'));
    if (!hannaAtTheta) throw new Error('Hanna does not work at Theta');

    ps.deleteCompanyAsUser(psId(e, 'Alpha')); // someone's primary job and someone else's other one
    hs.companies.deleteAsUser(hsCompany('Gamma'));
    sf.accounts.remove(sfAccount); // Delta
    hs.companies.mergeAsUser(hsCompany('Eps'), hsCompany('Zeta')); // Eva's and Fredrik's primaries
    ps.deleteAsUser(psId(e, 'Gustav')); // employed at Eta
    ps.unlinkAsUser(hannaAtTheta.id);
  },
  after(e) {
    const ps = e.sb.propstreet;
    for (const c of ps.allContacts()) if (!c.deletedUtc) ps.editAsUser(c.id, { lastName: 'After' });
    for (const k of ps.allCompanies())
      if (!k.deletedUtc) ps.editCompanyAsUser(k.id, { name: `${k.name} AB` });
  },
};

describe('crash sweep: companies deleted and merged with people employed there (links phase), a bridge', () => {
  it.each(['sqlite', 'postgresql'] as const)(
    'state in %s: every kill point ends as the unkilled run',
    async (state) => {
      const report = await crashSweep(companyDeletes, {
        state,
        killPoints,
        log: (line) => process.stdout.write(`[chaos/company-delete-crash] ${state}: ${line}\n`),
      });
      expect(report.problems).toEqual([]);
    },
  );
});
