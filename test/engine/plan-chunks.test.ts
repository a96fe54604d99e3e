/**
 * planChunks on its own, in memory: the plan comes as versioned chunks, Propstreet's pass first,
 * each chunk planned only when the consumer asks for it, and a guard's held deletes marked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/crm/port.js';
import { matchValuesOf } from '../../src/engine/match-values.js';
import { type ChunkPlanning, planChunks } from '../../src/engine/plan-chunks.js';
import { planPair } from '../../src/engine/plan-pair.js';
import { PLAN_VERSION } from '../../src/engine/types.js';
import type { Contact } from '../../src/propstreet/schema.js';
import { Staging } from '../../src/run/staging.js';
import type { StateStore } from '../../src/state/port.js';
import { memoryStore } from '../support/memory-store.js';
import { noCalls, offlineCrm } from '../support/offline-ports.js';
import { aContact, aCrmRecord, hubspotMapper, pairSettings } from './pair-builders.js';

const scope = { tenant: 't', connection: 'hubspot', kind: 'contacts' };
/** Every live CRM record is staged (a first sync): pairing reads none through the port. */

describe('planChunks', () => {
  let store: StateStore;
  let staging: Staging<Contact>;
  beforeEach(async () => {
    store = await memoryStore();
    const match = matchValuesOf(hubspotMapper);
    staging = new Staging<Contact>({
      key: 'propstreet_id',
      matchRules: match.rules,
      crmMatch: match.crm,
      propstreetMatch: match.propstreet,
    });
  });
  afterEach(async () => {
    staging.close();
    await store.close();
  });

  const planning = (over: Partial<ChunkPlanning<Contact>> = {}): ChunkPlanning<Contact> => {
    const settings = pairSettings({ match: [] });
    return {
      store,
      crm: offlineCrm,
      propstreet: { get: noCalls },
      mapper: hubspotMapper,
      settings,
      scope,
      crmFullyStaged: true,
      echoes: async () => new Set(),
      chunkSize: 2,
      prepare: (pair) => pair,
      plan: (pair) => planPair(pair, settings, hubspotMapper, 'propstreet_id'),
      holdDeletes: false,
      ...over,
    };
  };
  const contact = (id: string) => aContact({ id, externalRefs: [], email: `${id}@example.com` });
  const crmOnly = (id: string): CrmRecord =>
    aCrmRecord({ email: `${id}@example.com`, propstreet_id: null }, false);

  it('yields versioned chunks, Propstreet changes first, then the CRM records nothing paired with', async () => {
    staging.putPropstreet([contact('ps-1'), contact('ps-2'), contact('ps-3')]);
    staging.putCrm([{ ...crmOnly('c'), id: '201' }]);
    const chunks = [];
    for await (const chunk of planChunks(staging, planning())) chunks.push(chunk);
    expect(chunks.map((c) => [c.version, c.side, c.records.length])).toEqual([
      [PLAN_VERSION, 'propstreet', 2],
      [PLAN_VERSION, 'propstreet', 1],
      [PLAN_VERSION, 'crm', 1],
    ]);
    expect(chunks.flatMap((c) => c.records.map((r) => r.plan.action))).toEqual([
      'create-in-crm',
      'create-in-crm',
      'create-in-crm',
      'create-in-propstreet',
    ]);
    const [first] = chunks[0]?.records ?? [];
    expect(first?.plan).toMatchObject({ action: 'create-in-crm', propstreetId: 'ps-1', crmId: null });
  });

  it('plans a chunk only when the consumer asks for it', async () => {
    staging.putPropstreet([contact('ps-1'), contact('ps-2'), contact('ps-3'), contact('ps-4')]);
    const prepared: string[] = [];
    const chunks = planChunks(
      staging,
      planning({
        prepare: (pair) => {
          prepared.push(pair.propstreet?.id ?? '?');
          return pair;
        },
      }),
    );
    for await (const _ of chunks) break;
    expect(prepared).toEqual(['ps-1', 'ps-2']);
  });

  it('marks the deletes a tripped guard holds, and nothing else', async () => {
    await store.commit(scope, {
      upsertLinks: [
        {
          propstreetId: 'ps-1',
          crmId: '101',
          shadow: null,
          propstreetEtag: null,
          crmModifiedAt: null,
          updatedAt: '2026-01-01T00:00:00.000Z',
        },
      ],
    });
    staging.putPropstreet([aContact({ deletedUtc: '2026-01-03T00:00:00Z' }), contact('ps-2')]);
    staging.putCrm([aCrmRecord()]);
    const records = [];
    for await (const chunk of planChunks(staging, planning({ holdDeletes: true })))
      records.push(...chunk.records);
    expect(records.map((r) => [r.plan.action, r.plan.guarded ?? false])).toEqual([
      ['delete-in-crm', true],
      ['create-in-crm', false],
    ]);
  });
});
