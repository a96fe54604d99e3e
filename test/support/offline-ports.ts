/** Ports for tests where no API call may happen: any call throws, naming what was expected. */
import type { CrmObjects } from '../../src/engine/ports.js';

export const noCalls = (): never => {
  throw new Error('no API call expected');
};

/** A CRM object port with HubSpot's key and limits whose every call throws. */
export const offlineCrm: CrmObjects = {
  keyProperty: 'propstreet_id',
  limits: { writeBatchSize: 100, readPageSize: 100, maxConcurrency: 1 },
  deletionsVisibleForMs: 0,
  readChanges: noCalls,
  readByIds: noCalls,
  readByKeys: noCalls,
  findByMatch: noCalls,
  upsertByKey: noCalls,
  update: noCalls,
  delete: noCalls,
};
