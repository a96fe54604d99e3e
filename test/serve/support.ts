/**
 * Helpers for the serve tests: secrets, signatures computed from the vendors' recipes with
 * node:crypto (not with the code under test), a fixed clock and a run-request recorder.
 */

import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from '../../fakes/sandbox/sandbox.js';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { RunRequest, RunRequests } from '../../src/serve/intake.js';
import type { TriggerEvent } from '../../src/serve/run-trigger.js';
import { type RunningServe, type ServeOptions, startServe } from '../../src/serve/start-serve.js';
import type { Scope, StateStore } from '../../src/state/port.js';
import { createSqliteStateStore } from '../../src/state/sqlite-store.js';
import { type E2E, startHubSpotLinksTenant } from '../e2e/support.js';

export const newWhsec = (): string => `whsec_${randomBytes(24).toString('base64')}`;

function signPropstreet(secret: string, id: string, seconds: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${seconds}.${body}`).digest('base64')}`;
}

export function propstreetHeaders(
  secret: string,
  id: string,
  at: Date,
  body: string,
): Record<string, string> {
  const seconds = Math.floor(at.getTime() / 1000);
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signPropstreet(secret, id, seconds, body),
  };
}

export function hubspotHeaders(secret: string, uri: string, at: Date, body: string): Record<string, string> {
  const stamp = String(at.getTime());
  return {
    'content-type': 'application/json',
    'x-hubspot-request-timestamp': stamp,
    'x-hubspot-signature-v3': createHmac('sha256', secret)
      .update(`POST${uri}${body}${stamp}`)
      .digest('base64'),
  };
}

/** A clock that stands still unless moved. */
export function fixedClock(at: Date): Clock & { set(d: Date): void } {
  let now = at;
  return {
    now: () => now,
    sleep: async () => undefined,
    set: (d) => {
      now = d;
    },
  };
}

export class RecordedRuns implements RunRequests {
  readonly requests: { scope: Scope; request: RunRequest }[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  request(scope: Scope, request: RunRequest): void {
    this.requests.push({ scope, request });
    this.waiters = this.waiters.filter((w) => {
      if (this.requests.length < w.n) return true;
      w.resolve();
      return false;
    });
  }
  /** Resolves once `n` requests were recorded. */
  count(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** A SQLite state file in a temp folder that outlives any one store opened on it. */
export function stateFile(): { path: string; open(): Promise<StateStore>; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-serve-'));
  const path = join(dir, 'state.db');
  return {
    path,
    async open() {
      const store = createSqliteStateStore({ path });
      await store.migrate();
      return store;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The dispatches a `serve` under test ended, for its `observe` option: `ended(n)` resolves once
 * `n` have ended in all (each with its outcome in `settled`).
 */
export function settledDispatches(): {
  readonly settled: TriggerEvent[];
  observe(event: TriggerEvent): void;
  ended(n: number): Promise<void>;
} {
  const settled: TriggerEvent[] = [];
  let waiters: { n: number; resolve: () => void }[] = [];
  return {
    settled,
    observe(event) {
      if (event.type !== 'settled') return;
      settled.push(event);
      for (const w of waiters.filter((x) => settled.length >= x.n)) w.resolve();
      waiters = waiters.filter((w) => settled.length < w.n);
    },
    ended: (n) =>
      settled.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
  };
}

type HubSpotFake = NonNullable<Sandbox['hubspot']>;

/**
 * As a HubSpot user would: associates the `nth` contact of the fake with a synced company it is
 * not at yet (HubSpot then fires associationChange). Returns both, for the checks that follow.
 */
export function associateWithAnotherCompany(
  hubspot: HubSpotFake,
  nth: number,
): {
  contact: ReturnType<HubSpotFake['control']['dump']>[number];
  company: { id: string; propstreetId: string };
} {
  const contact = hubspot.control.dump()[nth];
  const at = new Set(hubspot.control.associatedCompanies(contact?.id ?? '').map((a) => a.companyId));
  const company = hubspot.control.companies.dump().find((k) => !at.has(k.id) && k.properties.propstreet_id);
  const propstreetId = company?.properties.propstreet_id;
  if (!contact || !company || !propstreetId) throw new Error('no contact/company to associate');
  hubspot.control.associate(contact.id, company.id);
  return { contact, company: { id: company.id, propstreetId } };
}

/** `serve` on a free loopback port, quiet, debounced 50 ms: what the serve tests start. */
export function startTestServe(
  options: Omit<ServeOptions, 'port' | 'host' | 'logger' | 'debounceMs'> &
    Partial<Pick<ServeOptions, 'logger' | 'debounceMs'>>,
): Promise<RunningServe> {
  return startServe({ port: 0, host: '127.0.0.1', debounceMs: 50, logger: silentLogger, ...options });
}

/** A `${VAR}` reference in a tenant file. */
const ref = (name: string) => `\${${name}}`;

/**
 * Writes `dir`/acme.yaml: tenant acme with one HubSpot connection on unreachable APIs (the serve
 * tests run nothing against them), its state in `state` (default: SQLite beside the file), reading
 * PROPSYNC_ACME_PROPSTREET_TOKEN and PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN. Returns the file's path.
 */
export function writeAcmeTenant(
  dir: string,
  options: { objects?: string; state?: readonly string[]; file?: string } = {},
): string {
  const file = join(dir, options.file ?? 'acme.yaml');
  writeFileSync(
    file,
    [
      'tenant: acme',
      'propstreet:',
      '  baseUrl: http://127.0.0.1:9',
      `  token: ${ref('PROPSYNC_ACME_PROPSTREET_TOKEN')}`,
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      '    baseUrl: http://127.0.0.1:9',
      `    accessToken: ${ref('PROPSYNC_ACME_HUBSPOT_ACCESS_TOKEN')}`,
      ...(options.objects ? [`    objects: ${options.objects}`] : []),
      'state:',
      ...(options.state ?? [`  sqlite: ${join(dir, 'acme.db')}`]),
      '',
    ].join('\n'),
  );
  return file;
}

/**
 * A HubSpot tenant syncing companies, contacts and links (6 contacts at 3 companies), synced as if
 * an hour ago, then one contact edited so the CRM checkpoint moves to now: no delta or overlap
 * re-read reaches the others' stamps again, so only an association mark makes a run read them.
 */
export async function settledLinksTenant(): Promise<E2E> {
  const e = await startHubSpotLinksTenant({ contacts: 6, companies: 3 });
  const hs = e.sb.hubspot?.control;
  if (!hs) throw new Error('no HubSpot fake');
  hs.setClock(Date.now() - 3_600_000);
  await e.run();
  hs.setClock(null);
  const [first] = hs.dump();
  hs.editAsUser(first?.id ?? '', { lastname: 'Moved the checkpoint' });
  await e.run();
  await e.run();
  return e;
}
