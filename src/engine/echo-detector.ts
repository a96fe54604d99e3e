/**
 * Knows our own Propstreet writes when they come back in a delta: by the etag our write
 * returned (exact, per connection), or by a `changeOrigin` the tenant lists as its own.
 * changeOrigin is the same for every connection of a tenant, so with several connections
 * (a bridge) it would hide one CRM's changes from the other: it is used only with one.
 * A record whose pair failed its last sync is never an echo (bug 40): the version we wrote may
 * hold a person's edits its failed CRM write never carried, and only its real values bring them.
 */
import type { Scope, StateStore } from '../state/port.js';
import type { PropstreetRecord } from './records.js';

export function createEchoDetector(
  store: StateStore,
  scope: Scope,
  options: {
    ownChangeOrigins: readonly string[];
    connectionsInTenant: number;
    /** Whether the record's pair has a failure on record (the run's known failures). */
    failed?: (propstreetId: string) => boolean;
  },
): (chunk: readonly PropstreetRecord[]) => Promise<Set<string>> {
  const origins = options.connectionsInTenant === 1 ? new Set(options.ownChangeOrigins) : new Set<string>();
  const failed = options.failed ?? (() => false);
  return async (chunk) => {
    const out = new Set<string>();
    const withEtag: { propstreetId: string; etag: string }[] = [];
    for (const c of chunk) {
      if (failed(c.id)) continue;
      if (c.changeOrigin && origins.has(c.changeOrigin)) out.add(c.id);
      else if (c.etag) withEtag.push({ propstreetId: c.id, etag: c.etag });
    }
    if (withEtag.length > 0) for (const id of await store.ownEtags(scope, withEtag)) out.add(id);
    return out;
  };
}
