import type { PlanCounts, RecordPlan } from './types.js';

export function emptyCounts(): PlanCounts {
  return {
    create: { propstreet: 0, crm: 0 },
    update: { propstreet: 0, crm: 0 },
    delete: { propstreet: 0, crm: 0 },
    link: 0,
    unlink: 0,
    conflict: 0,
    skip: 0,
    noop: 0,
    invalid: 0,
  };
}

/** Adds one record plan to the counts (an update may count on both sides). */
export function countPlan(counts: PlanCounts, plan: RecordPlan): void {
  // A delete against an edit on the other side is a conflict too, whichever way it went.
  counts.conflict += plan.conflicts.length + (plan.notice?.kind === 'delete-vs-edit' ? 1 : 0);
  switch (plan.action) {
    case 'create-in-crm':
      counts.create.crm++;
      return;
    case 'create-in-propstreet':
      counts.create.propstreet++;
      return;
    case 'delete-in-crm':
      counts.delete.crm++;
      return;
    case 'delete-in-propstreet':
      counts.delete.propstreet++;
      return;
    case 'unlink':
      counts.unlink++;
      return;
    case 'skip':
      counts.skip++;
      return;
    case 'noop':
      counts.noop++;
      return;
    case 'invalid':
      counts.invalid++;
      return;
    case 'link':
      counts.link++;
      break;
    case 'update':
      break;
  }
  if (plan.toCrm.length > 0) counts.update.crm++;
  if (plan.toPropstreet.length > 0) counts.update.propstreet++;
}
