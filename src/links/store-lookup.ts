/**
 * An IdLookup over a kind's stored links (the contacts' or companies' scope of a connection):
 * the pairs that kind's run made, read by id in pages, never the whole table at once.
 */
import type { Link, Scope, StateStore } from '../state/port.js';
import type { IdLookup } from './ports.js';

const PAGE = 500;

export function storeLookup(store: StateStore, scope: Scope): IdLookup {
  return {
    async crmIds(ids) {
      const out = new Map<string, string>();
      for (let i = 0; i < ids.length; i += PAGE)
        for (const l of await store.linksByPropstreetIds(scope, ids.slice(i, i + PAGE)))
          out.set(l.propstreetId, l.crmId);
      return out;
    },
    async propstreetIds(ids) {
      const out = new Map<string, string>();
      for (let i = 0; i < ids.length; i += PAGE)
        for (const l of await store.linksByCrmIds(scope, ids.slice(i, i + PAGE)))
          out.set(l.crmId, l.propstreetId);
      return out;
    },
  };
}

/** Every link row of a scope, a page at a time in Propstreet-id order. */
export async function* linkPages(store: StateStore, scope: Scope): AsyncIterable<readonly Link[]> {
  let after: string | undefined;
  for (;;) {
    const page = await store.listLinks(scope, { ...(after === undefined ? {} : { after }), limit: PAGE });
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]?.propstreetId;
  }
}

/** Every Propstreet id the kind has linked, page by page (the links phase's full scan). */
export async function* allLinked(store: StateStore, scope: Scope): AsyncIterable<readonly string[]> {
  for await (const page of linkPages(store, scope)) yield page.map((l) => l.propstreetId);
}
