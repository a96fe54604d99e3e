/**
 * Marks, in a connection's links scope, the CRM contacts a webhook said had a contact–company
 * association change (src/links/association-marks.ts), so that the run the webhook asks for
 * reads their employments although no delta shows the change. One key per event and contact,
 * the same on a retried delivery. Only for connections that sync `links`: elsewhere nothing
 * would ever read the marks.
 */
import { associationMarkKey, associationMarks } from '../links/association-marks.js';
import type { ConnectionScope, Scope, StateStore } from '../state/port.js';
import type { AssociationTouch } from './event-keys.js';

export interface AssociationMarker {
  mark(scope: ConnectionScope, touches: readonly AssociationTouch[], now: Date): Promise<void>;
  /**
   * Drops the marks of a connection that does not sync links (any more): nothing would read
   * them. Returns how many went.
   */
  prune(scope: ConnectionScope): Promise<number>;
}

export function createAssociationMarker(deps: {
  readonly storeFor: (scope: ConnectionScope) => Promise<StateStore>;
  /** Whether the connection syncs links (`objects: [companies, contacts, links]`). */
  readonly syncsLinks: (scope: ConnectionScope) => boolean;
}): AssociationMarker {
  return {
    async mark(scope, touches, now) {
      if (touches.length === 0 || !deps.syncsLinks(scope)) return;
      const store = await deps.storeFor(scope);
      const links = linksScope(scope);
      const keys = new Set(touches.map((t) => associationMarkKey(t.crmContactId, t.key)));
      for (const key of keys) await store.setMeta(links, key, now.toISOString());
    },
    async prune(scope) {
      if (deps.syncsLinks(scope)) return 0;
      const store = await deps.storeFor(scope);
      const links = linksScope(scope);
      const keys = associationMarks(await store.listMeta(links)).map((m) => m.key);
      if (keys.length > 0) await store.commit(links, { deleteMeta: keys });
      return keys.length;
    },
  };
}

/** The connection's links scope, where the links phase keeps its state and reads the marks. */
function linksScope(scope: ConnectionScope): Scope {
  return { tenant: scope.tenant, connection: scope.connection, kind: 'links' };
}
