/** Small pieces every resource handler uses: path segments, headers, record and failure answers. */
import type { FakeRequest, FakeResponse } from '../shared/http-fake.js';
import { problem, validationProblem } from './problem.js';
import type { Failure, FakeVersioned } from './versioned-store.js';

/** The decoded path segments below `base` (`/external/hubspot/12` → ['external', 'hubspot', '12']). */
export function segmentsBelow(req: FakeRequest, base: string): string[] {
  return req.path
    .slice(base.length)
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
}

export function header(req: FakeRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** A record with its ETag header. */
export function recordAnswer<T extends FakeVersioned>(
  status: number,
  r: T,
  view: (r: T) => unknown,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers: { ETag: r.etag, ...headers }, body: view(r) };
}

export function failed(req: FakeRequest, o: Failure): FakeResponse {
  return problem(o.status, o.detail, req.path, o.type ? { type: o.type } : {});
}

/** The JSON body of a write, or the 400 for one that is not JSON. */
export function jsonBody(req: FakeRequest): { body: unknown } | FakeResponse {
  if (req.bodyError !== undefined)
    return validationProblem(req.path, { $: [`The request body is not valid JSON: ${req.bodyError}`] });
  return { body: req.body ?? {} };
}

export const isAnswer = (x: object): x is FakeResponse => typeof (x as FakeResponse).status === 'number';

export const notAllowed = (req: FakeRequest): FakeResponse =>
  problem(405, `${req.method} is not allowed on ${req.path}.`, req.path);
