/**
 * Bug 62, found by a secrets probe: error texts a CRM echoes a token into reached the state store.
 * The links phase stored its deferred contacts' failures without the redactor (Salesforce messages
 * come unredacted), and a HubSpot text error body was cut to 300 characters before it was
 * redacted, so a token straddling the cut was no longer recognised and all but its last four
 * characters reached the run result and the state file.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { type E2E, seedPropstreet, startE2E } from '../e2e/support.js';

const stateBytes = (e: E2E) =>
  readFileSync(e.config.state.kind === 'sqlite' ? e.config.state.path : '').toString('latin1');

describe('error texts echoing a token are stored scrubbed (bug 62)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('a Salesforce error of the links phase echoing the token is not in the state file', async () => {
    e = await startE2E(
      { hubspot: false },
      {
        tenant: 'acme',
        connections: ['salesforce'],
        connection: { objects: ['companies', 'contacts', 'links'] },
      },
    );
    e.sb.propstreet.setRateLimit(600_000);
    e.sb.propstreet.generate(6, { companies: 2 });
    const token = e.sb.env.PROPSYNC_ACME_SALESFORCE_ACCESS_TOKEN as string;
    // The links phase's Contact.AccountId updates (a collections PATCH) are refused, echoing the token.
    e.sb.salesforce!.http.faults.add({
      kind: 'status',
      status: 400,
      method: 'PATCH',
      path: /\/composite\/sobjects$/,
      body: [{ errorCode: 'INVALID_FIELD', message: `Authorization: Bearer ${token}` }],
      times: 1,
    });
    const run = await e.run();
    expect(run.links?.[0]?.result.failed.length).toBeGreaterThan(0);
    expect(stateBytes(e)).toContain('Bearer [REDACTED]');
    expect(stateBytes(e).includes(token)).toBe(false);
  });

  it('a HubSpot text error body echoing the token across its 300th character leaks no part of it', async () => {
    e = await startE2E({ salesforce: false }, { tenant: 'acme', connections: ['hubspot'] });
    seedPropstreet(e.sb, 0, 3);
    const token = e.sb.env.PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN as string;
    // A proxy's plain-text error page quoting the request's Authorization header.
    const lead = 'upstream rejected request; headers were: Authorization: Bearer ';
    const text = `${lead.padStart(300 - (token.length - 4), '-')}${token} (end)`;
    e.sb.hubspot!.http.faults.add({ kind: 'status', status: 400, path: '/batch/', body: text, times: 100 });
    const run = await e.run();
    expect(run.connections.flatMap((c) => c.result.failures).length).toBeGreaterThan(0);
    // What leaves the process: the run result (as `--json` prints it, scrubbed again) and the state file.
    const redactor = new Redactor();
    redactor.register(token);
    const printed = JSON.stringify(redactor.redactDeep(run.connections.map((c) => c.result)));
    const withoutLastFour = token.slice(0, -4);
    expect(printed.includes(withoutLastFour)).toBe(false);
    expect(stateBytes(e).includes(withoutLastFour)).toBe(false);
  });
});
