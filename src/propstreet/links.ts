/**
 * The link calls of the client: `/api/v1/network/links`, who works where. A PATCH always
 * carries If-Match (the reference requires it), so it is safe to repeat; a POST is not, since
 * a lost answer followed by a repeat would meet its own link (409).
 */
import type { Transport } from './http.js';
import { type Link, linkSchema } from './link-schema.js';
import { listPages } from './list-pages.js';
import { linkFrom } from './payload.js';
import type { PropstreetLinksApi } from './port.js';
import { ifMatchHeaders, seg } from './resource.js';

export const LINKS_PATH = '/api/v1/network/links';

const LINKS = { path: LINKS_PATH, schema: linkSchema, noun: 'link' };

export function linkCalls(transport: Transport, pageSize: number): PropstreetLinksApi {
  return {
    async *listLinks(options = {}) {
      const filters = { contact_id: options.contactId, company_id: options.companyId };
      for await (const { items, invalid, nextCursor } of listPages<Link>(
        transport,
        LINKS,
        options,
        pageSize,
        filters,
      ))
        yield { links: items, invalid, nextCursor };
    },

    createLink: async (body) =>
      linkFrom(await transport.send({ method: 'POST', path: LINKS_PATH, body, idempotent: false })),

    patchLink: async (id, patch, { ifMatch }) =>
      linkFrom(
        await transport.send({
          method: 'PATCH',
          path: `${LINKS_PATH}/${seg(id)}`,
          body: patch,
          headers: { 'if-match': ifMatch },
          idempotent: true,
        }),
      ),

    deleteLink: async (id, deleteOptions = {}) => {
      await transport.send({
        method: 'DELETE',
        path: `${LINKS_PATH}/${seg(id)}`,
        ...ifMatchHeaders(deleteOptions.ifMatch),
        idempotent: true,
      });
    },
  };
}
