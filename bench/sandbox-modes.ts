/**
 * The sandbox as the network benchmark drives it: real limits and latency for measured runs,
 * no limits and no latency for the set-up runs before them (so an incremental scenario does
 * not wait an hour for its first sync), tenant files for both, round-trip probes, and the
 * user edits of an incremental run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Sandbox } from '../fakes/sandbox/sandbox.js';
import type { Api } from './model.js';

export interface Limits {
  /** Scale the rate windows down 10× (same rates): HubSpot 19 per 1 s, Propstreet 10 per 1 s. */
  readonly quick: boolean;
  readonly latency: readonly [number, number];
}

const UNLIMITED = 1e9;

export function setFast(sb: Sandbox): void {
  sb.propstreet.setRateLimit(UNLIMITED, 60_000);
  sb.hubspot?.control.setRateLimit({
    max: UNLIMITED,
    intervalMs: 10_000,
    daily: UNLIMITED,
    searchPerSecond: UNLIMITED,
  });
  sb.hubspot?.control.resetRateLimits();
  sb.salesforce?.control.setApiUsage({ used: 0, limit: UNLIMITED });
  for (const f of fakes(sb)) f.faults.setLatency(0, 0);
}

export function setReal(sb: Sandbox, limits: Limits): void {
  sb.propstreet.setRateLimit(limits.quick ? 10 : 600, limits.quick ? 1_000 : 60_000);
  sb.hubspot?.control.setRateLimit({
    max: limits.quick ? 19 : 190,
    intervalMs: limits.quick ? 1_000 : 10_000,
    daily: 625_000,
    searchPerSecond: 5,
  });
  sb.hubspot?.control.resetRateLimits();
  sb.salesforce?.control.setApiUsage({ used: 0, limit: 100_000 });
  const [min, max] = limits.latency;
  for (const f of fakes(sb)) f.faults.setLatency(min, max);
}

function fakes(sb: Sandbox) {
  return [sb.propstreet.http, sb.hubspot?.http, sb.salesforce?.http].filter((f) => f !== undefined);
}

/** Two tenant files on one state file: `fast` (no client-side Propstreet ceiling) and `real` (600/min). */
export function writeTenants(
  sb: Sandbox,
  dir: string,
  crm: 'hubspot' | 'salesforce',
  overlapSeconds: number,
  options: { batchUpsertPath?: string; drainFor?: string } = {},
): { fast: string; real: string } {
  const { batchUpsertPath, drainFor } = options;
  const file = sb.writeTenant(dir, {
    tenant: 'bench',
    ...(batchUpsertPath ? { propstreet: { batchUpsertPath } } : {}),
    connections: [crm],
    // A first sync is measured until every ref is written unless told otherwise: the default 10m
    // would leave a 10k run's last ~7 min of write-backs to the next run and cut the first short.
    connection: { overlapSeconds, refWriteBacks: { drainFor: drainFor ?? '24h' } },
    sqlite: join(dir, 'state.db'),
  });
  return { fast: pacedCopy(file, 'fast', UNLIMITED), real: pacedCopy(file, 'real', 600) };
}

/** A copy of a tenant file (`<name>.yaml` beside it, same tenant and state) whose Propstreet client paces at `rpm`. */
function pacedCopy(file: string, name: string, rpm: number): string {
  const doc = parse(readFileSync(file, 'utf8')) as { propstreet: Record<string, unknown> };
  const path = join(dirname(file), `${name}.yaml`);
  writeFileSync(path, stringify({ ...doc, propstreet: { ...doc.propstreet, requestsPerMinute: rpm } }));
  return path;
}

/** A set-up copy of a tenant file with no client-side Propstreet ceiling (run with `setFast`). */
export function fastTenantFile(file: string, name: string): string {
  return pacedCopy(file, name, UNLIMITED);
}

/** Mean round trip of a cheap read on each fake, over `count` sequential calls. */
export async function probeRtt(sb: Sandbox, count = 10): Promise<Partial<Record<Api, number>>> {
  const targets: [Api, string, string][] = [
    ['propstreet', `${sb.propstreet.url}/api/v1/network/contacts?page_size=1`, sb.propstreet.token],
  ];
  if (sb.hubspot) targets.push(['hubspot', `${sb.hubspot.url}/crm/v3/objects/contacts?limit=1`, 'probe']);
  if (sb.salesforce)
    targets.push([
      'salesforce',
      `${sb.salesforce.url}/services/data/v${sb.salesforce.version}/query?q=${encodeURIComponent('SELECT Id FROM Contact LIMIT 1')}`,
      sb.salesforce.accessToken,
    ]);
  const out: Partial<Record<Api, number>> = {};
  for (const [api, url, token] of targets) {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`probe of ${api} answered ${res.status}`);
    }
    out[api] = (performance.now() - t0) / count;
  }
  return out;
}

/**
 * 1% of the linked records edited on each side, by a user, on disjoint records: a first name
 * in Propstreet (flows to the CRM), a last name in the CRM (flows to Propstreet). The same
 * records each time: a later round needs its own `round` to change their values again.
 */
export function editOnePercent(
  sb: Sandbox,
  crm: 'hubspot' | 'salesforce',
  n: number,
  round = '',
): { propstreet: number; crm: number } {
  const k = Math.max(1, Math.round(n / 100));
  const step = Math.max(1, Math.floor(n / k));
  const contacts = sb.propstreet.allContacts().filter((c) => !c.deletedUtc);
  const psEdited = new Set<string>();
  for (let j = 0; j < k && j * step < contacts.length; j++) {
    const c = contacts[j * step]!;
    sb.propstreet.editAsUser(c.id, { firstName: `Edited${round}${j}` });
    psEdited.add(c.id);
  }
  const crmEdited = new Set<string>();
  if (crm === 'hubspot') {
    const linked = sb.hubspot!.control.dump().filter((r) => !r.archived && r.properties.propstreet_id);
    const others = linked.filter((r) => !psEdited.has(r.properties.propstreet_id!));
    for (let j = 0; j < k && j < others.length; j++) {
      const id = others[(j * step + Math.floor(step / 2)) % others.length]!.id;
      sb.hubspot!.control.editAsUser(id, { lastname: `Changed${round}${j}` });
      crmEdited.add(id);
    }
  } else {
    const linked = sb.salesforce!.control.dump().filter((r) => typeof r.Propstreet_Id__c === 'string');
    const others = linked.filter((r) => !psEdited.has(r.Propstreet_Id__c as string));
    for (let j = 0; j < k && j < others.length; j++) {
      const id = others[(j * step + Math.floor(step / 2)) % others.length]!.Id as string;
      sb.salesforce!.control.edit(id, { LastName: `Changed${round}${j}` });
      crmEdited.add(id);
    }
  }
  return { propstreet: psEdited.size, crm: crmEdited.size };
}
