/**
 * A versioned V1 list (contacts, companies, links) as an async iterator of pages, following
 * `nextCursor` until `hasMore` is false. Each item is validated on its own, so one bad record
 * lands in `invalid` (with its id and JSON path) while the rest of the page flows on. A cursor
 * seen before in the same walk, or `hasMore: true` without a cursor, stops the walk with a
 * typed error instead of looping. The lists share one envelope and one query, so this is the
 * only paging code; a resource names its path, item schema and extra filters.
 */
import type { z } from 'zod';
import { PayloadError, PropsyncError } from '../core/errors.js';
import type { Transport } from './http.js';
import { firstIssue, idOf, parseJson } from './payload.js';
import type { InvalidItem, ListOptions } from './port.js';
import { pageEnvelopeSchema } from './schema.js';

export interface ListResource<T> {
  readonly path: string;
  /** One item, validated alone. */
  readonly schema: z.ZodType<T>;
  /** For messages: "contact", "company", "link". */
  readonly noun: string;
}

export interface ItemPage<T> {
  readonly items: readonly T[];
  readonly invalid: readonly InvalidItem[];
  readonly nextCursor: string | null;
}

export async function* listPages<T>(
  transport: Transport,
  resource: ListResource<T>,
  options: ListOptions,
  defaultPageSize: number,
  filters: Readonly<Record<string, string | undefined>> = {},
): AsyncGenerator<ItemPage<T>> {
  const what = `Propstreet ${resource.noun} list`;
  const seen = new Set<string>();
  let cursor = options.cursor;
  if (cursor) seen.add(cursor);
  for (;;) {
    const answer = await transport.send({
      method: 'GET',
      path: resource.path,
      query: {
        updated_since: options.updatedSince,
        include_deleted: options.includeDeleted === undefined ? undefined : String(options.includeDeleted),
        page_size: String(options.pageSize ?? defaultPageSize),
        cursor,
        ...filters,
      },
      idempotent: true,
      signal: options.signal,
    });
    const envelope = pageEnvelopeSchema.safeParse(parseJson(answer));
    if (!envelope.success) {
      const { path, message } = firstIssue(envelope.error);
      throw new PayloadError(
        `${what} has an invalid envelope at ${path}: ${message}`,
        path,
        undefined,
        answer.request,
      );
    }
    const items: T[] = [];
    const invalid: InvalidItem[] = [];
    envelope.data.data.forEach((raw, i) => {
      const item = resource.schema.safeParse(raw);
      if (item.success) items.push(item.data);
      else {
        const { path, message } = firstIssue(item.error, `data[${i}]`);
        invalid.push({ id: idOf(raw), jsonPath: path, message });
      }
    });
    const { hasMore, nextCursor } = envelope.data.page;
    if (hasMore && !nextCursor)
      throw new PayloadError(
        `${what} says hasMore but gives no nextCursor`,
        'page.nextCursor',
        undefined,
        answer.request,
      );
    if (hasMore && nextCursor && seen.has(nextCursor))
      throw new PropsyncError(
        'CURSOR_LOOP',
        `${what} returned a cursor it had already returned (after ${seen.size} pages)`,
        { request: answer.request },
      );
    yield { items, invalid, nextCursor: hasMore ? nextCursor : null };
    if (!hasMore || !nextCursor) return;
    seen.add(nextCursor);
    cursor = nextCursor;
  }
}
