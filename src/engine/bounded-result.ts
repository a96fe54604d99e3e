/**
 * A run's result and its records with every data-bearing text bounded (src/core/clip-text.ts):
 * labels, field values, error messages. The result is what `--json`, the reports, the logs
 * and the state file's run records show, so one huge field value cannot blow them up.
 */
import { clipNullable, clipText, LABEL_MAX, MESSAGE_MAX, VALUE_MAX } from '../core/clip-text.js';
import type { ConnectionResult, FieldChange, FieldConflict, RecordPlan } from './types.js';

export function boundResult(r: ConnectionResult): ConnectionResult {
  return {
    ...r,
    conflicts: r.conflicts.map(boundConflict),
    failures: r.failures.map((f) => ({
      ...f,
      label: clipText(f.label, LABEL_MAX),
      error: clipText(f.error, MESSAGE_MAX),
    })),
    invalid: r.invalid.map((v) => ({ ...v, message: clipText(v.message, MESSAGE_MAX) })),
    abort: r.abort ? { ...r.abort, message: clipText(r.abort.message, MESSAGE_MAX) } : undefined,
  };
}

export function boundRecord(r: RecordPlan): RecordPlan {
  const change = (c: FieldChange): FieldChange => ({
    ...c,
    before: clipNullable(c.before, VALUE_MAX),
    after: clipNullable(c.after, VALUE_MAX),
  });
  return {
    ...r,
    label: clipText(r.label, LABEL_MAX),
    ...(r.crmLabel === undefined ? {} : { crmLabel: clipText(r.crmLabel, LABEL_MAX) }),
    reason: clipText(r.reason, MESSAGE_MAX),
    toCrm: r.toCrm.map(change),
    toPropstreet: r.toPropstreet.map(change),
    conflicts: r.conflicts.map(boundConflict),
    problems: r.problems.map((p) => clipText(p, MESSAGE_MAX)),
  };
}

function boundConflict<C extends FieldConflict>(c: C): C {
  return {
    ...c,
    propstreet: clipNullable(c.propstreet, VALUE_MAX),
    crm: clipNullable(c.crm, VALUE_MAX),
    shadow: clipNullable(c.shadow, VALUE_MAX),
  };
}
