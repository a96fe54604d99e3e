/**
 * A contact deleted in Propstreet, in a tenant run with links (HubSpot, the shipped mappings):
 * its links go with it, so the link delta touches it; the contacts kind ends its CRM link by
 * its delete policy. The links phase used to find "no CRM link" and defer it, recording a
 * failure retried on every later run, forever. It is gone: not deferred, no failure, and its
 * employments shadow is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from '../e2e/support.js';

describe('links: a contact deleted in Propstreet', () => {
  let e: E2E;
  beforeAll(async () => {
    e = await startE2E(
      { salesforce: false },
      { tenant: 'acme', connection: { objects: ['companies', 'contacts', 'links'] } },
    );
    e.sb.propstreet.generate(20, { companies: 4 });
  });
  afterAll(async () => e?.close());

  it('is neither deferred nor recorded as a failure, in the run that sees it or later', async () => {
    const first = await e.run();
    expect(first.links?.[0]?.result.deferred).toEqual([]);
    const employed = e.sb.propstreet.allContacts().find((c) => c.primaryCompanyId !== null);
    if (!employed) throw new Error('the generated network has no employed contact');
    e.sb.propstreet.deleteAsUser(employed.id);

    const seen = await e.run();
    const links = seen.links?.[0]?.result;
    expect(links?.deferred).toEqual([]);
    expect(links?.failed).toEqual([]);

    const later = await e.run();
    expect(later.links?.[0]?.result.deferred).toEqual([]);
    expect(later.links?.[0]?.result.contactsRead).toBeLessThanOrEqual(1);
  }, 120_000);
});
