/** The shadow of a contact some of whose writes did not land (pure). */
import { describe, expect, it } from 'vitest';
import type { Employments } from '../../src/links/employments.js';
import { landedShadow } from '../../src/links/landed-shadow.js';
import type { LinkRow, LinkRowOutcome } from '../../src/links/links-phase.js';

const emp = (primary: string | null, companies: Record<string, string | null>): Employments => ({
  primary,
  companies: new Map(Object.entries(companies)),
});
const row = (
  side: LinkRow['side'],
  action: LinkRow['action'],
  company: string | null,
  outcome: LinkRowOutcome,
): LinkRow => ({ contact: 'x', side, action, company, outcome });

describe('landedShadow', () => {
  it('is the merge where every write landed', () => {
    const merged = emp('a', { a: 'CEO', c: null });
    const rows = [row('crm', 'associate', 'c', 'done'), row('propstreet', 'title', 'a', 'done')];
    expect(landedShadow(emp('a', { a: 'CFO' }), merged, rows, 'CFO')).toEqual(merged);
  });

  it('keeps what landed and the old shadow where a write did not: each comes again, nothing comes back', () => {
    const before = emp('a', { a: null, b: null, d: null });
    // Propstreet removed d and added e; the CRM added c. The CRM's removal of d and its
    // association of e landed; Propstreet's create of c did not (its company not there yet).
    const merged = emp('a', { a: null, b: null, c: null, e: null });
    const rows = [
      row('propstreet', 'associate', 'c', 'deferred'),
      row('crm', 'associate', 'e', 'done'),
      row('crm', 'dissociate', 'd', 'done'),
    ];
    expect(landedShadow(before, merged, rows, null)).toEqual(emp('a', { a: null, b: null, e: null }));
  });

  it('a removal that failed stays in the shadow, to be sent again', () => {
    const before = emp('a', { a: null, b: 'CFO' });
    const rows = [row('crm', 'dissociate', 'b', 'failed')];
    expect(landedShadow(before, emp('a', { a: null }), rows, null)).toEqual(before);
  });

  it('a primary and titles that did not land keep their old values; the CRM’s title is what it still has', () => {
    const before = emp('a', { a: 'CEO', b: 'Chair' });
    const merged = emp('b', { a: 'CEO', b: 'Owner' });
    const psFailed = [row('propstreet', 'title', 'b', 'failed'), row('propstreet', 'primary', 'b', 'failed')];
    expect(landedShadow(before, merged, psFailed, 'CEO')).toEqual(before);
    // The CRM's primary moved, but its title write failed: the shadow's title there is the CRM's.
    const crmTitle = [row('crm', 'primary', 'b', 'done'), row('crm', 'title', null, 'failed')];
    expect(landedShadow(before, merged, crmTitle, 'CEO')).toEqual(emp('b', { a: 'CEO', b: 'CEO' }));
  });
});
