/**
 * The bearer token never leaves the request headers: not in a log line (a plain pino logger,
 * without the app's scrubbing, so the client itself is what is tested), not in any error.
 */
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PropstreetFake, startPropstreetFake } from '../../fakes/propstreet/index.js';
import { Redactor } from '../../src/core/redact.js';
import { createPropstreetClient, type PropstreetClient } from '../../src/propstreet/client.js';
import { caught, collect, FAST_RETRY, TestClock } from './helpers.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const TOKEN = 'ps-secret-token-DO-NOT-LEAK-7f3a9c2e';
const lines: string[] = [];
let fake: PropstreetFake;
let client: PropstreetClient;

beforeAll(async () => {
  fake = await startPropstreetFake({ tokens: [TOKEN] });
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  client = createPropstreetClient({
    redactor,
    baseUrl: fake.url,
    token: TOKEN,
    logger: pino({ level: 'trace', base: null }, sink),
    retry: FAST_RETRY,
    clock: new TestClock(),
    // Long enough that a loaded machine never turns an answered request into a TIMEOUT.
    timeoutMs: 3000,
  });
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

function everything(e: unknown): string {
  const err = e as Error & { cause?: unknown };
  return [err.message, err.stack, JSON.stringify(e), inspect(e, { depth: 8, showHidden: true })].join('\n');
}

describe('the token stays secret', () => {
  it('in log lines and in every kind of error', async () => {
    fake.generate(3);
    const { contact: c } = await client.upsertByExternalRef('test', 's', { firstName: 'S' });
    await collect(client.listContacts({ pageSize: 1 }));
    const errors: unknown[] = [];
    fake.http.faults.add({ kind: 'status', status: 503, method: 'GET', path: '/contacts/', times: 10 });
    errors.push(await caught(() => client.getContact(c.id)));
    fake.http.faults.clear();
    // A PATCH without If-Match is not retried, so each fault ends in its own error.
    fake.http.faults.add({ kind: 'timeout', method: 'PATCH', times: 1 });
    errors.push(await caught(() => client.patchContact(c.id, { firstName: 'T' }, {})));
    fake.http.faults.add({ kind: 'drop', method: 'PATCH', times: 1 });
    errors.push(await caught(() => client.patchContact(c.id, { firstName: 'T' }, {})));
    fake.http.faults.add({ kind: 'malformed', method: 'GET', times: 1 });
    errors.push(await caught(() => collect(client.listContacts())));
    fake.http.faults.add({
      kind: 'status',
      status: 400,
      method: 'PATCH',
      times: 1,
      body: { title: 'Bad', status: 400, detail: `echoed ${TOKEN}`, errors: { x: ['y'] } },
    });
    errors.push(await caught(() => client.patchContact(c.id, { firstName: 'T' }, {})));
    errors.push(await caught(() => client.patchContact(c.id, { firstName: 'Z' }, { ifMatch: 'W/"stale"' })));
    fake.addToken('another-token-for-this-test');
    fake.setRateLimit(0);
    errors.push(await caught(() => client.getContact(c.id)));

    expect(errors.map((e) => (e as { code?: string }).code)).toEqual([
      'SERVER_ERROR',
      'TIMEOUT',
      'NETWORK',
      'PAYLOAD_INVALID',
      'VALIDATION',
      'PRECONDITION_FAILED',
      'RATE_LIMITED',
    ]);
    for (const e of errors) expect(everything(e)).not.toContain(TOKEN);
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.some((l) => l.includes('propstreet request retried'))).toBe(true);
    for (const line of lines) expect(line).not.toContain(TOKEN);
    // The server echoed the token in a problem detail: scrubbed from the message.
    expect((errors[4] as Error).message).toContain('[REDACTED]');
  });
});
