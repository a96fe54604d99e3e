/**
 * The HTTP side of `serve` (fastify): per-connection webhook endpoints, `/healthz`, `/metrics`.
 * A delivery is read raw (signatures cover the exact bytes), checked against the body limit
 * before it is read, verified, and secured (what no later run could read back: association
 * marks, intake.ts) within SECURE_WITHIN_MS, then acknowledged; what follows (dedup, asking for
 * a run) happens after the answer is sent, so the vendors' deadlines (Propstreet 10 s, HubSpot
 * 5 s) never depend on a run.
 *
 * Answers: 200 accepted (new or duplicate), 400 malformed headers, 401 bad or out-of-window
 * signature, 404 no such endpoint, 413 too large, 503 not secured (the state store failed or was
 * slow: the vendor retries). Never 410: Propstreet disables a subscription at once on a 410.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { PROMETHEUS_CONTENT_TYPE } from '../worker/prometheus.js';
import type { Endpoint, EndpointTable } from './endpoints.js';
import { hubspotEvents, propstreetEvents } from './event-keys.js';
import {
  type AppDelivery,
  HUBSPOT_APP_PATH,
  type HubspotAppEndpoint,
  type RoutedAppDelivery,
} from './hubspot-app.js';
import type { AcceptedDelivery, Intake } from './intake.js';
import type { ServeMetrics } from './serve-metrics.js';
import type { RejectReason } from './verification.js';

/** 1 MiB: a HubSpot batch of 100 events is ~30 KB; a Propstreet event is one record. */
const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** Securing a delivery answers 503 past this: HubSpot counts an answer after 5 s as a failure. */
const SECURE_WITHIN_MS = 3_000;

export interface ServeServerOptions {
  readonly endpoints: EndpointTable;
  readonly metrics: ServeMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What each authentic delivery goes through: `secure` within SECURE_WITHIN_MS, or 503. */
  readonly intake: Intake<AcceptedDelivery>;
  /** True while the process can take work (its queue or stores answer). */
  readonly healthy: () => Promise<boolean>;
  /**
   * The base URL the vendors call (`https://sync.example.com`), for HubSpot's signed URI.
   * Without it, the request's Host header and plain http are assumed (only right without a
   * TLS-terminating proxy in front).
   */
  readonly publicUrl?: string | undefined;
  readonly bodyLimit?: number;
  /** `POST /webhooks/hubspot`: one public app for every tenant, routed by portalId (hubspot-app.ts). */
  readonly hubspotApp?: {
    readonly endpoint: HubspotAppEndpoint;
    readonly intake: Intake<AppDelivery, RoutedAppDelivery>;
  };
  /** How long securing a delivery may take before it is answered 503 (SECURE_WITHIN_MS). */
  readonly secureWithinMs?: number;
}

const STATUS: Readonly<Record<RejectReason, number>> = {
  'missing-headers': 400,
  'bad-timestamp': 400,
  stale: 401,
  future: 401,
  'bad-signature': 401,
  oversized: 413,
  'unknown-endpoint': 404,
};

