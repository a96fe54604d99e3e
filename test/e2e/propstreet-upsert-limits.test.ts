/**
 * Bug 54: creates go through the upsert by external ref (UpsertContactRequest), whose `phone`
 * takes 20 characters and names 100 (P7), where the PATCH by id takes 50 and 255 and a CRM holds
 * more (Salesforce `Phone`: 40). A CRM contact with a phone of 21–50 characters that no phone
 * rule can normalise (two numbers in one field) failed its create on every run. Such values now
 * go in the PATCH by the new id that follows the upsert. Found by a Propstreet fidelity probe.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E, writes } from './support.js';

describe('a CRM value longer than the upsert takes (bug 54)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('a Salesforce contact whose phone field holds two numbers is created with it, and the next run writes nothing', async () => {
    e = await startE2E({ hubspot: false });
    const phone = '070-123 45 67 / 08-123 456 78';
    e.sb.salesforce!.control.seed([
      { FirstName: 'Ext', LastName: 'Ension', Email: 'ext@example.com', Phone: phone },
    ]);
    const first = (await e.run()).connections[0]!.result;
    expect(first.failures).toEqual([]);
    const created = e.sb.propstreet.allContacts().find((c) => c.email === 'ext@example.com');
    expect(created).toMatchObject({ firstName: 'Ext', lastName: 'Ension', phone });

    await e.run();
    const before = writes(e.sb);
    const quiet = (await e.run()).connections[0]!.result;
    expect(quiet.failures).toEqual([]);
    expect(writes(e.sb)).toEqual(before);
  });
});
