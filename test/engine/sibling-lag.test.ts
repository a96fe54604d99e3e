/**
 * Which other connections of a bridge a CRM deletion waits for (src/engine/sibling-lag.ts): those
 * that still link the record and whose last completed CRM read is older than the deletion, or
 * unknown; and the held deletions' facts (src/run/held-deletes.ts) as the next run reads them.
 */
import { describe, expect, it } from 'vitest';
import { createSiblingLag } from '../../src/engine/sibling-lag.js';
import { heldDeleteFact, heldDeletesOf, heldRecords } from '../../src/run/held-deletes.js';
import type { Scope } from '../../src/state/port.js';
import { aFailure, aLink, newScope } from '../contract/state-store.contract.js';
import { aRecord } from '../report/builders.js';
import { memoryStore } from '../support/memory-store.js';

describe('sibling lag', () => {
  it('waits for a sibling linking the record until its CRM read starts an overlap past the deletion, and while it fails the pair', async () => {
    const store = await memoryStore();
    try {
      const hubspot = newScope('hubspot');
      const sibling = (connection: string): Scope => ({ ...hubspot, connection });
      for (const c of ['sf-old', 'sf-new', 'sf-never'])
        await store.commit(sibling(c), { upsertLinks: [aLink(1), aLink(2), aLink(3), aLink(5)] });
      // sf-none holds none of them: nothing of it can be on its way.
      await store.commit(sibling('sf-none'), { upsertLinks: [aLink(4)] });
      // sf-new read an edit of ps-5 (its record crm-5) it could not write to Propstreet.
      await store.commit(sibling('sf-new'), { upsertFailures: [aFailure('crm-5', { side: 'crm' })] });
      const readAt: Record<string, string> = {
        'sf-old': '2026-12-04T10:00:00.000Z',
        'sf-new': '2026-12-04T12:00:00.000Z',
        'sf-none': '2026-12-04T09:00:00.000Z',
      };
      const lag = createSiblingLag(
        store,
        hubspot,
        ['sf-old', 'sf-new', 'sf-never', 'sf-none'],
        async (s) =>
          s.tenant === hubspot.tenant && s.kind === hubspot.kind ? (readAt[s.connection] ?? null) : null,
        30 * 60_000,
      );
      const behind = await lag([
        { propstreetId: 'ps-1', deletedAt: '2026-12-04T11:00:00.000Z' },
        // sf-new read at 12:00, 15 minutes after: inside the overlap, it may not have seen all before it.
        { propstreetId: 'ps-2', deletedAt: '2026-12-04T11:45:00.000Z' },
        { propstreetId: 'ps-3', deletedAt: 'not a time' },
        { propstreetId: 'ps-4', deletedAt: '2026-12-04T08:00:00.000Z' },
        { propstreetId: 'ps-5', deletedAt: '2026-12-04T08:00:00.000Z' },
      ]);
      expect(Object.fromEntries(behind)).toEqual({
        'ps-1': ['sf-old', 'sf-never'],
        'ps-2': ['sf-old', 'sf-new', 'sf-never'],
        'ps-3': ['sf-old', 'sf-new', 'sf-never'],
        'ps-5': ['sf-new', 'sf-never'],
      });
      expect((await lag([])).size).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('held facts round-trip; a record the CRM no longer has comes back as its deletion, a restored one as it is', async () => {
    const store = await memoryStore();
    try {
      const scope = newScope();
      const held = heldDeleteFact(
        aRecord({ action: 'skip', propstreetId: 'ps-1', crmId: '901', heldFor: ['salesforce'] }),
        '2026-12-04T11:00:00.000Z',
      );
      const restored = heldDeleteFact(
        aRecord({ action: 'skip', propstreetId: 'ps-2', crmId: '902', heldFor: ['salesforce'] }),
        '2026-12-04T11:00:00.000Z',
      );
      expect(
        heldDeleteFact(aRecord({ action: 'skip', propstreetId: 'ps-3', crmId: '903' }), 'x'),
      ).toBeUndefined();
      if (!held || !restored) throw new Error('no fact');
      await store.commit(scope, { upsertMeta: [held, restored, { key: 'deletes.held:bad', value: '{' }] });
      const facts = await heldDeletesOf(store, scope);
      expect([...facts.values()]).toEqual([
        { crmId: '901', propstreetId: 'ps-1', deletedAt: '2026-12-04T11:00:00.000Z' },
        { crmId: '902', propstreetId: 'ps-2', deletedAt: '2026-12-04T11:00:00.000Z' },
      ]);
      const live = {
        id: '902',
        properties: { firstname: 'Back' },
        modifiedAt: '2026-12-04T12:00:00.000Z',
        deleted: false,
      };
      const asked: string[][] = [];
      const readByIds = async (ids: readonly string[]) => {
        asked.push([...ids]);
        return [live];
      };
      const records = await heldRecords({ readByIds }, facts);
      expect(asked).toEqual([['901', '902']]);
      expect(records).toEqual([
        { id: '901', properties: {}, modifiedAt: '2026-12-04T11:00:00.000Z', deleted: true },
        live,
      ]);
      expect(await heldRecords({ readByIds: async () => [] }, new Map())).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
