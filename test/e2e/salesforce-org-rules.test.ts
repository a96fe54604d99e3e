/**
 * Salesforce org rules end to end, with the real engine, jsforce and the fakes: a record the
 * org's duplicate rule blocks (under `duplicateRules: respect`) and a contact that cases keep
 * from being deleted both fail alone, with a message that says what to do, are never linked to
 * a record nobody asked to match, and are held until the record changes instead of being
 * retried (and failing) on every run.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { syncTenant } from '../../src/app/sync-tenant.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { type E2E, startE2E, writes } from './support.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('Salesforce org rules end to end', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('respect: a record the duplicate rule matches fails alone, unlinked, held until it changes', async () => {
    e = await startE2E({ hubspot: false }, { connection: { duplicateRules: 'respect' } });
    const sf = e.sb.salesforce!.control;
    const anna = sf.create({ FirstName: 'Anna', LastName: 'Berg', Email: 'anna.berg@org.example.com' });
    const [ana, carl] = e.sb.propstreet
      .seed([
        { firstName: 'Ana', lastName: 'Berg', email: 'ana@elsewhere.example.com' },
        { firstName: 'Carl', lastName: 'Dahl', email: 'carl@org.example.com' },
      ])
      .map((c) => c.id);

    const first = (await e.run()).connections[0]!.result;
    expect(first.failures).toEqual([
      {
        side: 'propstreet',
        recordId: ana,
        label: 'Ana Berg',
        error: expect.stringMatching(
          new RegExp(
            `^DUPLICATES_DETECTED: Use one of these records\\? \\(duplicate rule .* matched ${anna};`,
          ),
        ),
        // Held at once: the same record would get the same verdict on every run.
        quarantined: true,
      },
    ]);
    expect(sf.getByKey(carl!)).toBeDefined();
    expect(sf.getByKey(ana!)).toBeUndefined();
    // Not linked to the fuzzy match: Anna's record is hers alone (her own key, from her own sync).
    expect(sf.get(anna)?.Propstreet_Id__c).not.toBe(ana);
    expect(e.sb.propstreet.contact(ana!)?.externalRefs).toEqual([]);

    const before = writes(e.sb);
    const second = (await e.run()).connections[0]!;
    expect(second.result.failures).toEqual([]);
    expect(writes(e.sb).salesforce).toBe(before.salesforce);
    // Not re-read while nothing changed (the quiet window); when read, only ever held.
    for (const r of second.records.filter((r) => r.propstreetId === ana))
      expect(r).toMatchObject({
        action: 'skip',
        reason: expect.stringMatching(/^quarantined after 1 attempt \(DUPLICATES_DETECTED/),
      });

    // Once the record changes, it is tried again: here it no longer matches, so it is created.
    e.sb.propstreet.editAsUser(ana!, { lastName: 'Bergström' });
    const third = (await e.run()).connections[0]!.result;
    expect(third.failures).toEqual([]);
    expect(sf.getByKey(ana!)).toMatchObject({ FirstName: 'Ana', LastName: 'Bergström' });
  });

  it('DELETE_FAILED: the contact cases depend on stays, reported once, deleted by a retry once freed', async () => {
    e = await startE2E({ hubspot: false }, { connection: { deletes: { fromPropstreet: 'delete' } } });
    const sf = e.sb.salesforce!.control;
    const ids = e.sb.propstreet
      .seed([
        { firstName: 'Eva', lastName: 'Case', email: 'eva@org.example.com' },
        { firstName: 'Filip', lastName: 'Free', email: 'filip@org.example.com' },
        { firstName: 'Gun', lastName: 'Stays', email: 'gun@org.example.com' },
      ])
      .map((c) => c.id);
    await e.run();
    const [eva, filip] = ids.map((id) => sf.getByKey(id)?.Id as string);
    const caseNumber = sf.attachCase(eva!);
    e.sb.propstreet.deleteAsUser(ids[0]!);
    e.sb.propstreet.deleteAsUser(ids[1]!);

    const first = (await e.run()).connections[0]!.result;
    expect(sf.get(filip!)?.IsDeleted).toBe(true);
    expect(sf.get(eva!)?.IsDeleted).toBe(false);
    expect(first.failures).toEqual([
      {
        side: 'propstreet',
        recordId: ids[0],
        label: 'Eva Case',
        error: `DELETE_FAILED: Your attempt to delete Eva Case could not be completed because it is associated with the following cases.: ${caseNumber} (Salesforce keeps a contact that cases or a portal user depend on: detach them, or delete the contact in Salesforce)`,
        quarantined: true,
      },
    ]);

    // Not retried, run after run, while nothing changed.
    const deletesBefore = e.sb.salesforce!.http.requests.filter((r) => r.method === 'DELETE').length;
    expect((await e.run()).connections[0]!.result.failures).toEqual([]);
    expect(e.sb.salesforce!.http.requests.filter((r) => r.method === 'DELETE').length).toBe(deletesBefore);

    // The case lets go of Eva (the contact itself does not change): `propsync retry` deletes her.
    sf.detachCases(eva!);
    const retried = await syncTenant(e.config, {
      redactor,
      dryRun: false,
      retryAll: true,
      logger: silentLogger,
    });
    expect(retried.connections[0]!.result.failures).toEqual([]);
    expect(sf.get(eva!)?.IsDeleted).toBe(true);
  });
});
