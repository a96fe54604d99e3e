/**
 * The Propstreet fake's `/api/v1/webhooks` against the reference (docs/VENDOR-BEHAVIOUR.md
 * PW1–PW4): create's body and validation, the secret returned once, the test delivery, replay.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/server.js';

describe('Propstreet fake: /api/v1/webhooks', () => {
  let ps: PropstreetFake;
  let receiver: Server;
  let receiverUrl: string;
  /** What the receiver answers next, and what it got. */
  let answer = 200;
  const got: { headers: Record<string, string | string[] | undefined> }[] = [];
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ps.url}/api/v1/webhooks${path}`, {
      method,
      headers: { authorization: `Bearer ${ps.token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  };

  beforeAll(async () => {
    ps = await startPropstreetFake();
    receiver = createServer((req, res) => {
      got.push({ headers: req.headers });
      req.resume();
      req.on('end', () => res.writeHead(answer).end());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await ps?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('create takes {url, events[], name?}: HTTPS only (loopback excepted), events required and from the valid list', async () => {
    const noToken = await fetch(`${ps.url}/api/v1/webhooks`);
    expect(noToken.status).toBe(401);
    const http = await api('POST', '', { url: 'http://example.com/hook', events: ['contact.created'] });
    expect(http.status).toBe(400);
    expect(http.body.errors).toEqual({ url: ['The URL must be HTTPS.'] });
    const none = await api('POST', '', { url: 'https://example.com/hook', events: [] });
    expect(none.status).toBe(400);
    const wrong = await api('POST', '', { url: 'https://example.com/hook', events: ['contact.merged'] });
    expect(wrong.status).toBe(400);
    expect(String((wrong.body.errors as Record<string, string[]>).events)).toContain('contact.merged');
    // project.* and prospect.* are valid values (PW2), though the fake never sends them.
    const ok = await api('POST', '', {
      url: 'https://example.com/hook',
      events: ['contact.created', 'project.created'],
      name: 'CRM Sync Webhook',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      name: 'CRM Sync Webhook',
      is_active: true,
      events: ['contact.created', 'project.created'],
    });
    expect(ok.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    // Nothing may be sent to example.com by the tests that follow.
    expect((await api('DELETE', `/${String(ok.body.id)}`)).status).toBe(204);
  });

  it('the secret is in the create answer only; list, get and update never carry it', async () => {
    const created = await api('POST', '', { url: 'https://example.com/other', events: ['contact.updated'] });
    const id = String(created.body.id);
    const listed = (await api('GET', '')).body.data as Record<string, unknown>[];
    expect(listed.map((w) => w.id)).toEqual([id]);
    for (const w of listed) expect(w).not.toHaveProperty('secret');
    expect(await api('GET', `/${id}`)).toMatchObject({ status: 200, body: { id } });
    expect((await api('GET', `/${id}`)).body).not.toHaveProperty('secret');
    const patched = await api('PATCH', `/${id}`, { events: ['contact.updated', 'contact.deleted'] });
    expect(patched.body).toMatchObject({ events: ['contact.updated', 'contact.deleted'] });
    expect(patched.body).not.toHaveProperty('secret');
    expect((await api('DELETE', `/${id}`)).status).toBe(204);
    expect((await api('GET', `/${id}`)).status).toBe(404);
  });

  it('test sends one synchronous, signed delivery marked X-Propstreet-Test, kept out of the history', async () => {
    const created = await api('POST', '', { url: receiverUrl, events: ['contact.created'] });
    const id = String(created.body.id);
    got.length = 0;
    const test = await api('POST', `/${id}/test`, { event_type: 'contact.created' });
    expect(test.body).toMatchObject({ success: true, status_code: 200, error: null });
    expect(typeof test.body.duration_ms).toBe('number');
    expect(got).toHaveLength(1);
    expect(got[0]?.headers['x-propstreet-test']).toBe('true');
    expect(got[0]?.headers['webhook-signature']).toMatch(/^v1,/);
    expect(((await api('GET', `/${id}/deliveries`)).body.data as unknown[]).length).toBe(0);
    answer = 500;
    const failed = await api('POST', `/${id}/test`, {});
    expect(failed.body).toMatchObject({ success: false, status_code: 500 });
    answer = 200;
    await api('DELETE', `/${id}`);
  });

  it('a 410 disables it; re-enabled by PATCH is_active, replay sends the deliveries given up on after `since`', async () => {
    const created = await api('POST', '', { url: receiverUrl, events: ['contact.created'] });
    const id = String(created.body.id);
    const since = new Date(Date.now() - 1000).toISOString();
    answer = 410;
    ps.seed([{ firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }]);
    await ps.webhooks.idle();
    expect((await api('GET', `/${id}`)).body.is_active).toBe(false);
    const attempts = (await api('GET', `/${id}/deliveries`)).body.data as { status_code: number }[];
    expect(attempts.map((a) => a.status_code)).toEqual([410]);

    answer = 200;
    expect((await api('PATCH', `/${id}`, { is_active: true })).body.is_active).toBe(true);
    expect((await api('POST', `/${id}/replay`, {})).status).toBe(400);
    const replayed = await api('POST', `/${id}/replay`, { since });
    expect(replayed.body).toEqual({ replayed_count: 1, message: '1 deliveries re-queued for retry' });
    await ps.webhooks.idle();
    const after = (await api('GET', `/${id}/deliveries`)).body.data as { status_code: number }[];
    expect(after.map((a) => a.status_code)).toEqual([410, 200]);
    // Given up on once, replayed once: a second replay finds nothing.
    expect((await api('POST', `/${id}/replay`, { since })).body.replayed_count).toBe(0);
  });
});