export function buildServeServer(options: ServeServerOptions): FastifyInstance {
  const log = options.logger;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const publicUrl = options.publicUrl?.replace(/\/+$/, '');
  const app = Fastify({ bodyLimit, logger: false, return503OnClosing: true, forceCloseConnections: true });

  // Every body stays the bytes that were signed, whatever its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const sourceOf = (request: FastifyRequest) => {
    const last = request.url.split('?')[0]?.split('/').at(-1) ?? '';
    return last === 'propstreet' || last === 'hubspot' ? last : 'unknown';
  };
  const refuse = (reply: FastifyReply, source: string, reason: RejectReason) => {
    options.metrics.rejected(source, reason);
    return reply.code(STATUS[reason]).type('application/json').send({ error: reason });
  };
  const secureWithin = options.secureWithinMs ?? SECURE_WITHIN_MS;
  /**
   * Secures the delivery, answers, and hands it on; 503 when it could not be secured in time (a
   * late success only means the retry marks the same keys again).
   */
  const answer = async <D, R>(
    reply: FastifyReply,
    what: { source: string; tenant?: string },
    steps: Intake<D, R>,
    delivery: D,
    received: unknown,
  ) => {
    let timer: NodeJS.Timeout | undefined;
    let secured: R;
    try {
      secured = await Promise.race([
        steps.secure(delivery),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`not secured within ${secureWithin} ms`)), secureWithin);
        }),
      ]);
    } catch (error) {
      log.error({ ...what, err: (error as Error).message }, 'webhook not secured: answered 503 for a retry');
      options.metrics.unsecured(what.source);
      return reply.code(503).type('application/json').send({ error: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
    void reply.code(200).type('application/json').send({ received });
    // Acknowledged first; the rest must not hold the answer up.
    setImmediate(() => void steps.admit(secured));
    return reply;
  };

  app.setErrorHandler((error: { code?: string; statusCode?: number; message: string }, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return refuse(reply, sourceOf(request), 'oversized');
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) log.error({ err: error.message, url: request.url }, 'webhook request failed');
    return reply
      .code(status === 410 ? 400 : status)
      .send({ error: status === 500 ? 'internal' : error.message });
  });

  const receive = (endpoint: Endpoint | undefined, request: FastifyRequest, reply: FastifyReply) => {
    if (!endpoint) return refuse(reply, sourceOf(request), 'unknown-endpoint');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const now = options.clock.now();
    const base = publicUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`;
    const verdict = endpoint.verify(
      { method: request.method, uri: `${base}${request.url}`, headers: request.headers, body },
      now,
    );
    if (!verdict.ok) {
      log.warn(
        { tenant: endpoint.tenant, source: endpoint.source, reason: verdict.reason, path: endpoint.path },
        'webhook rejected',
      );
      return refuse(reply, endpoint.source, verdict.reason);
    }
    const events =
      endpoint.source === 'propstreet'
        ? propstreetEvents(request.headers, body, verdict.sentAt)
        : hubspotEvents(body, verdict.sentAt);
    return answer(
      reply,
      { source: endpoint.source, tenant: endpoint.tenant },
      options.intake,
      { endpoint, events, receivedAt: now },
      events.keys.length,
    );
  };

  const hubspotApp = options.hubspotApp;
  app.post(HUBSPOT_APP_PATH, (request, reply) => {
    if (!hubspotApp) return refuse(reply, 'hubspot', 'unknown-endpoint');
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const now = options.clock.now();
    const base = publicUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`;
    const verdict = hubspotApp.endpoint.verify(
      { method: request.method, uri: `${base}${request.url}`, headers: request.headers, body },
      now,
    );
    if (!verdict.ok) {
      log.warn({ source: 'hubspot', reason: verdict.reason, path: HUBSPOT_APP_PATH }, 'webhook rejected');
      return refuse(reply, 'hubspot', verdict.reason);
    }
    return answer(
      reply,
      { source: 'hubspot' },
      hubspotApp.intake,
      { body, sentAt: verdict.sentAt, receivedAt: now },
      true,
    );
  });
  app.post('/webhooks/:tenant/:source', (request, reply) =>
    receive(options.endpoints.get(request.url.split('?')[0] ?? ''), request, reply),
  );
  app.post('/webhooks/:tenant/:connection/:source', (request, reply) =>
    receive(options.endpoints.get(request.url.split('?')[0] ?? ''), request, reply),
  );
  app.get('/healthz', async (_request, reply) => {
    const ok = await options.healthy().catch(() => false);
    return reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .type('text/plain')
      .send(ok ? 'ok\n' : 'unavailable\n');
  });
  app.get('/metrics', async (_request, reply) =>
    reply
      .header('cache-control', 'no-store')
      .type(PROMETHEUS_CONTENT_TYPE)
      .send(await options.metrics.registry.render()),
  );
  app.setNotFoundHandler((request, reply) =>
    request.url.startsWith('/webhooks/')
      ? refuse(reply, sourceOf(request), 'unknown-endpoint')
      : reply.code(404).type('text/plain').send('not found: try /webhooks/…, /healthz or /metrics\n'),
  );
  return app;
}
