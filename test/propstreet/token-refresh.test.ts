/**
 * Client-credentials tokens expire (`expires_in`): the client issues a new one ahead of expiry,
 * renews once on a 401, and stops asking when the token endpoint refuses the client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROPSTREET_FAKE_CLIENT,
  type PropstreetFake,
  startPropstreetFake,
} from '../../fakes/propstreet/index.js';
import { VirtualClock } from '../../fakes/shared/virtual-clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { clientCredentialsTokenSource } from '../../src/propstreet/client-credentials.js';
import { caught, clientFor } from './helpers.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

let fake: PropstreetFake;
let clock: VirtualClock;

beforeAll(async () => {
  clock = new VirtualClock();
  fake = await startPropstreetFake({ tokenLifetimeSeconds: 600, tokenNow: () => clock.ms });
});
afterAll(() => fake.close());
afterEach(() => fake.reset());

function openClient() {
  const tokens = clientCredentialsTokenSource(
    { tokenUrl: `${fake.url}/openid/token`, ...PROPSTREET_FAKE_CLIENT },
    { redactor, clock, logger: silentLogger },
  );
  return { tokens, client: clientFor(fake, { token: tokens, clock }) };
}

/** `METHOD path status` of every request, token requests included. */
const log = () =>
  fake.http.requests.map((r) => `${r.method} ${r.path.replace('/api/v1/network', '')} ${r.status}`);

describe('Propstreet client-credentials tokens', () => {
  it('issues a new token shortly before expires_in runs out, so the API never sees an expired one', async () => {
    const { client } = openClient();
    fake.seed([{ firstName: 'Ada', email: 'ada@example.com' }]);
    const id = fake.allContacts()[0]?.id ?? '';
    await client.getContact(id);
    clock.advance(539_000); // 9 min in: 60 s before the 600 s lifetime ends the token is still kept
    await client.getContact(id);
    clock.advance(2_000); // inside the last minute: replaced before the next call
    await client.getContact(id);
    clock.advance(700_000); // long past the second token's lifetime
    await client.getContact(id);
    expect(log()).toEqual([
      'POST /openid/token 200',
      `GET /contacts/${id} 200`,
      `GET /contacts/${id} 200`,
      'POST /openid/token 200',
      `GET /contacts/${id} 200`,
      'POST /openid/token 200',
      `GET /contacts/${id} 200`,
    ]);
    await client.close();
  });

  it('a token the server expires early gets one 401, one new token and one repeat, even for a write', async () => {
    const { client } = openClient();
    const { contact } = await client.upsertByExternalRef('test', '1', { firstName: 'Before' });
    fake.expireIssuedTokens();
    // A PATCH without If-Match is the one write the client never repeats after other faults.
    await client.patchContact(contact.id, { firstName: 'After' }, {});
    expect(log()).toEqual([
      'POST /openid/token 200',
      'PATCH /contacts/external/test/1 201',
      `PATCH /contacts/${contact.id} 401`,
      'POST /openid/token 200',
      `PATCH /contacts/${contact.id} 200`,
    ]);
    // The 401 was not applied; the repeat was.
    expect(fake.contact(contact.id)?.firstName).toBe('After');
    await client.close();
  });

  it('a 401 for a token replaced while the request waited, whose replacement is due too, gets a new one', async () => {
    const { tokens } = openClient();
    const t1 = await tokens.current();
    clock.advance(700_000);
    const t2 = await tokens.current();
    clock.advance(700_000); // nobody asked since: t2 has expired as well
    const t3 = await tokens.renew(t1);
    expect(new Set([t1, t2, t3]).size).toBe(3);
    expect(fake.tokenRequests()).toHaveLength(3);
  });

  it('a fresh token that is rejected too fails with UNAUTHORIZED after one renewal, not a loop', async () => {
    const { client } = openClient();
    await client.getContact('42').catch(() => undefined);
    fake.setTokenLifetime(0); // every token from now on is dead on arrival
    fake.expireIssuedTokens();
    const error = await caught(() => client.getContact('42'));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(fake.tokenRequests()).toHaveLength(2);
    expect(fake.apiRequests().filter((r) => r.status === 401)).toHaveLength(2);
    await client.close();
  });

  it('a revoked client: one refused token request, a clear UNAUTHORIZED, and no further token requests', async () => {
    const { client, tokens } = openClient();
    await client.getContact('1').catch(() => undefined);
    fake.revokeClient(PROPSTREET_FAKE_CLIENT.clientId);
    fake.expireIssuedTokens();
    const first = await caught(() => client.getContact('1'));
    expect(first).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((first as Error).message).toMatch(/token request answered 401 \(invalid_client/);
    // Ten more requests while the run winds down: none reaches the token endpoint or the API.
    const before = fake.http.requests.length;
    const rest = await Promise.all(Array.from({ length: 10 }, () => caught(() => client.getContact('1'))));
    expect(rest.every((e) => e === first)).toBe(true);
    expect(fake.http.requests.length).toBe(before);
    expect(fake.tokenRequests().map((r) => r.status)).toEqual([200, 401]);
    expect(tokens.refreshes).toBe(1);
    await client.close();
  });

  it('a token endpoint that is down: retried under the policy, then left alone for 30 s, then asked again', async () => {
    const { client } = openClient();
    await client.getContact('1').catch(() => undefined);
    fake.expireIssuedTokens();
    fake.http.faults.add({ kind: 'status', status: 503, path: '/openid/token', times: 1_000 });
    await expect(client.getContact('1')).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    // The first token, then the refresh's 5 attempts; the request's own retries did not add any.
    expect(fake.tokenRequests()).toHaveLength(6);
    await expect(client.getContact('1')).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    expect(fake.tokenRequests()).toHaveLength(6);
    fake.http.faults.clear();
    clock.advance(30_000);
    expect(await client.getContact('1')).toBeNull(); // a 404, with a fresh token
    expect(
      fake
        .tokenRequests()
        .map((r) => r.status)
        .slice(-1),
    ).toEqual([200]);
    await client.close();
  });

  it('every token is registered for redaction the moment it arrives', async () => {
    const { client, tokens } = openClient();
    const first = await tokens.current();
    fake.expireIssuedTokens();
    await client.getContact('1').catch(() => undefined);
    const second = await tokens.current();
    expect(second).not.toBe(first);
    for (const t of [first, second])
      expect(redactor.redact(`Authorization: Bearer ${t}`)).toBe('Authorization: Bearer [REDACTED]');
    await client.close();
  });

  it('a fixed token is not renewable: a 401 is UNAUTHORIZED with no token request', async () => {
    const client = clientFor(fake, { token: 'ps-some-revoked-token-0000' });
    await expect(client.getContact('1')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(fake.tokenRequests()).toHaveLength(0);
    expect(fake.apiRequests()).toHaveLength(1);
    await client.close();
  });
});
