/**
 * Each write request takes only its model's members (UpdateContactRequest has no lists,
 * UpsertContactRequest no externalRefs/linkedInUrl) and ignores the rest with a 200; a stale
 * etag may come back as 409 (the errors guide) as well as 412; the fault knobs behind the
 * engine tests. Through the fake over HTTP, and through the client where it decides.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { ConflictError, PreconditionFailedError, PropsyncError } from '../../src/core/errors.js';
import type { PropstreetClient } from '../../src/propstreet/client.js';
import { splitCreate } from '../../src/propstreet/write-models.js';
import { caught, clientFor } from './helpers.js';

let fake: PropstreetFake;
let client: PropstreetClient;

/** Raw HTTP: the client refuses to send members a request does not take. */
const raw = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${fake.url}/api/v1/network/contacts${path}`, {
    method,
    headers: { authorization: `Bearer ${fake.token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    body: (await res.json()) as Record<string, unknown>,
  };
};
const control = (path: string, body: unknown) =>
  fetch(`${fake.url}/__control${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  fake = await startPropstreetFake();
  client = clientFor(fake);
});
beforeEach(() => fake.reset());
afterAll(async () => {
  await client.close();
  await fake.close();
});

const seedAnna = () =>
  fake.seed([
    {
      firstName: 'Anna',
      phones: [{ number: '+46701112233', type: 'work' }],
      externalRefs: [{ namespace: 'hubspot', id: 'h1' }],
    },
  ])[0]!;

describe('PATCH /contacts/{id} takes UpdateContactRequest only', () => {
  it('ignores phones and emails with a 200 that changes nothing', async () => {
    const c = seedAnna();
    const r = await raw(
      'PATCH',
      `/${c.id}`,
      { phones: [{ number: '+46709998877', type: 'mobile' }], emails: [{ address: 'a@example.com' }] },
      { 'if-match': c.etag },
    );
    expect(r.status).toBe(200);
    expect(r.etag).toBe(c.etag);
    expect(fake.contact(c.id)).toEqual(c);
  });

  it('applies the members it has and drops the lists sent beside them', async () => {
    const c = seedAnna();
    const r = await raw('PATCH', `/${c.id}`, {
      lastName: 'Berg',
      phones: [{ number: '+46709998877', type: 'mobile' }],
    });
    expect(r.status).toBe(200);
    expect(fake.contact(c.id)).toMatchObject({ lastName: 'Berg', phones: c.phones });
  });

  it('the client refuses to send them at all', async () => {
    const c = seedAnna();
    const before = fake.apiRequests().length;
    const e = await caught(() =>
      client.patchContact(c.id, { phones: [{ number: '+46709998877', type: 'mobile' }] }, {}),
    );
    expect(e).toBeInstanceOf(PropsyncError);
    expect((e as PropsyncError).message).toMatch(/does not take phones/);
    expect(fake.apiRequests().length).toBe(before);
  });
});

describe('the upsert by external ref takes UpsertContactRequest only', () => {
  it('writes the lists, keeps the refs it was not sent, and ignores externalRefs and linkedInUrl', async () => {
    const c = seedAnna();
    const r = await raw('PATCH', '/external/hubspot/h1', {
      phones: [
        { number: '+46701112233', type: 'work' },
        { number: '+46709998877', type: 'mobile' },
      ],
      phone: '+46701112233',
      externalRefs: [{ namespace: 'other', id: 'x' }],
      linkedInUrl: 'https://www.linkedin.com/in/anna',
    });
    expect(r.status).toBe(200);
    expect(fake.contact(c.id)).toMatchObject({
      phone: '+46701112233',
      phones: [
        { number: '+46701112233', type: 'work', isPrimary: true },
        { number: '+46709998877', type: 'mobile', isPrimary: false },
      ],
      externalRefs: [{ namespace: 'hubspot', id: 'h1' }],
      linkedInUrl: null,
    });
  });
});

describe('the upsert’s lower limits (P7: names 100, email 254, phone 20)', () => {
  it('refuses a 21-character phone that POST and the PATCH by id take (50)', async () => {
    const phone = '070-123 45 67 / 08-12';
    const r = await raw('PATCH', '/external/hubspot/long-phone', { firstName: 'Long', phone });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('phone');
    const c = seedAnna();
    expect((await raw('PATCH', `/${c.id}`, { phone }, { 'If-Match': c.etag })).status).toBe(200);
  });

  it('splitCreate sends a value the upsert would refuse as too long in the PATCH by id that follows it', () => {
    const longName = 'N'.repeat(101);
    expect(
      splitCreate({
        firstName: longName,
        lastName: 'Berg',
        phone: '070-123 45 67 / 08-123 456 78',
        email: 'a@b.se',
      }),
    ).toEqual({
      byRef: { lastName: 'Berg', email: 'a@b.se' },
      byId: { firstName: longName, phone: '070-123 45 67 / 08-123 456 78' },
    });
    expect(splitCreate({ firstName: 'Anna', phone: '+46701112233' })).toEqual({
      byRef: { firstName: 'Anna', phone: '+46701112233' },
      byId: {},
    });
  });
});

describe('stale etags: 412 (the reference) or 409 (the errors guide)', () => {
  it('answers 409 with the guide body when set so, on PATCH and DELETE; the client reads both as stale', async () => {
    const c = seedAnna();
    fake.editAsUser(c.id, { lastName: 'Edited' });
    expect(
      await caught(() => client.patchContact(c.id, { firstName: 'X' }, { ifMatch: c.etag })),
    ).toBeInstanceOf(PreconditionFailedError);
    expect((await control('/stale-etag-status', { status: 409 })).status).toBe(200);
    const r = await raw('PATCH', `/${c.id}`, { firstName: 'X' }, { 'if-match': c.etag });
    expect(r).toMatchObject({
      status: 409,
      body: {
        title: 'Conflict',
        status: 409,
        detail: 'The entity has been modified. Please refetch and retry.',
        type: expect.stringMatching(/\/help\/concurrency-conflict$/),
      },
    });
    const onPatch = await caught(() => client.patchContact(c.id, { firstName: 'X' }, { ifMatch: c.etag }));
    expect(onPatch).toBeInstanceOf(PreconditionFailedError);
    expect((onPatch as PreconditionFailedError).request?.status).toBe(409);
    const onDelete = await caught(() => client.deleteContact(c.id, { ifMatch: c.etag }));
    expect(onDelete).toBeInstanceOf(PreconditionFailedError);
    expect(fake.contact(c.id)).toMatchObject({ firstName: 'Anna', deletedUtc: null });
  });

  it('a 409 for a taken ref or email is a conflict, never a stale etag', async () => {
    fake.setStaleEtagStatus(409);
    const c = seedAnna();
    const other = fake.seed([{ firstName: 'O', email: 'o@example.com' }])[0]!;
    const ref = await caught(() =>
      client.patchContact(
        other.id,
        { externalRefs: [{ namespace: 'hubspot', id: 'h1' }] },
        { ifMatch: other.etag },
      ),
    );
    expect(ref).toBeInstanceOf(ConflictError);
    expect((ref as ConflictError).kind).toBe('duplicate-ref');
    const email = await caught(() =>
      client.patchContact(c.id, { email: 'O@example.com' }, { ifMatch: c.etag }),
    );
    expect(email).toBeInstanceOf(ConflictError);
    expect((email as ConflictError).kind).toBe('duplicate-email');
    const created = await caught(() =>
      client.upsertByExternalRef('hubspot', 'h9', { email: 'o@example.com' }),
    );
    expect((created as ConflictError).kind).toBe('duplicate-email');
  });
});

describe('fault knob: members a write silently drops', () => {
  it('drops them on PATCH and upsert alike until cleared (also over HTTP control)', async () => {
    const c = seedAnna();
    expect((await control('/ignore-members', { members: ['lastName', 'phones'] })).status).toBe(200);
    const patched = await client.patchContact(
      c.id,
      { lastName: 'Berg', firstName: 'Anne' },
      { ifMatch: c.etag },
    );
    expect(patched).toMatchObject({ firstName: 'Anne', lastName: null });
    const upserted = await client.upsertByExternalRef('hubspot', 'h1', {
      phones: [{ number: '+46709998877', type: 'mobile' }],
    });
    expect(upserted.action).toBe('updated');
    expect(upserted.contact.phones).toEqual(c.phones);
    fake.ignoreWriteMembers([]);
    const after = await client.patchContact(
      c.id,
      { lastName: 'Berg' },
      { ifMatch: patched.etag ?? undefined },
    );
    expect(after.lastName).toBe('Berg');
  });
});
