/**
 * The contact list as an async iterator of pages, following `nextCursor` until `hasMore` is
 * false. Each item is validated on its own, so one bad record lands in `page.invalid` (with its
 * id and JSON path) while the rest of the page flows on. A cursor seen before in the same walk,
 * or `hasMore: true` without a cursor, stops the walk with a typed error instead of looping.
 */
import { PayloadError, PropsyncError } from '../core/errors.js';
import type { Transport } from './http.js';
import { firstIssue, idOf, parseJson } from './payload.js';
import type { ContactPage, InvalidContact, ListContactsOptions } from './port.js';
import { type Contact, contactListSchema, contactSchema } from './schema.js';

export const CONTACTS_PATH = '/api/v1/network/contacts';

export async function* listContacts(
  transport: Transport,
  options: ListContactsOptions,
  defaultPageSize: number,
): AsyncGenerator<ContactPage> {
  const seen = new Set<string>();
  let cursor = options.cursor;
  if (cursor) seen.add(cursor);
  for (;;) {
    const answer = await transport.send({
      method: 'GET',
      path: CONTACTS_PATH,
      query: {
        updated_since: options.updatedSince,
        include_deleted: options.includeDeleted === undefined ? undefined : String(options.includeDeleted),
        page_size: String(options.pageSize ?? defaultPageSize),
        cursor,
      },
      idempotent: true,
      signal: options.signal,
    });
    const envelope = contactListSchema.safeParse(parseJson(answer));
    if (!envelope.success) {
      const { path, message } = firstIssue(envelope.error);
      throw new PayloadError(
        `Propstreet contact list has an invalid envelope at ${path}: ${message}`,
        path,
        undefined,
        answer.request,
      );
    }
    const contacts: Contact[] = [];
    const invalid: InvalidContact[] = [];
    envelope.data.data.forEach((raw, i) => {
      const item = contactSchema.safeParse(raw);
      if (item.success) contacts.push(item.data);
      else invalid.push({ id: idOf(raw), ...pathAndMessage(item.error, i) });
    });
    const { hasMore, nextCursor } = envelope.data.page;
    if (hasMore && !nextCursor)
      throw new PayloadError(
        'Propstreet contact list says hasMore but gives no nextCursor',
        'page.nextCursor',
        undefined,
        answer.request,
      );
    if (hasMore && nextCursor && seen.has(nextCursor))
      throw new PropsyncError(
        'CURSOR_LOOP',
        `Propstreet contact list returned a cursor it had already returned (after ${seen.size} pages)`,
        {
          request: answer.request,
        },
      );
    yield { contacts, invalid, nextCursor: hasMore ? nextCursor : null };
    if (!hasMore || !nextCursor) return;
    seen.add(nextCursor);
    cursor = nextCursor;
  }
}

function pathAndMessage(
  error: Parameters<typeof firstIssue>[0],
  index: number,
): { jsonPath: string; message: string } {
  const { path, message } = firstIssue(error, `data[${index}]`);
  return { jsonPath: path, message };
}
