/** `/metrics` (Prometheus text) and `/healthz` (200 while the queue is usable, else 503) over node:http. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE, type Registry } from './prometheus.js';

export interface MetricsServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  readonly port: number;
  /** Default all interfaces, so a Prometheus outside the pod/host can scrape. */
  readonly host?: string;
  readonly registry: Registry;
  /** True when the worker can take jobs (pg-boss started, database answering). */
  readonly healthy: () => Promise<boolean>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return reply(405, 'text/plain', 'method not allowed\n');
    if (path === '/metrics') {
      options.registry.render().then(
        (text) => reply(200, PROMETHEUS_CONTENT_TYPE, text),
        (error: unknown) => reply(500, 'text/plain', `metrics failed: ${(error as Error).message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      options.healthy().then(
        (ok) => reply(ok ? 200 : 503, 'text/plain', ok ? 'ok\n' : 'unavailable\n'),
        () => reply(503, 'text/plain', 'unavailable\n'),
      );
      return;
    }
    reply(404, 'text/plain', 'not found: try /metrics or /healthz\n');
  });
  // Scrapes are short; idle keep-alive sockets would otherwise hold close() up.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
