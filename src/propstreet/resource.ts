/**
 * What every Propstreet resource's calls share: path segments, 404 as null, If-Match headers,
 * the upsert action header, and refusing body members the request model lacks.
 */
import { NotFoundError, PayloadError, PropsyncError } from '../core/errors.js';
import type { Answer } from './http.js';
import type { UpsertAction } from './port.js';
import { headerOf } from './rate-limiter.js';
import { membersOutside } from './write-models.js';

export const seg = (s: string): string => encodeURIComponent(s);

/** 404 as null, for the lookups whose port contract says so. */
export async function orNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

export const ifMatchHeaders = (ifMatch: string | undefined): { headers?: Record<string, string> } =>
  ifMatch !== undefined ? { headers: { 'if-match': ifMatch } } : {};

const UPSERT_ACTIONS = new Set<UpsertAction>(['created', 'updated', 'revived']);

/** `X-Propstreet-Upsert-Action`, or what the status implies when the header is missing. */
export function upsertActionOf(answer: Answer, recordId: string): UpsertAction {
  const header = headerOf(answer.headers, 'x-propstreet-upsert-action')?.toLowerCase();
  if (header !== undefined && !UPSERT_ACTIONS.has(header as UpsertAction))
    throw new PayloadError(
      `Propstreet upsert answered an unknown X-Propstreet-Upsert-Action: ${header}`,
      'headers.X-Propstreet-Upsert-Action',
      recordId,
      answer.request,
    );
  return (header as UpsertAction | undefined) ?? (answer.status === 201 ? 'created' : 'updated');
}

/**
 * The server drops members a request model lacks and answers 2xx: sending one is a bug in the
 * caller, stopped here before it can pass for a write.
 */
export function onlyMembers<W extends object>(body: W, members: ReadonlySet<keyof W>, request: string): void {
  const outside = membersOutside(body, members);
  if (outside.length > 0)
    throw new PropsyncError(
      'INTERNAL',
      `${request} does not take ${outside.map(String).join(', ')}: the server would ignore it`,
    );
}
