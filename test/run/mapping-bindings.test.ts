/** Which CRM property each mapped field reads, recorded per scope, and what a change drops. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { bindingsOf, rebindMappedFields, withoutShadowFields } from '../../src/run/mapping-bindings.js';
import { NO_STATE_WRITES } from '../../src/run/state-writes.js';
import type { StateStore } from '../../src/state/index.js';
import { memoryStore } from '../support/memory-store.js';

const scope = { tenant: 'acme', connection: 'hubspot', kind: 'contacts' };
const shadow = { firstName: 'Ada', phone: '+4670', jobTitle: 'CTO' };
const mapper = (phone: string, jobTitle: string) => ({
  fields: [
    { name: 'firstName', direction: 'both' as const, crm: 'firstname' },
    { name: 'phone', direction: 'both' as const, crm: phone },
    { name: 'jobTitle', direction: 'to-crm' as const, crm: jobTitle },
  ],
  crmPropertyOf: () => undefined,
});

describe('mapping bindings', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await memoryStore();
    await store.commit(scope, {
      upsertLinks: [
        {
          propstreetId: 'p1',
          crmId: 'c1',
          shadow,
          propstreetEtag: null,
          crmModifiedAt: null,
          updatedAt: '2026-12-04T00:00:00.000Z',
        },
      ],
    });
  });
  afterEach(async () => store.close());
  const rebind = (phone: string, jobTitle: string, dry = false) =>
    rebindMappedFields(store, scope, bindingsOf(mapper(phone, jobTitle)), {
      writes: dry ? NO_STATE_WRITES : store,
      log: silentLogger,
    });
  const shadowNow = async () => (await store.linksByPropstreetIds(scope, ['p1']))[0]?.shadow;

  it('a state with nothing recorded records the mapping and drops nothing', async () => {
    expect(await rebind('phone', 'jobtitle')).toEqual([]);
    expect(await shadowNow()).toEqual(shadow);
    expect(await rebind('phone', 'jobtitle')).toEqual([]);
  });

  it('a field pointed elsewhere, to-crm ones included, is dropped from the shadows', async () => {
    await rebind('phone', 'jobtitle');
    expect(await rebind('mobilephone', 'job_function')).toEqual(['phone', 'jobTitle']);
    expect(await shadowNow()).toEqual({ firstName: 'Ada' });
    // Recorded: the next run drops nothing more.
    expect(await rebind('mobilephone', 'job_function')).toEqual([]);
  });

  it('a dry run drops nothing and records nothing, and its store hides the moved fields', async () => {
    await rebind('phone', 'jobtitle');
    const moved = await rebind('mobilephone', 'jobtitle', true);
    expect(moved).toEqual(['phone']);
    expect(await shadowNow()).toEqual(shadow);
    await store.commit(scope, {
      replaceConflicts: [
        {
          propstreetId: 'p1',
          conflicts: ['phone', 'firstName'].map((field) => ({
            propstreetId: 'p1',
            crmId: 'c1',
            field,
            propstreet: 'a',
            crm: 'b',
            shadow: null,
            since: '2026-12-04T00:00:00.000Z',
          })),
        },
      ],
    });
    const hidden = withoutShadowFields(store, moved);
    expect((await hidden.linksByPropstreetIds(scope, ['p1']))[0]?.shadow).toEqual({
      firstName: 'Ada',
      jobTitle: 'CTO',
    });
    // The moved field's conflicts, which a real run drops with it, are hidden too.
    expect((await hidden.conflictsByPropstreetIds(scope, ['p1'])).map((c) => c.field)).toEqual(['firstName']);
    expect((await hidden.listConflicts(scope, { limit: 10 })).map((c) => c.field)).toEqual(['firstName']);
    expect(await rebind('mobilephone', 'jobtitle', true)).toEqual(['phone']);
  });
});
