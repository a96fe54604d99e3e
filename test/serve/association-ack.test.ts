/**
 * A HubSpot association change is the one event whose content no delta can recover (README "Who
 * works where": HubSpot stamps no contact on an association edit; `links.fullScanEvery` is off by
 * default). Before 12-04 `serve` answered 200 before it stored the event's mark, and answered 200
 * when the mark could not be stored (the state database briefly down): HubSpot never retried, and
 * the edit never reached Propstreet. Now the mark is stored before the answer, and a delivery
 * whose mark cannot be stored is answered 503, which HubSpot retries (HW6).
 */

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { createAssociationMarker } from '../../src/serve/association-marker.js';
import { buildEndpoints, endpointTable } from '../../src/serve/endpoints.js';
import { createEventLedger } from '../../src/serve/event-ledger.js';
import { createIntake } from '../../src/serve/intake.js';
import { createServeMetrics } from '../../src/serve/serve-metrics.js';
import { buildServeServer } from '../../src/serve/server.js';
import { createSqliteStateStore } from '../../src/state/index.js';
import type { StateStore } from '../../src/state/port.js';
import type { E2E } from '../e2e/support.js';
import { settledLinksTenant } from './support.js';

const redactor = new Redactor();
const HOUR = 3_600_000;

/** The tenant's state store, with an outage switch: while `down`, every read and write fails. */
function flakyStore(inner: StateStore): { store: StateStore; down: boolean } {
  const state = { down: false, store: inner };
  state.store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (state.down) return Promise.reject(new Error('connection terminated unexpectedly'));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return state;
}

describe('serve: an association change whose mark cannot be stored at first', () => {
  let e: E2E;
  const hsSecret = 'hubspot-app-client-secret';
  const hs = () => {
    const h = e.sb.hubspot;
    if (!h) throw new Error('no HubSpot fake');
    return h;
  };
  beforeAll(async () => {
    e = await settledLinksTenant();
  }, 120_000);
  afterAll(async () => {
    await e?.close();
  });

  it('a state-store blip while the delivery is taken in: answered 503, HubSpot retries, the edit reaches Propstreet', async () => {
    const env = { ...e.sb.env, PROPSYNC_ACME_HUBSPOT_HUBSPOT_WEBHOOK_SECRET: hsSecret };
    const raw = createSqliteStateStore({ path: join(e.dir, 'acme.db') });
    await raw.migrate();
    const db = flakyStore(raw);
    const storeFor = async () => db.store;
    const metrics = createServeMetrics();
    const intake = createIntake({
      ledger: createEventLedger({ storeFor, retentionMs: 72 * HOUR }),
      runs: { request: () => undefined }, // the runs are made by hand below
      metrics,
      logger: silentLogger,
      marker: createAssociationMarker({ storeFor, syncsLinks: async () => true, keepMs: 72 * HOUR }),
    });
    const takenIn: Promise<void>[] = [];
    const app = buildServeServer({
      endpoints: endpointTable(buildEndpoints([e.config], env, redactor)),
      metrics,
      clock: systemClock,
      logger: silentLogger,
      intake: {
        secure: intake.secure,
        admit: (d) => {
          const p = intake.admit(d);
          takenIn.push(p);
          return p;
        },
      },
      healthy: async () => true,
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      hs().webhooks.subscribe({
        url: `${url}/webhooks/acme/hubspot/hubspot`,
        secrets: [hsSecret],
        events: ['contact.associationChange', 'company.associationChange'],
        retryDelaysMs: [1_000, 2_000, 4_000, 8_000],
      });
      // A HubSpot user adds a contact to another company.
      const companies = hs().control.companies.dump();
      const contact = hs()
        .control.dump()
        .slice(1)
        .find((c) => c.properties.propstreet_id);
      const at = new Set(
        hs()
          .control.associatedCompanies(contact?.id ?? '')
          .map((a) => a.companyId),
      );
      const company = companies.find((k) => !at.has(k.id) && k.properties.propstreet_id);
      if (!contact || !company) throw new Error('nothing to associate');
      const ps = contact.properties.propstreet_id ?? '';
      const psCompany = company.properties.propstreet_id ?? '';

      db.down = true; // e.g. a PostgreSQL failover, or SQLite locked by a backup
      hs().control.associate(contact.id, company.id);
      await vi.waitFor(() => expect(hs().webhooks.attempts().length).toBeGreaterThan(0), {
        timeout: 30_000,
        interval: 20,
      });
      db.down = false; // the database is back before HubSpot's retry
      await hs().webhooks.idle();
      await Promise.all(takenIn);

      // The run the webhook asked for, and the scheduled runs after it.
      await e.run();
      await e.run();

      const attempts = hs()
        .webhooks.attempts()
        .map((a) => a.status);
      const propstreetCompanies = e.sb.propstreet.contact(ps)?.companies.map((k) => k.id) ?? [];
      expect({ attempts, carried: propstreetCompanies.includes(psCompany) }).toEqual({
        attempts: [503, 200],
        carried: true,
      });
    } finally {
      await app.close();
      await raw.close();
    }
  }, 120_000);
});
