/**
 * Reported on Salesforce: a contact deleted in Propstreet was reported on the next run as
 * "edited in the CRM (jobTitle)" and unlinked instead of following the delete policy. The
 * cause: jobTitle is `to-crm`, so the CRM's canonical values leave it out, and the delete-vs-edit
 * check read its absence against the shadow's job title as an edit (plan-values.ts editedFields).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type E2E, startE2E } from './support.js';

describe('a Propstreet delete of a contact with a primary company and a job title (Salesforce)', () => {
  let e: E2E;
  afterEach(async () => e?.close());

  it('follows deletes.fromPropstreet and reports no CRM edit', async () => {
    e = await startE2E(
      { hubspot: false },
      { connection: { deletes: { fromPropstreet: 'delete', fromCrm: 'delete', maxShare: 1 } } },
    );
    const [company] = e.sb.propstreet.seedCompanies([{ name: 'Acme Fastigheter AB' }]);
    const [ada] = e.sb.propstreet.seed([
      { firstName: 'Ada', lastName: 'Lind', email: 'ada@acme.example.com' },
    ]);
    if (!company || !ada) throw new Error('seed failed');
    e.sb.propstreet.linkAsUser(ada.id, company.id, { isPrimary: true, jobTitle: 'Head of Investments' });
    const first = (await e.run()).connections[0]?.result;
    expect(first?.status).toBe('ok');
    const sf = e.sb.salesforce!.control;
    const record = sf.getByKey(ada.id);
    expect(record?.Title).toBe('Head of Investments');
    const quiet = (await e.run()).connections[0]?.result;
    expect(quiet?.calls.crm.write ?? 0).toBe(0);

    e.sb.propstreet.deleteAsUser(ada.id);
    const r = (await e.run()).connections[0];
    expect(r?.result.notices.filter((n) => n.kind === 'delete-vs-edit')).toEqual([]);
    expect(r?.records.find((p) => p.propstreetId === ada.id)?.action).toBe('delete-in-crm');
    expect(sf.get(String(record?.Id))).toMatchObject({ IsDeleted: true });
  });
});
