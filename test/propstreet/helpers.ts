/** Shared set-up for the Propstreet client tests: a virtual clock and a client on the fake. */

import type { PropstreetFake } from '../../fakes/propstreet/index.js';
import type { Clock } from '../../src/core/clock.js';
import { Redactor } from '../../src/core/redact.js';
import {
  createPropstreetClient,
  type PropstreetClient,
  type PropstreetClientOptions,
} from '../../src/propstreet/client.js';
import type { ContactPage } from '../../src/propstreet/port.js';
import type { Contact } from '../../src/propstreet/schema.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

/** Virtual time: sleeps return at once, advance the clock and are recorded. */
export class TestClock implements Clock {
  readonly sleeps: number[] = [];
  private t = Date.parse('2026-01-01T00:00:00Z');

  now(): Date {
    return new Date(this.t);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    await new Promise<void>((r) => setImmediate(r));
  }

  get ms(): number {
    return this.t;
  }
}

export const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxServerWaitMs: 120_000 };

export function clientFor(
  fake: PropstreetFake,
  overrides: Partial<PropstreetClientOptions> = {},
): PropstreetClient {
  return createPropstreetClient({
    redactor,
    baseUrl: fake.url,
    token: fake.token,
    requestsPerMinute: Number.POSITIVE_INFINITY,
    retry: FAST_RETRY,
    timeoutMs: 2_000,
    random: () => 0.5,
    ...overrides,
  });
}

export async function collect(
  pages: AsyncIterable<ContactPage>,
): Promise<{ contacts: Contact[]; pages: ContactPage[] }> {
  const all: ContactPage[] = [];
  for await (const page of pages) all.push(page);
  return { contacts: all.flatMap((p) => p.contacts), pages: all };
}

/** Runs `fn`, expecting it to throw, and returns what it threw. */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, got none');
}

/** Every page of any list, in order. */
export async function pagesOf<P>(pages: AsyncIterable<P>): Promise<P[]> {
  const all: P[] = [];
  for await (const page of pages) all.push(page);
  return all;
}
