/**
 * A small HTTP server base for the fakes: JSON in and out, a request log, fault injection,
 * and a stable listen/close life cycle on 127.0.0.1. Each fake supplies one handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector } from './faults.js';

export interface FakeRequest {
  readonly method: string;
  /** Path without the query string, percent-decoding left to the handler. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  /** Parsed JSON body, or undefined when empty. */
  readonly body: unknown;
  readonly rawBody: string;
  /** Set when the body was not valid JSON. */
  readonly bodyError?: string;
}

export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless `raw` is given. */
  readonly body?: unknown;
  readonly raw?: string;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly at: number;
  /** The bearer token's last 4 characters, to tell tenants apart without keeping secrets. */
  readonly tokenHint: string | undefined;
  /** Inputs in a batch call, or 1. */
  readonly records: number;
  readonly fault?: string;
  /** Whether the call changes data (HubSpot's POST /search and /batch/read do not). */
  readonly write: boolean;
}

export type FakeHandler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface HttpFake {
  readonly url: string;
  readonly port: number;
  readonly faults: FaultInjector;
  readonly requests: RequestLogEntry[];
  /** Requests whose method writes (POST/PATCH/PUT/DELETE), optionally only under a path prefix. */
  writeCount(pathIncludes?: string): number;
  close(): Promise<void>;
}

export interface HttpFakeOptions {
  readonly handler: FakeHandler;
  /** Counts the records in a request for the log (batch inputs); default 1. */
  readonly countRecords?: (req: FakeRequest) => number;
  readonly port?: number;
  readonly seed?: number;
  /** Content type of JSON answers; HubSpot and Salesforce use application/json. */
  readonly contentType?: (res: FakeResponse) => string;
  /** Whether a request writes; default: POST, PATCH, PUT and DELETE do. */
  readonly isWrite?: (req: FakeRequest) => boolean;
}

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHttpFake(options: HttpFakeOptions): Promise<HttpFake> {
  const faults = new FaultInjector(options.seed ?? 1);
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const hung = new Set<ServerResponse>();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const rawBody = await readBody(req);
    let body: unknown;
    let bodyError: string | undefined;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch (e) {
        bodyError = (e as Error).message;
      }
    }
    const fakeReq: FakeRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      rawBody,
      ...(bodyError ? { bodyError } : {}),
    };
    const auth = req.headers.authorization;
    const tokenHint = auth ? auth.slice(-4) : undefined;
    let records = 1;
    try {
      records = options.countRecords?.(fakeReq) ?? 1;
    } catch {
      records = 1;
    }
    const log = (status: number, fault?: string) =>
      requests.push({
        method,
        path: url.pathname,
        query: url.search,
        status,
        at: Date.now(),
        tokenHint,
        records,
        write: options.isWrite ? options.isWrite(fakeReq) : WRITE_METHODS.has(method),
        ...(fault ? { fault } : {}),
      });

    const base = faults.latencyMs();
    if (base > 0) await new Promise((r) => setTimeout(r, base));
    let dropAfter = false;
    for (const fault of faults.pick(method, url.pathname)) {
      switch (fault.kind) {
        case 'latency':
          await new Promise((r) => setTimeout(r, fault.latencyMs ?? 0));
          break;
        case 'hold':
          await fault.hold?.(url.searchParams);
          break;
        case 'timeout':
          log(0, 'timeout');
          hung.add(res);
          return;
        case 'drop':
          log(0, 'drop');
          req.socket.destroy();
          return;
        case 'drop-after':
          dropAfter = true;
          break;
        case 'malformed':
          log(200, 'malformed');
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"data": [ this is not json');
          return;
        case 'status': {
          const status = fault.status ?? 500;
          log(status, `status ${status}`);
          res.writeHead(status, { 'content-type': 'application/json', ...(fault.headers ?? {}) });
          res.end(fault.body === undefined ? '' : JSON.stringify(fault.body));
          return;
        }
      }
    }

    let out: FakeResponse;
    try {
      out = await options.handler(fakeReq);
    } catch (e) {
      out = { status: 500, body: { message: `fake crashed: ${(e as Error).message}` } };
    }
    if (dropAfter) {
      log(0, 'drop-after');
      req.socket.destroy();
      return;
    }
    log(out.status);
    const headers: Record<string, string> = { ...(out.headers ?? {}) };
    if (out.raw !== undefined) {
      res.writeHead(out.status, headers);
      res.end(out.raw);
      return;
    }
    if (out.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = options.contentType?.(out) ?? 'application/json';
    }
    res.writeHead(out.status, headers);
    res.end(out.body === undefined ? undefined : JSON.stringify(out.body));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    requests,
    writeCount(pathIncludes) {
      return requests.filter(
        (r) => WRITE_METHODS.has(r.method) && (!pathIncludes || r.path.includes(pathIncludes)),
      ).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hung) r.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
