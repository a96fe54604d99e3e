/**
 * What a run of one kind takes: the kind, its ports (src/engine/ports.ts), the accounts behind
 * them (identity, calls made), the state store, the mapping, a clock and a logger. A kind binds
 * its ports over the API clients (src/kinds/<kind>/ports.ts).
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Redactor } from '../core/redact.js';
import type { CrmAdapter } from '../crm/port.js';
import type { CrmObjects, PropstreetRecords } from '../engine/ports.js';
import type { RecordMapper } from '../engine/record-mapper.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { PropstreetApi } from '../propstreet/port.js';
import type { StateStore } from '../state/port.js';
import type { RunKind } from './kind-writes.js';

/** The Propstreet organisation behind the records port: who it is, and the calls made. */
export type PropstreetAccount = Pick<PropstreetApi, 'identity' | 'usage'>;
/** The CRM account behind the objects port: its kind, who it is, its key field, the calls made. */
export type CrmAccount = Pick<CrmAdapter, 'kind' | 'identity' | 'inspectKeyField' | 'usage'>;

export interface RunDeps<R extends PropstreetRecord, W> {
  readonly kind: RunKind<R, W>;
  readonly propstreet: PropstreetRecords<R, W>;
  readonly propstreetAccount: PropstreetAccount;
  readonly crm: CrmObjects;
  readonly crmAccount: CrmAccount;
  readonly store: StateStore;
  readonly mapper: RecordMapper<R, W>;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * The entry point's redactor (the one the clients registered their tokens with): scrubs the
   * result and the failures stored in the state.
   */
  readonly redactor: Redactor;
  /** Connections the tenant has: with more than one, changeOrigin cannot mark echoes. */
  readonly connectionsInTenant: number;
  /** The tenant's other connections (a bridge): whose writes to Propstreet carry their CRM's edits. */
  readonly siblingConnections?: readonly string[] | undefined;
}
