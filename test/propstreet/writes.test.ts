/** Writes through the client: ETags and 412, upserts, externalRefs replacement, soft deletes. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake, USER_ORIGIN } from '../../fakes/propstreet/index.js';
import { ConflictError, PreconditionFailedError } from '../../src/core/errors.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import type { Contact, ContactWrite } from '../../src/propstreet/schema.js';
import { caught, clientFor, collect } from './helpers.js';

let fake: PropstreetFake;
let client: PropstreetClient;

beforeAll(async () => {
  fake = await startPropstreetFake();
  client = clientFor(fake);
});

beforeEach(() => fake.reset());

afterAll(async () => {
  await client.close();
  await fake.close();
});

let refs = 0;
/** A contact created the way the engine creates one: an upsert by a fresh external ref. */
async function create(body: ContactWrite): Promise<Contact> {
  refs += 1;
  return (await client.upsertByExternalRef('test', `r${refs}`, body)).contact;
}

describe('create (by upsert) and PATCH', () => {
  it('creates with an id, a weak etag, changeType create and this writer as changeOrigin', async () => {
    const c = await create({ firstName: 'Ada', email: 'ada@example.com' });
    expect(c.etag).toMatch(/^W\/"[A-Za-z0-9+/=]+"$/);
    expect(c).toMatchObject({
      changeType: 'create',
      changeOrigin: fake.originOf(fake.token),
      deletedUtc: null,
    });
    expect((await client.getContact(c.id))?.etag).toBe(c.etag);
  });

  it('PATCH with the current etag applies, bumps updatedUtc and etag; a stale etag gets 412', async () => {
    const c = await create({ firstName: 'Ada', phone: '+46701234567' });
    const p = await client.patchContact(
      c.id,
      { lastName: 'Lovelace', phone: null },
      { ifMatch: c.etag ?? undefined },
    );
    expect(p).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      phone: null,
      phones: [],
      changeType: 'update',
    });
    expect(p.etag).not.toBe(c.etag);
    expect(p.updatedUtc > c.updatedUtc).toBe(true);
    const e = await caught(() =>
      client.patchContact(c.id, { lastName: 'X' }, { ifMatch: c.etag ?? undefined }),
    );
    expect(e).toBeInstanceOf(PreconditionFailedError);
    expect((e as PreconditionFailedError).request).toMatchObject({ method: 'PATCH', status: 412 });
  });

  it('PATCH with externalRefs: null clears them (the request model allows null)', async () => {
    const c = await create({ firstName: 'Ada' });
    expect(fake.contact(c.id)?.externalRefs).toHaveLength(1);
    const res = await fetch(`${fake.url}/api/v1/network/contacts/${c.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${fake.token}`,
        'content-type': 'application/json',
        'if-match': c.etag ?? '',
      },
      body: JSON.stringify({ externalRefs: null }),
    });
    expect(res.status).toBe(200);
    expect(fake.contact(c.id)?.externalRefs).toEqual([]);
    const bad = await fetch(`${fake.url}/api/v1/network/contacts/${c.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ externalRefs: 'x' }),
    });
    expect(bad.status).toBe(400);
  });

  it('a user edit in the UI makes our etag stale (412), and carries changeOrigin ui:user', async () => {
    const c = await create({ firstName: 'Ada' });
    const edited = fake.editAsUser(c.id, { firstName: 'Ada K.' });
    expect(edited.changeOrigin).toBe(USER_ORIGIN);
    await expect(
      client.patchContact(c.id, { firstName: 'Ada L.' }, { ifMatch: c.etag ?? undefined }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(fake.contact(c.id)?.firstName).toBe('Ada K.');
  });

  it('a PATCH that changes nothing answers 200 with the same etag and updatedUtc', async () => {
    const c = await create({ firstName: 'Ada', tags: ['a'] });
    const same = await client.patchContact(
      c.id,
      { firstName: 'Ada', tags: ['a'] },
      { ifMatch: c.etag ?? undefined },
    );
    expect(same.etag).toBe(c.etag);
    expect(same.updatedUtc).toBe(c.updatedUtc);
  });

  it('normalises phones to E.164 when valid and fills email/phone from the arrays', async () => {
    const c = await create({
      firstName: 'P',
      emails: [
        { address: 'work@example.com', type: 'work' },
        { address: 'home@example.com', type: 'personal' },
      ],
      phones: [{ number: '+46 70 123 45 67', type: 'mobile' }, { number: '12' }],
    });
    expect(c.email).toBe('work@example.com');
    expect(c.phone).toBe('+46701234567');
    expect(c.phones.map((p) => p.number)).toEqual(['+46701234567', '12']);
    expect(c.emails.map((e) => e.isPrimary)).toEqual([true, false]);
  });

  it('keeps emails unique per organisation (409, case-insensitive)', async () => {
    await create({ email: 'Same@Example.com' });
    await expect(create({ email: 'same@example.com' })).rejects.toBeInstanceOf(ConflictError);
  });

  it('rejects a duplicate external ref with 409', async () => {
    fake.seed([{ firstName: 'A', externalRefs: [{ namespace: 'hubspot', id: '1' }] }]);
    const b = await create({ firstName: 'B' });
    await expect(
      client.patchContact(b.id, { externalRefs: [{ namespace: 'HubSpot', id: '1' }] }, {}),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('externalRefs', () => {
  it('a write replaces the whole list; read-modify-write keeps other namespaces', async () => {
    const [c] = fake.seed([
      {
        firstName: 'R',
        externalRefs: [
          { namespace: 'hubspot', id: 'h1' },
          { namespace: 'salesforce', id: '003A' },
        ],
      },
    ]);
    if (!c) throw new Error('seed returned nothing');
    const replaced = await client.patchContact(
      c.id,
      { externalRefs: [{ namespace: 'hubspot', id: 'h2' }] },
      {},
    );
    expect(replaced.externalRefs).toEqual([{ namespace: 'hubspot', id: 'h2' }]);
    // The dropped ref no longer finds the contact: an upsert by it creates another one.
    const byOldRef = await client.upsertByExternalRef('salesforce', '003A', { firstName: 'N' });
    expect(byOldRef.action).toBe('created');
    expect(byOldRef.contact.id).not.toBe(c.id);

    const kept = [
      ...replaced.externalRefs.filter((r) => r.namespace !== 'pipedrive'),
      { namespace: 'pipedrive', id: 'p9' },
    ];
    const merged = await client.patchContact(
      c.id,
      { externalRefs: kept },
      { ifMatch: replaced.etag ?? undefined },
    );
    expect(merged.externalRefs).toEqual([
      { namespace: 'hubspot', id: 'h2' },
      { namespace: 'pipedrive', id: 'p9' },
    ]);
  });

  it('looks up by ref with the namespace case-insensitive and the id case-sensitive', async () => {
    const [c] = fake.seed([{ firstName: 'L', externalRefs: [{ namespace: 'hubspot', id: 'AbC' }] }]);
    expect(await client.upsertByExternalRef('HUBSPOT', 'AbC', { lastName: 'M' })).toMatchObject({
      action: 'updated',
      contact: { id: c?.id },
    });
    expect((await client.upsertByExternalRef('hubspot', 'abc', { firstName: 'N' })).action).toBe('created');
  });
});

describe('upsert by external ref', () => {
  it('creates, then updates, then revives after a delete', async () => {
    const created = await client.upsertByExternalRef('hubspot', '42', {
      firstName: 'U',
      email: 'u@example.com',
    });
    expect(created.action).toBe('created');
    expect(created.contact.externalRefs).toEqual([{ namespace: 'hubspot', id: '42' }]);

    const updated = await client.upsertByExternalRef('hubspot', '42', { lastName: 'Two' });
    expect(updated).toMatchObject({
      action: 'updated',
      contact: { id: created.contact.id, firstName: 'U', lastName: 'Two' },
    });

    await client.deleteContact(created.contact.id, { ifMatch: updated.contact.etag ?? undefined });
    expect(await client.getContact(created.contact.id)).toBeNull();
    const revived = await client.upsertByExternalRef('hubspot', '42', { lastName: 'Three' });
    expect(revived).toMatchObject({
      action: 'revived',
      contact: { id: created.contact.id, deletedUtc: null },
    });
  });

  it('with revive=false creates a new contact instead of reviving', async () => {
    const first = await client.upsertByExternalRef('hubspot', '7', { firstName: 'Old' });
    await client.deleteContact(first.contact.id);
    const again = await client.upsertByExternalRef('hubspot', '7', { firstName: 'New' }, { revive: false });
    expect(again.action).toBe('created');
    expect(again.contact.id).not.toBe(first.contact.id);
  });

  it('with match=email (a fake behaviour the client never asks for) adopts the contact with that email', async () => {
    const [existing] = fake.seed([
      { email: 'm@example.com', externalRefs: [{ namespace: 'salesforce', id: '003M' }] },
    ]);
    // The client offers no `match` option, so the fake is asked over raw HTTP.
    const res = await fetch(`${fake.url}/api/v1/network/contacts/external/hubspot/9?match=email`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'M@example.com', firstName: 'M' }),
    });
    expect(res.headers.get('x-propstreet-upsert-action')).toBe('updated');
    const body = (await res.json()) as { id: string; externalRefs: unknown };
    expect(body.id).toBe(existing?.id);
    expect(body.externalRefs).toEqual([
      { namespace: 'salesforce', id: '003M' },
      { namespace: 'hubspot', id: '9' },
    ]);
  });

  it('without match=email a clashing email is a 409', async () => {
    fake.seed([{ email: 'x@example.com' }]);
    await expect(
      client.upsertByExternalRef('hubspot', '10', { email: 'x@example.com' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('delete', () => {
  it('soft-deletes: gone from GET and the default list, present with include_deleted', async () => {
    const c = await create({ firstName: 'D' });
    await client.deleteContact(c.id, { ifMatch: c.etag ?? undefined });
    expect(await client.getContact(c.id)).toBeNull();
    expect((await collect(client.listContacts())).contacts).toHaveLength(0);
    const [gone] = (await collect(client.listContacts({ includeDeleted: true }))).contacts;
    expect(gone).toMatchObject({ id: c.id, changeType: 'delete' });
    expect(gone?.deletedUtc).toBe(gone?.updatedUtc);
    // A repeat (say after a lost answer) is harmless.
    await expect(client.deleteContact(c.id)).resolves.toBeUndefined();
    // A PATCH by id does not revive it: 404, which the engine reads as the deletion.
    await expect(client.patchContact(c.id, { firstName: 'E' }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(fake.contact(c.id)?.deletedUtc).not.toBeNull();
  });

  it('honours a stale If-Match with 412', async () => {
    const c = await create({ firstName: 'D' });
    fake.editAsUser(c.id, { lastName: 'Edited' });
    await expect(client.deleteContact(c.id, { ifMatch: c.etag ?? undefined })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(fake.contact(c.id)?.deletedUtc).toBeNull();
  });
});

describe('usage', () => {
  it('counts reads and writes actually sent', async () => {
    const c = await create({ firstName: 'U' });
    await client.getContact(c.id);
    await client.patchContact(c.id, { lastName: 'V' }, {});
    expect(client.usage().calls).toMatchObject({ read: expect.any(Number), write: expect.any(Number) });
    const before = client.usage().calls;
    await client.getContact(c.id);
    await client.deleteContact(c.id);
    expect(client.usage().calls).toEqual({ read: (before.read ?? 0) + 1, write: (before.write ?? 0) + 1 });
  });
});
