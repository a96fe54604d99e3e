/**
 * A tenant syncing Propstreet with HubSpot and Salesforce (one bridge tenant, both
 * connections), the three fakes in this process, and a model of what the users intended:
 * every person created on any side, with their latest edit. Reliability tests drive it
 * (seed, edit, run, kill, break) and then ask check-world.ts whether reality matches the model.
 *
 * People are told apart by email, which no edit ever changes; each person is edited at most
 * once, so no two edits race each other and the outcome of every edit is known.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { person } from '../../../fakes/sandbox/people.js';
import { type Sandbox, startSandbox } from '../../../fakes/sandbox/sandbox.js';
import type { RequestLogEntry } from '../../../fakes/shared/http-fake.js';
import { syncTenant, type TenantRun } from '../../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Redactor } from '../../../src/core/redact.js';
import type { RecordPlan } from '../../../src/engine/types.js';
import { type Rng, rng } from './chaos-seed.js';
import { applyEdit, presentBySide } from './sides.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

export type SideName = 'propstreet' | 'hubspot' | 'salesforce';
export const SIDES: readonly SideName[] = ['propstreet', 'hubspot', 'salesforce'];

/** The mapped fields the suite checks, as the user last set them. */
export interface Intended {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

export interface UserEdit {
  readonly side: SideName;
  readonly email: string;
  readonly field: 'firstName' | 'lastName' | 'phone';
  readonly value: string;
}

export interface WorldOptions {
  readonly seed: number;
  /** Extra keys for both connections (overlapSeconds, maxAttempts, …). */
  readonly connection?: Readonly<Record<string, unknown>>;
  /** Give the HubSpot fake more headroom than a Professional portal (long suites). */
  readonly fastHubSpot?: boolean;
}

export interface World {
  readonly sb: Sandbox;
  readonly dir: string;
  readonly configFile: string;
  readonly stateFile: string;
  readonly rnd: Rng;
  readonly intended: Map<string, Intended>;
  readonly edits: UserEdit[];
  config(): Promise<TenantConfig>;
  /** Creates `n` new people on `side`, as its users would. */
  createPeople(side: SideName, n: number): void;
  /** `n` user edits on random sides, each on a person never edited before and present there. */
  userEdits(n: number, sides?: readonly SideName[]): UserEdit[];
  /** One user edit of a person's field on one side (the record must exist there). */
  edit(side: SideName, email: string, field: UserEdit['field'], value: string): UserEdit;
  /** Fields of this person that a user has edited so far. */
  editedFields(email: string): ReadonlySet<UserEdit['field']>;
  /** A fresh value for a field, unlike any before. */
  freshValue(field: UserEdit['field']): string;
  /** One `propsync run` in this process. */
  run(options?: {
    onPlanChunk?: (connection: string, chunk: readonly RecordPlan[]) => void | Promise<void>;
  }): Promise<TenantRun>;
  /** API write calls received by the three fakes so far (control calls excluded). */
  writeCalls(): number;
  /** Every API request of the three fakes, tagged by side. */
  requestLog(): { side: SideName; entry: RequestLogEntry }[];
  /** A mark in the request logs; `writesSince(mark)` lists the API writes after it. */
  logMark(): Record<SideName, number>;
  writesSince(mark: Record<SideName, number>): string[];
  /**
   * A killed run leaves its lock behind until the TTL (1 h) passes; this stands in for
   * "an hour later" (see the lock test in test/chaos/ for why it matters).
   */
  expireLocks(): void;
  close(): Promise<void>;
}

/** What a child `propsync run` needs of its world: the fakes' tokens and a folder for its TMPDIR. */
export type ChildHost = Pick<World, 'sb' | 'dir'>;

/** Sandbox tokens and a minimal environment, for the child process. */
export function childEnv(world: ChildHost, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: '1', TMPDIR: world.dir };
  for (const k of ['PATH', 'HOME']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return { ...env, ...world.sb.env, ...extra };
}

export async function startWorld(options: WorldOptions): Promise<World> {
  const sb = await startSandbox({ seed: options.seed, propstreetPerMinute: 1_000_000 });
  if (options.fastHubSpot) sb.hubspot!.control.setRateLimit({ max: 2_000, searchPerSecond: 50 });
  const dir = mkdtempSync(join(tmpdir(), 'propsync-reliability-'));
  const configFile = sb.writeTenant(dir, {
    tenant: 'bridge',
    connections: ['hubspot', 'salesforce'],
    connection: {
      // Failed records are retried on the very next run, and are not quarantined by a storm.
      retryBaseSeconds: 0,
      maxAttempts: 20,
      ...options.connection,
    },
  });
  const stateFile = join(dir, 'bridge.db');
  const rnd = rng(options.seed);
  const intended = new Map<string, Intended>();
  const edits: UserEdit[] = [];
  const edited = new Map<string, Set<UserEdit['field']>>();
  let next = 0;
  let serial = 0;
  const population = options.seed % 1000;

  const newPerson = (): Intended => {
    const p = person(next, population);
    next++;
    const i: Intended = { firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone };
    intended.set(i.email, i);
    return i;
  };

  const record = (side: SideName, id: string, email: string, field: UserEdit['field'], value: string) => {
    applyEdit(sb, side, id, field, value);
    intended.get(email)![field] = value;
    edited.set(email, new Set([...(edited.get(email) ?? []), field]));
    const edit = { side, email, field, value };
    edits.push(edit);
    return edit;
  };

  const world: World = {
    sb,
    dir,
    configFile,
    stateFile,
    rnd,
    intended,
    edits,
    config: () => loadTenantConfig(configFile, { redactor, env: sb.env, cwd: dir }),
    createPeople(side, n) {
      const people = Array.from({ length: n }, newPerson);
      if (side === 'propstreet') sb.propstreet.seed(people.map((p) => ({ ...p })));
      else if (side === 'hubspot')
        sb.hubspot!.control.seed(
          people.map((p) => ({
            properties: { firstname: p.firstName, lastname: p.lastName, email: p.email, phone: p.phone },
          })),
        );
      else
        sb.salesforce!.control.seed(
          people.map((p) => ({
            FirstName: p.firstName,
            LastName: p.lastName,
            Email: p.email,
            Phone: p.phone,
          })),
          { as: sb.salesforce!.control.uiUserId },
        );
    },
    userEdits(n, sides = SIDES) {
      const out: UserEdit[] = [];
      const present = presentBySide(sb);
      const candidates = [...intended.keys()].filter((e) => !edited.has(e));
      for (const email of rnd.sample(candidates, candidates.length)) {
        if (out.length >= n) break;
        const side = rnd.pick(sides.filter((s) => present[s].has(email)));
        if (!side) continue;
        const field = rnd.pick(['firstName', 'lastName', 'phone'] as const);
        out.push(record(side, present[side].get(email)!, email, field, world.freshValue(field)));
      }
      return out;
    },
    edit(side, email, field, value) {
      const id = presentBySide(sb, side).get(email);
      if (id === undefined) throw new Error(`${email} is not on ${side}`);
      return record(side, id, email, field, value);
    },
    editedFields: (email) => edited.get(email) ?? new Set(),
    freshValue(field) {
      serial++;
      return field === 'phone'
        ? `+46 73 ${String(100 + (serial % 900)).padStart(3, '0')} ${rnd.int(10, 99)} ${rnd.int(10, 99)}`
        : `${rnd.pick(['Åsa', 'Zoë', 'Jörg', 'Renée', 'Ola', 'Đorđe'])}-${serial}`;
    },
    async run(o = {}) {
      return syncTenant(await world.config(), {
        redactor,
        dryRun: false,
        logger: silentLogger,
        // The records are kept so that an unexpected write can be explained (crash-loop.ts).
        keepRecords: true,
        ...(o.onPlanChunk ? { onPlanChunk: o.onPlanChunk } : {}),
      });
    },
    writeCalls: () => world.requestLog().filter((r) => r.entry.write).length,
    requestLog() {
      const api = (side: SideName, entries: readonly RequestLogEntry[]) =>
        entries.filter((e) => !e.path.startsWith('/__control')).map((entry) => ({ side, entry }));
      return [
        ...api('propstreet', sb.propstreet.http.requests),
        ...api('hubspot', sb.hubspot!.http.requests),
        ...api('salesforce', sb.salesforce!.http.requests),
      ];
    },
    logMark: () => ({
      propstreet: sb.propstreet.http.requests.length,
      hubspot: sb.hubspot!.http.requests.length,
      salesforce: sb.salesforce!.http.requests.length,
    }),
    writesSince(mark) {
      const logs = {
        propstreet: sb.propstreet.http,
        hubspot: sb.hubspot!.http,
        salesforce: sb.salesforce!.http,
      };
      return SIDES.flatMap((side) =>
        logs[side].requests
          .slice(mark[side])
          .filter((e) => e.write && !e.path.startsWith('/__control'))
          .map((e) => `${side} ${e.method} ${e.path} → ${e.status} (${e.records} records)`),
      );
    },
    expireLocks() {
      if (!existsSync(stateFile)) return;
      const db = new Database(stateFile);
      try {
        // A run killed before it migrated the file has no lock table yet.
        const hasLocks = db
          .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'locks'")
          .get();
        if (hasLocks) db.prepare('UPDATE locks SET expires_ms = 0').run();
      } finally {
        db.close();
      }
    },
    async close() {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}
