/**
 * Everything a run of one kind takes from the clients: the kind, its Propstreet records port
 * (src/kinds/<kind>/), the account behind it, and the CRM adapter opened for the kind's object,
 * both as the kind's objects port and as the account.
 */
import type { CrmAdapter } from '../crm/port.js';
import type { PropstreetRecords } from '../engine/ports.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { PropstreetAccount } from '../run/run-deps.js';
import { crmObjects } from './crm-objects.js';
import type { KindSpec } from './kind-spec.js';

export function runPorts<R extends PropstreetRecord, W>(
  kind: KindSpec<R, W>,
  propstreet: PropstreetRecords<R, W>,
  propstreetAccount: PropstreetAccount,
  crm: CrmAdapter,
) {
  return { kind, propstreet, propstreetAccount, crm: crmObjects(crm), crmAccount: crm };
}
