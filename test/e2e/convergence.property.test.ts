/**
 * Convergence, property-based: random interleavings of user edits, creates and deletes on
 * both sides and sync runs; after a final quiet sync both sides agree on every mapped field,
 * nothing is duplicated, and one more run writes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { action, apply, digits, norm } from './convergence-model.js';
import { seedPropstreet, seedSalesforce, startE2E, writes } from './support.js';

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
              // The model is "a delete wins": with keep-edited a delete racing an edit would
              // leave the edited record unlinked on one side (delete-against-edit.test.ts).
              deletes: { fromPropstreet: 'delete', fromCrm: 'delete', againstEdit: 'delete', maxShare: 1 },
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
