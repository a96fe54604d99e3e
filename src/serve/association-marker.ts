/**
 * Marks, in a connection's links scope, the CRM contacts a webhook said had a contact–company
 * association change (src/links/association-marks.ts), so that the run the webhook asks for
 * reads their employments although no delta shows the change. One key per event and contact,
 * the same on a retried delivery.
 *
 * Every connection's are marked, whether it syncs `links` or not: `serve` read the tenant files
 * at start, but each run reads its file as it is now, so `links` turned on while `serve` runs
 * gets links phases whose association edits were never marked (before 12-04: acknowledged,
 * recorded as seen, and lost to every run but a full association scan). The marks of a
 * connection that does not sync links, in its tenant file as it is now, are dropped once older
 * than `keepMs`, so they cannot pile up while nothing reads them.
 */
import { associationMarkKey, associationMarks } from '../links/association-marks.js';
import type { ConnectionScope, Scope, StateStore } from '../state/port.js';
import type { AssociationTouch } from './event-keys.js';

export interface AssociationMarker {
  mark(scope: ConnectionScope, touches: readonly AssociationTouch[], now: Date): Promise<void>;
  /**
   * Drops the marks older than `keepMs` of a connection that does not sync links (any more):
   * nothing would read them. Returns how many went.
   */
  prune(scope: ConnectionScope, now: Date): Promise<number>;
}

export function createAssociationMarker(deps: {
  readonly storeFor: (scope: ConnectionScope) => Promise<StateStore>;
  /**
   * Whether the connection syncs links (`objects: [companies, contacts, links]`) in its tenant
   * file as it is now; undefined when that cannot be told (nothing is dropped then).
   */
  readonly syncsLinks: (scope: ConnectionScope) => Promise<boolean | undefined>;
  /** How long a mark nothing reads is kept: links turned on within it still gets it. */
  readonly keepMs: number;
}): AssociationMarker {
  return {
    async mark(scope, touches, now) {
      if (touches.length === 0) return;
      const store = await deps.storeFor(scope);
      const links = linksScope(scope);
      // One commit for the delivery (up to 100 events): it is written before the answer.
      const value = now.toISOString();
      const keys = new Set(touches.map((t) => associationMarkKey(t.crmContactId, t.key)));
      await store.commit(links, { upsertMeta: [...keys].map((key) => ({ key, value })) });
    },
    async prune(scope, now) {
      if ((await deps.syncsLinks(scope)) !== false) return 0;
      const store = await deps.storeFor(scope);
      const links = linksScope(scope);
      const cutoff = now.getTime() - deps.keepMs;
      // An unreadable time is no reason to keep a mark nothing reads.
      const keys = associationMarks(await store.listMeta(links))
        .filter((m) => !(Date.parse(m.at) > cutoff))
        .map((m) => m.key);
      if (keys.length > 0) await store.commit(links, { deleteMeta: keys });
      return keys.length;
    },
  };
}

/** The connection's links scope, where the links phase keeps its state and reads the marks. */
function linksScope(scope: ConnectionScope): Scope {
  return { tenant: scope.tenant, connection: scope.connection, kind: 'links' };
}
