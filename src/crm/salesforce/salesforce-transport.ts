/**
 * jsforce's HTTP transport, with two decisions taken back from it.
 *
 * Proxy: jsforce 3.10.16 reads `https_proxy ?? http_proxy ?? HTTPS_PROXY ?? HTTP_PROXY` once, when
 * `transport.js` is loaded (`setDefaults({ httpProxy })`), ignores NO_PROXY, and `request.js` merges
 * `{ ...defaults, ...options }` per request. So this transport passes an explicit `httpProxy` on every
 * request: none for loopback hosts or hosts NO_PROXY names, the environment's proxy otherwise.
 * Without this a proxy variable sends `http://127.0.0.1:…` calls to the proxy, where they fail and
 * jsforce retries GETs with backoff for about 15 s before giving up.
 *
 * Retries: jsforce retries GET/PUT/DELETE (never POST/PATCH) on 420/429/5xx and socket errors,
 * 5 times with real sleeps of 0.5–8 s. The adapter retries itself (core/retry.ts, with its clock,
 * per-call idempotency and the API budget counting each attempt), so jsforce's retry is switched off
 * (`retry.methods = []`) to avoid 6 × 6 attempts.
 *
 * Timeout: jsforce waits up to 30 minutes for response headers; a hung connection should fail as a
 * retryable TIMEOUT long before that.
 */
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce';
import type { Transport } from 'jsforce/lib/transport.js';
import type { StreamPromise } from 'jsforce/lib/util/promise.js';
import { requireOnDemand } from '../../core/require-on-demand.js';

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function matchesNoProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((raw) => {
      const entry = raw.toLowerCase();
      if (entry === '*') return true;
      const [name = '', entryPort] = entry.split(':');
      if (entryPort && entryPort !== port) return false;
      const bare = name.replace(/^\*?\./, '');
      return host === bare || host.endsWith(`.${bare}`);
    });
}

/** The proxy jsforce should use for `url`, or undefined for a direct connection. */
export function proxyFor(url: string, env: ProxyEnv = process.env): string | undefined {
  // The same precedence as jsforce's own lookup.
  const proxy = env.https_proxy ?? env.http_proxy ?? env.HTTPS_PROXY ?? env.HTTP_PROXY;
  if (!proxy) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return proxy;
  }
  if (isLoopbackHost(parsed.hostname) || matchesNoProxy(parsed, env.NO_PROXY ?? env.no_proxy))
    return undefined;
  return proxy;
}

type TransportModule = typeof import('jsforce/lib/transport.js');

let transportClass: (new (timeoutMs: number) => Transport) | undefined;

/**
 * A jsforce transport that times out after `timeoutMs` and retries nothing. The class is made
 * at the first Salesforce connection: it extends jsforce's, which loads only then.
 */
export function salesforceTransport(timeoutMs: number): Transport {
  transportClass ??= defineTransport(requireOnDemand('jsforce/lib/transport.js') as TransportModule);
  return new transportClass(timeoutMs);
}

function defineTransport({ Transport: Base }: TransportModule) {
  return class SalesforceTransport extends Base {
    constructor(private readonly timeoutMs: number) {
      super();
    }

    override httpRequest(req: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
      const merged: HttpRequestOptions = {
        ...options,
        timeout: options.timeout ?? this.timeoutMs,
        retry: { ...options.retry, methods: [] },
      };
      // The key must be present even when undefined: it overrides jsforce's import-time default.
      (merged as { httpProxy?: string | undefined }).httpProxy = proxyFor(req.url);
      return super.httpRequest(req, merged);
    }
  };
}
