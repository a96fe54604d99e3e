/**
 * Bug 51: the links phase opens three Salesforce clients on one session (open-links.ts: the
 * contacts adapter, the companies adapter and the associations client, each a jsforce
 * Connection). Each held its own copy of the refresh token. With refresh-token rotation on (a
 * connected-app setting; S28: a refresh can issue a new refresh token and invalidate the old one),
 * a session that expired while the phase ran was refreshed by the first client to meet the 401;
 * the next refreshed with the token just spent, met invalid_grant, latched it, and the run stopped
 * UNAUTHORIZED ("authorise the integration user again") although the grant was fine. Found by a
 * Salesforce probe; the clients now renew through one shared session (shared-session.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SalesforceFake } from '../../fakes/salesforce/salesforce-fake.js';
import { type E2E, startE2E } from './support.js';

describe('Salesforce session expiring during the links phase, with rotating refresh tokens', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('is refreshed once and the run completes', async () => {
    const offset = { ms: 0, armed: false, jumped: false };
    let fake: SalesforceFake | undefined;
    const tokenNow = () => {
      // Once the contacts kind has written (its upsert), i.e. as the links phase opens its
      // clients, the org's session timeout passes: every session issued so far is dead.
      if (
        offset.armed &&
        !offset.jumped &&
        fake?.http.requests.some(
          (r) => r.method === 'PATCH' && r.path.endsWith('/composite/sobjects/Contact/Propstreet_Id__c'),
        )
      ) {
        offset.jumped = true;
        offset.ms += 3 * 3600_000;
      }
      return Date.now() + offset.ms;
    };
    e = await startE2E(
      {
        hubspot: false,
        refreshingAuth: true,
        salesforceOptions: { rotateRefreshTokens: true, contactsToMultipleAccounts: true, tokenNow },
      },
      { tenant: 'acme', connection: { objects: ['companies', 'contacts', 'links'] } },
    );
    fake = e.sb.salesforce!;
    e.sb.propstreet.setRateLimit(600_000);
    e.sb.propstreet.generate(6, { companies: 3 });
    offset.armed = true;
    const run = await e.run();
    expect(offset.jumped).toBe(true);
    const tokenCalls = fake.http.requests.filter((r) => r.path === '/services/oauth2/token');
    // No refresh the grant refused, and every kind of the connection completed.
    expect(tokenCalls.map((r) => r.status)).not.toContain(400);
    for (const c of run.connections) expect(c.result.status).toBe('ok');
  });
});
