/**
 * Convergence, property-based: random interleavings of user edits, creates and deletes on
 * both sides and sync runs; after a final quiet sync both sides agree on every mapped field,
 * nothing is duplicated, and one more run writes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type E2E, seedPropstreet, seedSalesforce, startE2E, writes } from './support.js';

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

const action: fc.Arbitrary<Action> = fc.oneof(
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

const digits = (s: unknown) =>
  String(s ?? '')
    .replace(/\D/g, '')
    .replace(/^0/, '46');
const norm = (s: unknown) => (s === undefined || s === null || s === '' ? null : String(s).trim());

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

describe('convergence (property-based, Propstreet ⇄ Salesforce)', () => {
  it('random edits, creates, deletes and syncs always converge with no duplicates and no loop', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const e = await startE2E(
          { hubspot: false },
          {
            connection: {
              conflictPolicy: 'newest-wins',
              match: ['externalRef', 'key'],
              deletes: { fromPropstreet: 'delete', fromCrm: 'delete', maxShare: 1 },
            },
          },
        );
        try {
          seedPropstreet(e.sb, 0, 3);
          seedSalesforce(e.sb, 3, 2);
          const next = { person: 5 };
          for (const a of actions) await apply(e, a, next);
          // Quiet: two runs converge (a CRM change can need one run to reach Propstreet and
          // its echo one more to settle); the third must write nothing.
          for (let i = 0; i < 2; i++) expect((await e.run()).connections[0]!.result.abort).toBeUndefined();
          const before = writes(e.sb);
          await e.run();
          expect(writes(e.sb)).toEqual(before);

          const ps = e.sb.propstreet.allContacts().filter((c) => !c.deletedUtc);
          const crm = e.sb.salesforce!.control.dump();
          const keys = crm.map((r) => r.Propstreet_Id__c as string);
          expect(new Set(keys).size).toBe(keys.length); // no CRM duplicate
          expect(crm.length).toBe(ps.length);
          for (const c of ps) {
            const refs = c.externalRefs.filter((r) => r.namespace === 'salesforce');
            expect(refs).toHaveLength(1); // linked exactly once
            const r = crm.find((x) => x.Propstreet_Id__c === c.id);
            expect(r, `contact ${c.id} has no CRM twin`).toBeDefined();
            expect(r!.Id).toBe(refs[0]!.id);
            expect(norm(r!.FirstName)).toBe(norm(c.firstName));
            expect(norm(r!.LastName)).toBe(norm(c.lastName));
            expect(norm(r!.Email)?.toLowerCase()).toBe(norm(c.email)?.toLowerCase());
            expect(digits(r!.Phone)).toBe(digits(c.phone));
          }
        } finally {
          await e.close();
        }
      }),
      {
        numRuns: Number(process.env.PROPSYNC_PROPERTY_RUNS ?? 12),
        seed: Number(process.env.PROPSYNC_PROPERTY_SEED ?? Date.now() % 1e9),
        verbose: 1,
      },
    );
  }, 240_000);
});
