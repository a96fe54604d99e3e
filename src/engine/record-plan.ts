/**
 * Reading a record plan from its JSON shape (a stored or hand-built plan) back into the
 * RecordPlan union: the ids must fit the action, or it is not a plan the executor can run.
 */
import { PropsyncError } from '../core/errors.js';
import type { RecordPlan, RecordPlanShape } from './types.js';

/** Throws PAYLOAD_INVALID when the shape's ids do not fit its action. */
export function toRecordPlan(shape: RecordPlanShape): RecordPlan {
  const { propstreetId, crmId } = shape;
  const wrong = (needs: string) =>
    new PropsyncError('PAYLOAD_INVALID', `a ${shape.action} plan needs ${needs} (${shape.label})`);
  switch (shape.action) {
    case 'create-in-crm':
      if (propstreetId === null || crmId !== null) throw wrong('a Propstreet id and no CRM id');
      return { ...shape, action: shape.action, propstreetId, crmId };
    case 'create-in-propstreet':
      if (crmId === null || propstreetId !== null) throw wrong('a CRM id and no Propstreet id');
      return { ...shape, action: shape.action, propstreetId, crmId };
    case 'update':
    case 'link':
    case 'delete-in-crm':
    case 'delete-in-propstreet':
    case 'unlink':
      if (propstreetId === null || crmId === null) throw wrong('both ids');
      return { ...shape, action: shape.action, propstreetId, crmId };
    case 'invalid':
      if (propstreetId !== null) return { ...shape, action: shape.action, propstreetId, crmId };
      if (crmId !== null) return { ...shape, action: shape.action, propstreetId, crmId };
      throw wrong('at least one id');
    case 'noop':
    case 'skip':
      return { ...shape, action: shape.action };
    default:
      return unreachable(shape.action);
  }
}

/** For a switch that covers every case: the compiler checks it, and this never runs. */
export function unreachable(value: never): never {
  throw new PropsyncError('INTERNAL', `unhandled case: ${String(value)}`);
}
