/** End-to-end harness: the sandbox fakes, a tenant file, and runs through the real stack. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { person } from '../../fakes/sandbox/people.js';
import {
  type Sandbox,
  type SandboxOptions,
  startSandbox,
  type TenantOptions,
} from '../../fakes/sandbox/sandbox.js';
import { syncTenant, type TenantRun } from '../../src/app/sync-tenant.js';
import { loadTenantConfig, type TenantConfig } from '../../src/config/index.js';
import type { Clock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import type { RecordPlan } from '../../src/engine/types.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

export interface E2E {
  readonly sb: Sandbox;
  readonly dir: string;
  /** The tenant file the last (re)configuration wrote, for a `propsync` child process. */
  readonly configFile: string;
  config: TenantConfig;
  run(options?: {
    dryRun?: boolean;
    force?: boolean;
    reconcile?: boolean;
    clock?: Clock;
    only?: string[];
    onPlanChunk?: (connection: string, chunk: readonly RecordPlan[]) => void | Promise<void>;
  }): Promise<TenantRun>;
  /** Rewrites the tenant file with other options (same sandbox, same state file). */
  reconfigure(options: TenantOptions): Promise<void>;
  close(): Promise<void>;
}

export async function startE2E(sandbox: SandboxOptions = {}, tenant: TenantOptions = {}): Promise<E2E> {
  const sb = await startSandbox(sandbox);
  const dir = mkdtempSync(join(tmpdir(), 'propsync-e2e-'));
  let configFile = '';
  const load = async (t: TenantOptions) => {
    configFile = sb.writeTenant(dir, t);
    return loadTenantConfig(configFile, { redactor, env: sb.env, cwd: dir });
  };
  const e2e: E2E = {
    sb,
    dir,
    get configFile() {
      return configFile;
    },
    config: await load(tenant),
    run: (o = {}) =>
      syncTenant(e2e.config, {
        redactor,
        dryRun: o.dryRun ?? false,
        force: o.force ?? false,
        ...(o.reconcile ? { reconcile: true } : {}),
        ...(o.clock ? { clock: o.clock } : {}),
        ...(o.only ? { only: o.only } : {}),
        ...(o.onPlanChunk ? { onPlanChunk: o.onPlanChunk } : {}),
        keepRecords: true,
        logger: silentLogger,
      }),
    async reconfigure(t) {
      e2e.config = await load({ ...tenant, ...t });
    },
    async close() {
      await sb.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return e2e;
}

/**
 * One HubSpot connection syncing companies, contacts and links, with `contacts` generated
 * Propstreet contacts employed at `companies` companies (nothing synced yet); the Propstreet
 * rate limit lifted (what these tests count is calls, not pace).
 */
export async function startHubSpotLinksTenant(
  generated: { contacts: number; companies: number },
  sandbox: SandboxOptions = {},
): Promise<E2E> {
  const e = await startE2E(
    { ...sandbox, salesforce: false },
    { tenant: 'acme', connections: ['hubspot'], connection: { objects: ['companies', 'contacts', 'links'] } },
  );
  e.sb.propstreet.setRateLimit(600_000);
  e.sb.propstreet.generate(generated.contacts, { companies: generated.companies });
  return e;
}

/** Seeds `n` Propstreet contacts from the person generator, starting at person `from`. */
export function seedPropstreet(sb: Sandbox, from: number, n: number): string[] {
  const contacts = Array.from({ length: n }, (_, k) => {
    const p = person(from + k);
    return { firstName: p.firstName, lastName: p.lastName, email: p.email, phone: p.phone };
  });
  return sb.propstreet.seed(contacts).map((c) => c.id);
}

export function seedSalesforce(sb: Sandbox, from: number, n: number): string[] {
  return sb.salesforce!.control.seed(
    Array.from({ length: n }, (_, k) => {
      const p = person(from + k);
      return {
        FirstName: p.firstName,
        LastName: p.lastName,
        Email: p.email,
        Phone: p.phone,
        Title: p.jobTitle,
      };
    }),
  );
}

export function seedHubSpot(sb: Sandbox, from: number, n: number): string[] {
  return sb.hubspot!.control.seed(
    Array.from({ length: n }, (_, k) => {
      const p = person(from + k);
      return { properties: { firstname: p.firstName, lastname: p.lastName, email: p.email, phone: p.phone } };
    }),
  );
}

/** API write calls each fake has received so far. */
export function writes(sb: Sandbox): { propstreet: number; hubspot: number; salesforce: number } {
  return {
    propstreet: sb.propstreet.apiWriteCount(),
    hubspot: sb.hubspot ? sb.hubspot.control.apiRequests().filter((r) => r.write).length : 0,
    salesforce: sb.salesforce
      ? sb.salesforce.http.requests.filter((r) => r.write && r.path.startsWith('/services/data')).length
      : 0,
  };
}
