/**
 * AccountContactRelation in the Salesforce fake: absent unless the org relates contacts to
 * multiple accounts; then direct relations follow Contact.AccountId, the API adds indirect ones,
 * and deletes and merges of contacts and accounts carry their relations along.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SalesforceFake, startSalesforceFake } from '../../../fakes/salesforce/salesforce-fake.js';

interface SaveResult {
  id?: string;
  success: boolean;
  errors: { statusCode: string; message: string; fields: string[] }[];
}

type Row = Record<string, unknown>;

function client(fake: SalesforceFake) {
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${fake.url}/services/data/v62.0${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${fake.accessToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
  return {
    api,
    async save(method: 'POST' | 'PATCH', type: string, records: object[]): Promise<SaveResult[]> {
      const res = await api('/composite/sobjects', {
        method,
        body: JSON.stringify({ records: records.map((r) => ({ attributes: { type }, ...r })) }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as SaveResult[];
    },
    async remove(ids: readonly string[]): Promise<SaveResult[]> {
      return (await (
        await api(`/composite/sobjects?ids=${ids.join(',')}`, { method: 'DELETE' })
      ).json()) as SaveResult[];
    },
    async query(soql: string, all = false): Promise<{ status: number; records: Row[]; body: unknown }> {
      const res = await api(`/${all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`);
      const body = (await res.json()) as { records?: Row[] };
      return { status: res.status, records: body.records ?? [], body };
    },
  };
}

describe('Salesforce fake: AccountContactRelation', () => {
  it('does not exist unless the org relates contacts to multiple accounts', async () => {
    const fake = await startSalesforceFake();
    try {
      const c = client(fake);
      const q = await c.query('SELECT Id FROM AccountContactRelation');
      expect(q.status).toBe(400);
      expect(q.body).toEqual([expect.objectContaining({ errorCode: 'INVALID_TYPE' })]);
      expect((await c.api('/sobjects/AccountContactRelation/describe')).status).toBe(404);
      expect(fake.control.accountContactRelations).toBeUndefined();
    } finally {
      await fake.close();
    }
  });

  describe('with Contacts to Multiple Accounts on', () => {
    let fake: SalesforceFake;
    let c: ReturnType<typeof client>;
    const relationsOf = async (contactId: string, all = false) =>
      (
        await c.query(
          `SELECT Id, AccountId, ContactId, IsDirect, IsActive, IsDeleted FROM AccountContactRelation WHERE ContactId = '${contactId}' ORDER BY Id ASC`,
          all,
        )
      ).records.map((r) => ({ AccountId: r.AccountId, IsDirect: r.IsDirect, IsActive: r.IsActive }));

    beforeAll(async () => {
      fake = await startSalesforceFake({ contactsToMultipleAccounts: true });
      c = client(fake);
    });
    afterAll(() => fake.close());

    it('describes the relation: account and contact set on create only, Direct the platform’s', async () => {
      const res = await c.api('/sobjects/AccountContactRelation/describe');
      const d = (await res.json()) as { keyPrefix: string; fields: Row[] };
      const field = (name: string) => d.fields.find((f) => f.name === name);
      expect(d.keyPrefix).toBe('07k');
      expect(field('AccountId')).toMatchObject({
        createable: true,
        updateable: false,
        referenceTo: ['Account'],
      });
      expect(field('ContactId')).toMatchObject({
        createable: true,
        updateable: false,
        referenceTo: ['Contact'],
      });
      expect(field('IsDirect')).toMatchObject({ createable: false, updateable: false });
      expect(field('IsActive')).toMatchObject({ createable: true, updateable: true });
      expect(field('Roles')).toMatchObject({ type: 'multipicklist' });
    });

    it('keeps the direct relation in step with Contact.AccountId; the old primary stays indirect', async () => {
      const [first, second] = fake.control.accounts.seed([
        { Name: 'First Primary' },
        { Name: 'Second Primary' },
      ]);
      const [created] = await c.save('POST', 'Contact', [{ LastName: 'Mover', AccountId: first }]);
      const contact = created?.id ?? '';
      expect(await relationsOf(contact)).toEqual([{ AccountId: first, IsDirect: true, IsActive: true }]);
      await c.save('PATCH', 'Contact', [{ id: contact, AccountId: second }]);
      expect(await relationsOf(contact)).toEqual([
        { AccountId: first, IsDirect: false, IsActive: true },
        { AccountId: second, IsDirect: true, IsActive: true },
      ]);
      // Back to the first: its relation turns direct again, no new one is made.
      await c.save('PATCH', 'Contact', [{ id: contact, AccountId: first }]);
      expect((await relationsOf(contact)).map((r) => r.IsDirect)).toEqual([true, false]);
      // Seeded contacts get theirs too.
      const [seeded] = fake.control.seed([{ LastName: 'Seeded', AccountId: second ?? '' }]);
      expect(await relationsOf(seeded ?? '')).toEqual([
        { AccountId: second, IsDirect: true, IsActive: true },
      ]);
    });

    it('creates indirect relations through the API, once per pair, only for contacts with a primary account', async () => {
      const [home, other] = fake.control.accounts.seed([{ Name: 'Home' }, { Name: 'Other' }]);
      const [contact, privateContact] = fake.control.seed([
        { LastName: 'Related', AccountId: home ?? '' },
        { LastName: 'Private' },
      ]);
      const res = await c.save('POST', 'AccountContactRelation', [
        { AccountId: other, ContactId: contact, Roles: 'Decision Maker' },
        { AccountId: other, ContactId: contact },
        { AccountId: home, ContactId: contact },
        { AccountId: other, ContactId: privateContact },
        { AccountId: other },
        { AccountId: other, ContactId: contact, IsDirect: true },
      ]);
      expect(res.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode))).toEqual([
        'ok',
        'DUPLICATE_VALUE',
        'DUPLICATE_VALUE',
        'FIELD_INTEGRITY_EXCEPTION',
        'REQUIRED_FIELD_MISSING',
        'INVALID_FIELD_FOR_INSERT_UPDATE',
      ]);
      expect(res[0]?.id).toMatch(/^07k/);
      expect(await relationsOf(contact ?? '')).toEqual([
        { AccountId: home, IsDirect: true, IsActive: true },
        { AccountId: other, IsDirect: false, IsActive: true },
      ]);
      const edited = await c.save('PATCH', 'AccountContactRelation', [
        { id: res[0]?.id, IsActive: false },
        { id: res[0]?.id, AccountId: home },
      ]);
      expect(edited.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode))).toEqual([
        'ok',
        'INVALID_FIELD_FOR_INSERT_UPDATE',
      ]);
      expect((await relationsOf(contact ?? ''))[1]).toMatchObject({ IsActive: false });
    });

    it('deletes an indirect relation for good and refuses to delete a direct one', async () => {
      const [home, other] = fake.control.accounts.seed([{ Name: 'Keep' }, { Name: 'Drop' }]);
      const [contact] = fake.control.seed([{ LastName: 'Pruned', AccountId: home ?? '' }]);
      const [indirect] = await c.save('POST', 'AccountContactRelation', [
        { AccountId: other, ContactId: contact },
      ]);
      const direct = (await c.query(`SELECT Id FROM AccountContactRelation WHERE AccountId = '${home}'`))
        .records[0]?.Id as string;
      const res = await c.remove([indirect?.id ?? '', direct]);
      expect(res.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode))).toEqual(['ok', 'DELETE_FAILED']);
      expect(await relationsOf(contact ?? '', true)).toEqual([
        { AccountId: home, IsDirect: true, IsActive: true },
      ]);
      // Gone from every query, but getDeleted() is a supported call of the object: the
      // replication resource still lists its id, with no row behind it (once its minute is covered).
      fake.control.advanceClock(120_000);
      const window = `start=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}&end=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`;
      const deleted = (await (await c.api(`/sobjects/AccountContactRelation/deleted/?${window}`)).json()) as {
        deletedRecords: { id: string }[];
      };
      expect(deleted.deletedRecords.map((d) => d.id)).toContain(indirect?.id);
      expect(
        (await c.query(`SELECT Id FROM AccountContactRelation WHERE Id = '${indirect?.id}'`, true)).records,
      ).toEqual([]);
    });

    it('a contact’s or an account’s delete takes its relations; a merge moves the losers’ to the master', async () => {
      const [a, b, master, loser] = fake.control.accounts.seed([
        { Name: 'Del A' },
        { Name: 'Del B' },
        { Name: 'Merge Master' },
        { Name: 'Merge Loser' },
      ]);
      const [x, y, z] = fake.control.seed([
        { LastName: 'X', AccountId: a ?? '' },
        { LastName: 'Y', AccountId: b ?? '' },
        { LastName: 'Z', AccountId: loser ?? '' },
      ]);
      await c.save('POST', 'AccountContactRelation', [
        { AccountId: b, ContactId: x },
        { AccountId: a, ContactId: y },
        { AccountId: master, ContactId: z },
      ]);
      await c.remove([x ?? '']);
      expect(await relationsOf(x ?? '', true)).toEqual([]);
      expect(await relationsOf(y ?? '')).toEqual([
        { AccountId: b, IsDirect: true, IsActive: true },
        { AccountId: a, IsDirect: false, IsActive: true },
      ]);
      // Deleting account A drops its relation to Y; Y itself (primary B) stays.
      await c.remove([a ?? '']);
      expect(await relationsOf(y ?? '')).toEqual([{ AccountId: b, IsDirect: true, IsActive: true }]);
      // Z's primary moves to the master, which it was already related to: one direct relation remains.
      fake.control.accounts.merge(master ?? '', loser ?? '');
      expect(fake.control.get(z ?? '')).toMatchObject({ AccountId: master });
      expect(await relationsOf(z ?? '')).toEqual([{ AccountId: master, IsDirect: true, IsActive: true }]);
    });

    it('serves the relation’s control routes with sObject: AccountContactRelation', async () => {
      const relations = fake.control.accountContactRelations;
      if (!relations) throw new Error('relations are on in this org');
      const before = relations.count();
      const dump = (await (
        await fetch(`${fake.url}/__control/dump?sObject=AccountContactRelation`)
      ).json()) as Row[];
      expect(dump).toHaveLength(before);
      expect(() => relations.generate(1)).toThrow(/seed them with AccountId and ContactId/);
    });
  });
});
