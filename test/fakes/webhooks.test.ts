/**
 * The fakes send their vendor's webhooks: what each change becomes (types, payloads, change
 * sources, batches), signed so that the connector's verifiers (written separately) accept it,
 * set through the control API in process and over HTTP, with the delivery knobs. A plain HTTP
 * receiver records what arrives; waits are on the senders' `idle()`, never on time.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import { FAKE_APP_ID } from '../../fakes/hubspot/webhooks.js';
import {
  PROPSTREET_FAKE_TOKEN,
  type PropstreetFake,
  startPropstreetFake,
} from '../../fakes/propstreet/server.js';
import { createHubspotVerifier } from '../../src/serve/verify-hubspot.js';
import { createPropstreetVerifier } from '../../src/serve/verify-propstreet.js';
import { newWhsec } from '../serve/support.js';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Records each request; answers with the next scripted status (200 once the script is spent). */
async function receiver(script: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const json = <T>() => received.map((d) => JSON.parse(d.body.toString()) as T);
  return { url, received, json };
}

async function propstreet(): Promise<PropstreetFake> {
  const fake = await startPropstreetFake();
  cleanups.push(() => fake.close());
  return fake;
}

async function hubspot(): Promise<HubSpotFake> {
  const fake = await startHubSpotFake({
    customProperties: [{ name: 'propstreet_id', hasUniqueValue: true }],
  });
  cleanups.push(() => fake.close());
  return fake;
}

interface PsBody {
  type: string;
  timestamp: string;
  data: { id: string; firstName?: string; changeOrigin?: string; contactId?: string };
}

interface HsEvent {
  eventId: number;
  portalId: number;
  appId: number;
  subscriptionType: string;
  objectId: number;
  changeSource: string;
  sourceId?: string;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  objectTypeId?: string;
  fromObjectTypeId?: string;
  toObjectTypeId?: string;
  associationTypeId?: number;
  associationCategory?: string;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
}

