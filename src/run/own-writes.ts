/**
 * The run's ports, passing every write's answer to the quiet window (quiet-window.ts), which
 * keeps the newest own write per side. Reads pass through untouched; so do errors.
 */
import type { CrmObjects, PropstreetRecords } from '../engine/ports.js';
import type { PropstreetRecord } from '../engine/records.js';
import type { QuietWindow } from './quiet-window.js';

export function recordingPropstreet<R extends PropstreetRecord, W>(
  port: PropstreetRecords<R, W>,
  window: QuietWindow,
): PropstreetRecords<R, W> {
  return {
    list: (o) => port.list(o),
    get: (id) => port.get(id),
    patch: async (id, body, o) => {
      const written = await port.patch(id, body, o);
      window.wrotePropstreet(written);
      return written;
    },
    upsertByExternalRef: async (namespace, externalId, body) => {
      const upserted = await port.upsertByExternalRef(namespace, externalId, body);
      window.wrotePropstreet(upserted.record);
      return upserted;
    },
    delete: (id, o) => port.delete(id, o),
  };
}

export function recordingCrm(port: CrmObjects, window: QuietWindow): CrmObjects {
  return {
    keyProperty: port.keyProperty,
    limits: port.limits,
    deletionsVisibleForMs: port.deletionsVisibleForMs,
    readChanges: (checkpoint, o) => port.readChanges(checkpoint, o),
    readByIds: (ids) => port.readByIds(ids),
    readByKeys: (keys) => port.readByKeys(keys),
    findByMatch: (property, values) => port.findByMatch(property, values),
    upsertByKey: async (inputs) => {
      const results = await port.upsertByKey(inputs);
      window.wroteCrm(results);
      return results;
    },
    update: async (inputs) => {
      const results = await port.update(inputs);
      window.wroteCrm(results);
      return results;
    },
    delete: (ids) => port.delete(ids),
    ...(port.allowedValues
      ? { allowedValues: () => port.allowedValues?.() ?? Promise.resolve(new Map()) }
      : {}),
  };
}
