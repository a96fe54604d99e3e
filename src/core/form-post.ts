/**
 * One form-encoded POST that answers JSON: the OAuth token requests (Propstreet's client
 * credentials, HubSpot's refresh grant) are made with undici rather than an SDK. Answers
 * whatever status came; the body parsed when it is JSON (a proxy's HTML page is not).
 * Network failures and timeouts are thrown as undici throws them: each caller names its API in the error it makes of them.
 */
import { request } from 'undici';

export interface FormAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** The parsed JSON; undefined when the body was empty or not JSON. */
  readonly body: unknown;
}

/**
 * @param timeouts `eachMs`: for the headers, then again for the body (undici's own);
 *   `totalMs`: for the whole exchange (an abort signal)
 */
export async function postForm(
  url: string,
  form: URLSearchParams,
  timeouts: { readonly eachMs?: number; readonly totalMs?: number },
): Promise<FormAnswer> {
  const res = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
    ...(timeouts.eachMs === undefined
      ? {}
      : { headersTimeout: timeouts.eachMs, bodyTimeout: timeouts.eachMs }),
    ...(timeouts.totalMs === undefined ? {} : { signal: AbortSignal.timeout(timeouts.totalMs) }),
  });
  const text = await res.body.text();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the status alone decides.
  }
  return { status: res.statusCode, headers, body };
}

/** Whether undici gave up waiting (the signal's timeout, or its own headers/body timeouts). */
export function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    ['TimeoutError', 'AbortError', 'HeadersTimeoutError', 'BodyTimeoutError'].includes(error.name)
  );
}
