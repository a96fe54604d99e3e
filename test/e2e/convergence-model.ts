/** The model of the convergence property test: user actions on both sides and syncs. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { type E2E, seedPropstreet, seedSalesforce } from './support.js';

export type Action =
  | { kind: 'editPs'; pick: number; field: 'firstName' | 'lastName' | 'phone'; value: number }
  | { kind: 'editCrm'; pick: number; field: 'FirstName' | 'LastName' | 'Phone'; value: number }
  | { kind: 'createPs' }
  | { kind: 'createCrm' }
  | { kind: 'deletePs'; pick: number }
  | { kind: 'deleteCrm'; pick: number }
  | { kind: 'sync' };

const NAMES = ['Ada', 'Bo', 'Cleo', 'Dag', 'Eir'];
const PHONES = ['+46 70 111 11 11', '+46701112222', '070-333 33 33', '+46 8 444 44 44'];

export const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('editPs' as const),
    pick: fc.nat(),
    field: fc.constantFrom('firstName' as const, 'lastName' as const, 'phone' as const),
    value: fc.nat(),
  }),
  fc.record({
    kind: fc.constant('editCrm' as const),
    pick: fc.nat(),
    field: fc.constantFrom('FirstName' as const, 'LastName' as const, 'Phone' as const),
    value: fc.nat(),
  }),
  fc.constant({ kind: 'createPs' as const }),
  fc.constant({ kind: 'createCrm' as const }),
  fc.record({ kind: fc.constant('deletePs' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('deleteCrm' as const), pick: fc.nat() }),
  fc.constant({ kind: 'sync' as const }),
);

export const digits = (s: unknown) =>
  String(s ?? '')
    .replace(/\D/g, '')
    .replace(/^0/, '46');
export const norm = (s: unknown) => (s === undefined || s === null || s === '' ? null : String(s).trim());

export async function apply(e: E2E, a: Action, next: { person: number }): Promise<void> {
  const livePs = e.sb.propstreet.allContacts().filter((c) => !c.deletedUtc);
  const liveCrm = e.sb.salesforce!.control.dump();
  switch (a.kind) {
    case 'editPs': {
      const c = livePs[a.pick % Math.max(1, livePs.length)];
      if (!c) return;
      const value = a.field === 'phone' ? PHONES[a.value % PHONES.length]! : NAMES[a.value % NAMES.length]!;
      e.sb.propstreet.editAsUser(c.id, { [a.field]: value });
      return;
    }
    case 'editCrm': {
      const r = liveCrm[a.pick % Math.max(1, liveCrm.length)];
      if (!r) return;
      const value = a.field === 'Phone' ? PHONES[a.value % PHONES.length]! : NAMES[a.value % NAMES.length]!;
      e.sb.salesforce!.control.edit(r.Id as string, { [a.field]: value });
      return;
    }
    case 'createPs':
      seedPropstreet(e.sb, next.person++, 1);
      return;
    case 'createCrm':
      seedSalesforce(e.sb, next.person++, 1);
      return;
    case 'deletePs': {
      const c = livePs[a.pick % Math.max(1, livePs.length)];
      if (c) e.sb.propstreet.deleteAsUser(c.id);
      return;
    }
    case 'deleteCrm': {
      const r = liveCrm[a.pick % Math.max(1, liveCrm.length)];
      if (r) e.sb.salesforce!.control.remove(r.Id as string);
      return;
    }
    case 'sync': {
      const run = await e.run();
      // With maxShare 1 nothing here may stop a run (the guard counts links, not records).
      expect(run.connections[0]!.result.abort).toBeUndefined();
      return;
    }
  }
}
