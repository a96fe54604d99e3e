/**
 * Marks, in a connection's links scope, the CRM contacts a webhook said had a contact–company
 * association change (src/links/association-marks.ts), so that the run the webhook asks for
 * reads their employments although no delta shows the change. Only for connections that sync
 * `links`: elsewhere nothing would ever read the marks.
 */
import { associationMarkKey } from '../links/association-marks.js';
import type { ConnectionScope, StateStore } from '../state/port.js';

export interface AssociationMarker {
  mark(scope: ConnectionScope, crmContactIds: readonly string[], now: Date): Promise<void>;
}

export function createAssociationMarker(deps: {
  readonly storeFor: (scope: ConnectionScope) => Promise<StateStore>;
  /** Whether the connection syncs links (`objects: [companies, contacts, links]`). */
  readonly syncsLinks: (scope: ConnectionScope) => boolean;
}): AssociationMarker {
  return {
    async mark(scope, crmContactIds, now) {
      if (crmContactIds.length === 0 || !deps.syncsLinks(scope)) return;
      const store = await deps.storeFor(scope);
      const links = { tenant: scope.tenant, connection: scope.connection, kind: 'links' };
      for (const id of new Set(crmContactIds))
        await store.setMeta(links, associationMarkKey(id), now.toISOString());
    },
  };
}