describe('Propstreet fake webhooks', () => {
  it('sends nothing without a subscription, then one signed event per recorded change', async () => {
    const fake = await propstreet();
    const r = await receiver();
    const [a, b] = fake.seed([{ firstName: 'Ann', email: 'ann@example.com' }, { firstName: 'Bo' }]);
    if (!a || !b) throw new Error('seed');
    fake.editAsUser(a.id, { firstName: 'Unheard' });
    await fake.webhooks.idle();
    expect(r.received).toHaveLength(0);

    const secret = newWhsec();
    fake.webhooks.subscribe({ url: r.url, secrets: [secret] });
    fake.editAsUser(a.id, { firstName: 'Anna' });
    // The connector's own write through the API: sent too (an echo for serve to absorb).
    const res = await fetch(`${fake.url}/api/v1/network/contacts/${b.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${PROPSTREET_FAKE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Bob' }),
    });
    expect(res.status).toBe(200);
    const [company] = fake.seedCompanies([{ name: 'Acme' }]);
    const link = fake.linkAsUser(a.id, company?.id ?? '');
    fake.deleteAsUser(b.id);
    await fake.webhooks.idle();

    const bodies = r.json<PsBody>();
    expect(bodies.map((x) => `${x.type} ${x.data.id}`)).toEqual([
      `contact.updated ${a.id}`,
      `contact.updated ${b.id}`,
      `company.created ${company?.id}`,
      `link.created ${link.id}`,
      // The contact's primary company is its own field: a new contact version (network.ts).
      `contact.updated ${a.id}`,
      `contact.deleted ${b.id}`,
    ]);
    expect(bodies[0]?.data).toMatchObject({ firstName: 'Anna', changeOrigin: 'ui:user' });
    expect(bodies[1]?.data).toMatchObject({
      firstName: 'Bob',
      changeOrigin: fake.originOf(PROPSTREET_FAKE_TOKEN),
    });
    expect(bodies[3]?.data).toMatchObject({ contactId: a.id });
    expect(Number.isNaN(Date.parse(bodies[0]?.timestamp ?? ''))).toBe(false);
    const verify = createPropstreetVerifier({ secrets: [secret] });
    for (const d of r.received)
      expect(verify({ headers: d.headers, body: d.body }, new Date()).ok).toBe(true);
    expect(new Set(r.received.map((d) => d.headers['webhook-id'])).size).toBe(r.received.length);
  });

  it('a subscription takes only its event types; unsubscribing stops the sending', async () => {
    const fake = await propstreet();
    const r = await receiver();
    const [c] = fake.seed([{ firstName: 'C' }]);
    const id = fake.webhooks.subscribe({ url: r.url, secrets: [newWhsec()], events: ['contact.deleted'] });
    fake.editAsUser(c?.id ?? '', { firstName: 'Cc' });
    fake.deleteAsUser(c?.id ?? '');
    await fake.webhooks.idle();
    expect(r.json<PsBody>().map((x) => x.type)).toEqual(['contact.deleted']);
    expect(fake.webhooks.subscriptions()).toMatchObject([{ id, events: 1, attempts: 1, busy: false }]);
    fake.webhooks.unsubscribe(id);
    fake.seed([{ firstName: 'Later' }]);
    await fake.webhooks.idle();
    expect(r.received).toHaveLength(1);
    expect(fake.webhooks.subscriptions()).toEqual([]);
  });

  it('is set over HTTP under /__control/webhooks, knobs included', async () => {
    const fake = await propstreet();
    const r = await receiver([500]);
    const control = (method: string, path = '', body?: unknown) =>
      fetch(`${fake.url}/__control/webhooks${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    expect((await control('POST', '', { url: r.url, secret: '' })).status).toBe(400);
    expect((await control('POST', '', { url: r.url, secret: newWhsec(), latencyMs: [5, 1] })).status).toBe(
      400,
    );
    // Propstreet's API refuses event types it does not list (PW2): so does the fake.
    const unknown = await control('POST', '', { url: r.url, secret: newWhsec(), events: ['contact.merged'] });
    expect(unknown.status).toBe(400);
    const made = await control('POST', '', {
      url: r.url,
      secret: newWhsec(),
      retryDelaysMs: [],
      duplicateRate: 1,
      latencyMs: [1, 30],
    });
    const { id } = (await made.json()) as { id: string };
    fake.seed([{ firstName: 'One' }, { firstName: 'Two' }]);
    await fake.webhooks.idle();
    // The first attempt fails and is not retried ([]); the second is delivered, then again (duplicate).
    const attempts = (await (await control('GET', `/${id}/attempts`)).json()) as {
      attempts: { status: number; duplicate: boolean }[];
    };
    expect(attempts.attempts.map((a) => `${a.status}${a.duplicate ? ' duplicate' : ''}`).sort()).toEqual([
      '200',
      '200 duplicate',
      '500',
    ]);
    const listed = (await (await control('GET')).json()) as { subscriptions: { failedAttempts: number }[] };
    expect(listed.subscriptions).toMatchObject([{ id, failedAttempts: 1 }]);
    expect((await control('DELETE', `/${id}`)).status).toBe(200);
    expect(fake.webhooks.subscriptions()).toEqual([]);
  });
});

describe('HubSpot fake webhooks', () => {
  const AUTH = { authorization: 'Bearer pat-test-0001', 'content-type': 'application/json' };

  it('UI edits are CRM_UI, one propertyChange per changed property; API writes are INTEGRATION, batched', async () => {
    const fake = await hubspot();
    const r = await receiver();
    const ids = fake.control.seed(
      Array.from({ length: 60 }, (_, i) => ({ properties: { email: `p${i}@example.com`, firstname: 'F' } })),
    );
    const secret = 'app-client-secret';
    fake.webhooks.subscribe({ url: r.url, secrets: [secret] });

    const created = fake.control.createAsUser({ email: 'new@example.com' });
    fake.control.editAsUser(ids[0] ?? '', { firstname: 'F', lastname: 'Changed', phone: '+4670000000' });
    await fake.webhooks.idle();
    // Both control calls ran in one tick: one request.
    expect(r.received).toHaveLength(1);
    const ui = r.json<HsEvent[]>().flat();
    expect(ui.map((e) => [e.subscriptionType, e.objectId, e.propertyName, e.propertyValue])).toEqual([
      ['contact.creation', Number(created), undefined, undefined],
      // firstname was written with the value it had: no change, no event.
      ['contact.propertyChange', Number(ids[0]), 'lastname', 'Changed'],
      ['contact.propertyChange', Number(ids[0]), 'phone', '+4670000000'],
    ]);
    expect(ui.every((e) => e.changeSource === 'CRM_UI' && e.portalId === fake.portalId)).toBe(true);

    // One batch update of 60 contacts × 2 properties: 120 events, in requests of at most 100.
    const res = await fetch(`${fake.url}/crm/v3/objects/contacts/batch/update`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({
        inputs: ids.map((id, i) => ({ id, properties: { firstname: `N${i}`, propstreet_id: `ps-${i}` } })),
      }),
    });
    expect(res.status).toBe(200);
    await fake.webhooks.idle();
    const batches = r.json<HsEvent[]>().slice(1);
    expect(batches.map((b) => b.length).sort((x, y) => y - x)).toEqual([100, 20]);
    const api = batches.flat();
    expect(api.every((e) => e.changeSource === 'INTEGRATION' && e.sourceId === String(FAKE_APP_ID))).toBe(
      true,
    );
    expect(api.every((e) => e.appId === FAKE_APP_ID)).toBe(true);
    expect(new Set(api.map((e) => e.eventId)).size).toBe(120);

    const verify = createHubspotVerifier({ secrets: [secret] });
    for (const d of r.received)
      expect(verify({ method: 'POST', uri: r.url, headers: d.headers, body: d.body }, new Date()).ok).toBe(
        true,
      );
  });

  it('deletion and merge events; a subscription names its types and properties', async () => {
    const fake = await hubspot();
    const r = await receiver();
    const [a, b, c] = fake.control.seed([
      { properties: { email: 'a@example.com', firstname: 'A' } },
      { properties: { email: 'b@example.com', lastname: 'B', phone: '+461' } },
      { properties: { email: 'c@example.com' } },
    ]);
    fake.webhooks.subscribe({
      url: r.url,
      secrets: ['s'],
      events: ['contact.propertyChange', 'contact.deletion', 'contact.merge', 'company.creation'],
      properties: ['firstname'],
    });
    fake.control.editAsUser(c ?? '', { firstname: 'Cee', lastname: 'Not subscribed' });
    fake.control.deleteAsUser(c ?? '');
    const merged = fake.control.mergeAsUser(a ?? '', b ?? '');
    const company = fake.control.companies.createAsUser({ name: 'Acme' });
    fake.control.createAsUser({ email: 'unsent@example.com' });
    await fake.webhooks.idle();
    const events = r.json<HsEvent[]>().flat();
    expect(events.map((e) => [e.subscriptionType, e.objectId, e.propertyName])).toEqual([
      ['contact.propertyChange', Number(c), 'firstname'],
      ['contact.deletion', Number(c), undefined],
      ['contact.merge', Number(merged), undefined],
      ['company.creation', Number(company), undefined],
    ]);
    expect(events[2]).toMatchObject({
      primaryObjectId: Number(a),
      mergedObjectIds: [Number(b)],
      newObjectId: Number(merged),
      numberOfPropertiesMoved: 2,
    });
  });

  it('association changes fire on both sides: added, the primary moving, removed; API writes are INTEGRATION', async () => {
    const fake = await hubspot();
    const r = await receiver();
    const [contact = ''] = fake.control.seed([{ properties: { email: 'w@example.com' } }]);
    const x = fake.control.companies.createAsUser({ name: 'X' });
    const y = fake.control.companies.createAsUser({ name: 'Y' });
    fake.webhooks.subscribe({
      url: r.url,
      secrets: ['s'],
      events: ['contact.associationChange', 'company.associationChange'],
    });
    fake.control.associate(contact, x, { primary: true });
    fake.control.associate(contact, x, { primary: true }); // nothing changes: no event
    const res = await fetch(`${fake.url}/crm/v4/associations/contacts/companies/batch/create`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({
        inputs: [
          {
            from: { id: contact },
            to: { id: y },
            types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 1 }],
          },
        ],
      }),
    });
    expect(res.status).toBe(201);
    fake.control.dissociate(contact, x);
    await fake.webhooks.idle();
    const events = r.json<HsEvent[]>().flat();
    const line = (e: HsEvent) =>
      `${e.subscriptionType} ${e.fromObjectId}→${e.toObjectId} ${e.associationType} removed=${e.associationRemoved} ${e.changeSource}`;
    const [c, X, Y] = [contact, x, y].map(Number);
    expect(events.map(line)).toEqual([
      `contact.associationChange ${c}→${X} CONTACT_TO_COMPANY removed=false CRM_UI`,
      `company.associationChange ${X}→${c} COMPANY_TO_CONTACT removed=false CRM_UI`,
      // Y becomes the primary company: X loses the label (a change, not a removal), Y is added.
      `contact.associationChange ${c}→${X} CONTACT_TO_COMPANY removed=false INTEGRATION`,
      `company.associationChange ${X}→${c} COMPANY_TO_CONTACT removed=false INTEGRATION`,
      `contact.associationChange ${c}→${Y} CONTACT_TO_COMPANY removed=false INTEGRATION`,
      `company.associationChange ${Y}→${c} COMPANY_TO_CONTACT removed=false INTEGRATION`,
      `contact.associationChange ${c}→${X} CONTACT_TO_COMPANY removed=true CRM_UI`,
      `company.associationChange ${X}→${c} COMPANY_TO_CONTACT removed=true CRM_UI`,
    ]);
    expect(events.map((e) => e.objectId)).toEqual([c, X, c, X, c, Y, c, X]);
  });

  it('generic subscriptions (object.*) get generic events only, with object type ids; the default gets the legacy ones only', async () => {
    const fake = await hubspot();
    const [generic, legacy] = [await receiver(), await receiver()];
    const [contact = ''] = fake.control.seed([{ properties: { email: 'g@example.com' } }]);
    const x = fake.control.companies.createAsUser({ name: 'X' });
    fake.webhooks.subscribe({
      url: generic.url,
      secrets: ['s'],
      events: ['object.associationChange', 'object.propertyChange'],
    });
    fake.webhooks.subscribe({ url: legacy.url, secrets: ['s'] });
    fake.control.associate(contact, x);
    fake.control.editAsUser(contact, { firstname: 'Gen' });
    await fake.webhooks.idle();
    const [c, X] = [contact, x].map(Number);
    const line = (e: HsEvent) =>
      `${e.subscriptionType} ${e.objectTypeId} ${e.objectId}` +
      (e.fromObjectId === undefined
        ? ` ${e.propertyName}`
        : ` ${e.fromObjectTypeId}:${e.fromObjectId}→${e.toObjectTypeId}:${e.toObjectId} type ${e.associationTypeId} ${e.associationCategory} ${e.associationType} removed=${e.associationRemoved}`);
    expect(generic.json<HsEvent[]>().flat().map(line)).toEqual([
      `object.associationChange 0-1 ${c} 0-1:${c}→0-2:${X} type 279 HUBSPOT_DEFINED undefined removed=false`,
      `object.associationChange 0-2 ${X} 0-2:${X}→0-1:${c} type 280 HUBSPOT_DEFINED undefined removed=false`,
      `object.propertyChange 0-1 ${c} firstname`,
    ]);
    expect(
      legacy
        .json<HsEvent[]>()
        .flat()
        .map((e) => e.subscriptionType),
    ).toEqual(['contact.associationChange', 'company.associationChange', 'contact.propertyChange']);
  });

  it('seeds arrive as IMPORT; control routes answer under /__control/webhooks', async () => {
    const fake = await hubspot();
    const r = await receiver();
    const made = await fetch(`${fake.url}/__control/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: r.url, secret: 's', batchSize: 2, reorder: true, seed: 5 }),
    });
    expect(made.status).toBe(200);
    const ids = fake.control.seed(
      [1, 2, 3, 4, 5].map((i) => ({ properties: { email: `s${i}@example.com` } })),
    );
    await fake.webhooks.idle();
    const batches = r.json<HsEvent[]>();
    expect(batches.map((b) => b.length).sort()).toEqual([1, 2, 2]);
    const events = batches.flat();
    expect(events.every((e) => e.changeSource === 'IMPORT' && e.sourceId === undefined)).toBe(true);
    expect(events.map((e) => String(e.objectId)).sort()).toEqual([...ids].sort());
    const gone = await fetch(`${fake.url}/__control/webhooks`, { method: 'DELETE' });
    expect(gone.status).toBe(200);
    expect(fake.webhooks.subscriptions()).toEqual([]);
  });
});
