/**
 * The CRM key names the Propstreet record a CRM record belongs to, whatever the match rules: a
 * create is an upsert by key, and a CRM record carrying the key is where it lands.
 * - Rules without `key` (`match: [externalRef]`), a CRM record whose key names a contact with no
 *   ref yet (a create whose write-back and state were lost): the real run planned a create that
 *   wrote over that record unread, and its CRM pass then took the record's staged version for a
 *   CRM edit (its old email went to Propstreet; the next run flipped it back); a dry run, which
 *   stores no link, planned a create in Propstreet the real run never made.
 * - A contact paired by its externalRef with one record, whose key write-back there was refused
 *   (another record holds the key), was paired again by key in the CRM pass with that other
 *   record: its values went over it and its ref moved there.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

/** Each run's records as `action propstreetId crmId`, sorted. */
function brief(run: Awaited<ReturnType<E2E['run']>>): string[] {
  return run.connections
    .flatMap((c) => c.records.map((r) => `${r.action} ${r.propstreetId ?? '-'} ${r.crmId ?? '-'}`))
    .sort();
}

describe('a CRM record whose key names a Propstreet contact', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  it('HubSpot, match [externalRef]: pairs with it by key, dry and real alike, and no email flips', async () => {
    const started = await startE2E(
      { salesforce: false, propstreetPerMinute: 1_000_000 },
      { connections: ['hubspot'], connection: { match: ['externalRef'] } },
    );
    e = started;
    const hs = started.sb.hubspot?.control;
    if (!hs) throw new Error('no HubSpot fake');
    const [p] = started.sb.propstreet.seed([
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    ]);
    const id = p?.id ?? '';
    const [c] = hs.seed([
      {
        properties: {
          firstname: 'Ada',
          lastname: 'Lovelace',
          email: 'ada.work@example.com',
          propstreet_id: id,
        },
      },
    ]);
    const crmId = c ?? '';
    const dry = brief(await started.run({ dryRun: true }));
    const real = await started.run();
    expect(dry).toEqual(brief(real));
    expect(brief(real)).toEqual([`link ${id} ${crmId}`]);
    expect(started.sb.propstreet.allContacts()).toHaveLength(1);
    expect(hs.dump()).toHaveLength(1);
    // Both emails differ and neither side has a shadow: a conflict, never a blind overwrite; the
    // runs after agree with each other and write nothing more.
    const emails = () => [started.sb.propstreet.contact(id)?.email, hs.get(crmId)?.properties.email];
    const after = emails();
    await started.run();
    expect(emails()).toEqual(after);
  });

  it('Salesforce, match [externalRef]: the same', async () => {
    const started = await startE2E(
      { hubspot: false, propstreetPerMinute: 1_000_000 },
      { connections: ['salesforce'], connection: { match: ['externalRef'] } },
    );
    e = started;
    const sf = started.sb.salesforce?.control;
    if (!sf) throw new Error('no Salesforce fake');
    const [p] = started.sb.propstreet.seed([
      { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    ]);
    const [c] = sf.seed([{ FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada.work@example.com' }]);
    sf.edit(c ?? '', { Propstreet_Id__c: p?.id ?? '' });
    const dry = brief(await started.run({ dryRun: true }));
    const real = brief(await started.run());
    expect(dry).toEqual(real);
    expect(real).toEqual([`link ${p?.id} ${c}`]);
    expect(started.sb.propstreet.allContacts()).toHaveLength(1);
    expect(sf.dump()).toHaveLength(1);
  });

  it('Salesforce: a contact paired by its ref with one record is not paired again by key with another', async () => {
    const started = await startE2E(
      { hubspot: false, propstreetPerMinute: 1_000_000 },
      { connections: ['salesforce'] },
    );
    e = started;
    const sf = started.sb.salesforce?.control;
    if (!sf) throw new Error('no Salesforce fake');
    const [c1 = '', c2 = ''] = sf.seed([
      { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' },
      { FirstName: 'Ada', LastName: 'L.', Email: 'ada.l@example.com' },
    ]);
    const [p] = started.sb.propstreet.seed([
      {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@example.com',
        externalRefs: [{ namespace: 'salesforce', id: c1 }],
      },
    ]);
    const id = p?.id ?? '';
    sf.edit(c2, { Propstreet_Id__c: id });
    const dry = await started.run({ dryRun: true });
    const real = await started.run();
    expect(brief(dry)).toEqual(brief(real));
    const ofContact = brief(real).filter((r) => r.includes(` ${id} `));
    expect(ofContact).toEqual([`link ${id} ${c1}`]);
    expect(sf.get(c2)?.Email).toBe('ada.l@example.com');
    expect(started.sb.propstreet.contact(id)?.externalRefs).toEqual([{ namespace: 'salesforce', id: c1 }]);
  });
});
