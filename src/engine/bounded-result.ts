/**
 * A record plan with every data-bearing text bounded (src/core/clip-text.ts): labels, field
 * values, messages. Plans go to reports and `--json`, so one huge field value cannot blow them up.
 */
import { clipNullable, clipText, LABEL_MAX, MESSAGE_MAX, VALUE_MAX } from '../core/clip-text.js';
import type { FieldChange, FieldConflict, RecordPlanShape } from './types.js';

export function boundRecord<P extends RecordPlanShape>(r: P): P {
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

export function boundConflict<C extends FieldConflict>(c: C): C {
  return {
    ...c,
    propstreet: clipNullable(c.propstreet, VALUE_MAX),
    crm: clipNullable(c.crm, VALUE_MAX),
    shadow: clipNullable(c.shadow, VALUE_MAX),
  };
}
