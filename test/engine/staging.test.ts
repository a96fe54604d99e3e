import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/crm/port.js';
import type { PropstreetRecord } from '../../src/engine/records.js';
import { cappedCheckpoint } from '../../src/run/propstreet-pages.js';
import { Staging } from '../../src/run/staging.js';

/** Match values as the engine gives them: the email, lower-cased, under the `email` rule. */
const byEmail = {
  key: 'propstreet_id',
  matchRules: ['email'],
  crmMatch: (r: CrmRecord) => {
    const email = r.properties.email?.trim().toLowerCase();
    return email ? [['email', email] as const] : [];
  },
};

const contact = (id: string, updatedUtc: string): PropstreetRecord => ({
  id,
  updatedUtc,
  etag: updatedUtc,
  externalRefs: [],
});

describe('Staging', () => {
  it('lists staged Propstreet deletions, also one a newer version made, and none when none came', () => {
    const staging = new Staging();
    try {
      const t1 = '2026-01-01T00:00:00.0000000Z';
      const t2 = '2026-01-02T00:00:00.0000000Z';
      staging.putPropstreet([contact('a', t1), contact('b', t1)]);
      expect([...staging.deletedIds('ps', 10)]).toEqual([]);
      expect([...staging.deletedIds('crm', 10)]).toEqual([]);
      staging.putPropstreet([
        { ...contact('b', t2), deletedUtc: t2 },
        { ...contact('c', t2), deletedUtc: t2 },
      ]);
      expect([...staging.deletedIds('ps', 1)]).toEqual([['b'], ['c']]);
    } finally {
      staging.close();
    }
  });

  it('keeps a planned Propstreet record as planned: a later sighting is handed back, not staged', () => {
    const staging = new Staging();
    try {
      const t1 = '2026-01-01T00:00:00.0000000Z';
      const t2 = '2026-01-02T00:00:00.0000000Z';
      expect(staging.putPropstreet([contact('a', t1), contact('b', t1)])).toEqual({
        fresh: ['a', 'b'],
        resighted: [],
      });
      staging.markPlanned(['a']);
      // a was planned: its newer version waits for the next run; b was not: the newer version wins.
      const again = staging.putPropstreet([contact('a', t2), contact('b', t2), contact('a', t1)]);
      expect(again).toEqual({ fresh: [], resighted: [contact('a', t2)] });
      expect(staging.peekPropstreet(['a', 'b'])).toEqual(
        new Map([
          ['a', contact('a', t1)],
          ['b', contact('b', t2)],
        ]),
      );
      // The passes after the read plan only what was not planned while the pages came in.
      expect([...staging.propstreetChunks(10)]).toEqual([[contact('b', t2)]]);
      // The checkpoint stays on the version not planned, so the next run reads it.
      expect(cappedCheckpoint(t2, again.resighted)).toBe(t2);
      expect(cappedCheckpoint('2026-01-03T00:00:00.0000000Z', again.resighted)).toBe(t2);
      expect(cappedCheckpoint(t1, [])).toBe(t1);
    } finally {
      staging.close();
    }
  });

  it('keeps the newest version of a record read twice, and removes what a killed run left behind', () => {
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const orphan = join(tmpdir(), `propsync-stage-${deadPid}-orphan`);
    mkdirSync(orphan, { recursive: true });
    const staging = new Staging(byEmail);
    try {
      expect(existsSync(orphan)).toBe(false);
      const rec = (modifiedAt: string, name: string) => ({
        id: '1',
        properties: { firstname: name, propstreet_id: 'p1', email: 'A@x.se' },
        modifiedAt,
        deleted: false,
      });
      staging.putCrm([rec('2026-01-02T00:00:00.000Z', 'new')]);
      staging.putCrm([rec('2026-01-01T00:00:00.000Z', 'old')]);
      expect(staging.count('crm')).toBe(1);
      expect(staging.peekCrm(['1']).get('1')?.properties.firstname).toBe('new');
      expect(staging.crmByKeys(['p1'])).toHaveLength(1);
      expect(staging.crmByMatch('email', ['a@x.se'])).toHaveLength(1);
      expect(staging.crmByMatch('domain', ['a@x.se'])).toHaveLength(0);
    } finally {
      staging.close();
    }
  });
});

describe('Staging planned and paired marks', () => {
  it('gives back the staged version of records staged last and long ago alike', () => {
    const staging = new Staging();
    try {
      const t1 = '2026-01-01T00:00:00.0000000Z';
      const t2 = '2026-01-02T00:00:00.0000000Z';
      // More records than are kept in memory: the first ones come from the file.
      const ids = Array.from({ length: 2500 }, (_, i) => `p${i}`);
      staging.putPropstreet(ids.map((id) => contact(id, t1)));
      // Newer versions of an old and a recent record, then an older sighting of each: ignored.
      staging.putPropstreet([contact('p0', t2), contact('p2499', t2)]);
      staging.putPropstreet([contact('p0', t1), contact('p2499', t1)]);
      const peeked = staging.peekPropstreet(['p2499', 'p0', 'p1', 'p0', 'missing']);
      expect([...peeked.entries()]).toEqual([
        ['p2499', contact('p2499', t2)],
        ['p0', contact('p0', t2)],
        ['p1', contact('p1', t1)],
      ]);
    } finally {
      staging.close();
    }
  });

  it('marks only staged ids: one planned or paired before it was staged is still read by the chunks', () => {
    const staging = new Staging();
    try {
      const t1 = '2026-01-01T00:00:00.0000000Z';
      staging.markPlanned(['a']);
      staging.putPropstreet([contact('a', t1), contact('b', t1)]);
      staging.markPlanned(['b', 'b']);
      expect([...staging.propstreetChunks(10)]).toEqual([[contact('a', t1)]]);
      expect([...staging.propstreetChunks(10)]).toEqual([]);
      const crm = (id: string) => ({
        id,
        properties: {},
        modifiedAt: '2026-01-01T00:00:00.000Z',
        deleted: false,
      });
      expect([...staging.takeCrm(['1', '2']).keys()]).toEqual([]);
      staging.putCrm([crm('1'), crm('2'), crm('3')]);
      expect([...staging.takeCrm(['2', '9', '2']).keys()]).toEqual(['2']);
      // Paired records stay readable by id; the CRM pass skips them.
      expect([...staging.peekCrm(['2']).keys()]).toEqual(['2']);
      expect([...staging.crmChunks(2)].map((c) => c.map((r) => r.id))).toEqual([['1', '3']]);
    } finally {
      staging.close();
    }
  });

  it('ends a chunk pass when every staged row is marked, counting a re-read record once', () => {
    const staging = new Staging();
    try {
      const t1 = '2026-01-01T00:00:00.0000000Z';
      const t2 = '2026-01-02T00:00:00.0000000Z';
      const crm = (id: string, modifiedAt: string) => ({ id, properties: {}, modifiedAt, deleted: false });
      expect([...staging.propstreetChunks(10)]).toEqual([]);
      expect([...staging.crmChunks(10)]).toEqual([]);
      // Re-read before planning (an overlap window): one row each, the newer version.
      staging.putPropstreet([contact('a', t1), contact('b', t1)]);
      staging.putPropstreet([contact('b', t2)]);
      staging.putCrm([crm('1', t1), crm('2', t1)]);
      staging.putCrm([crm('2', t2)]);
      staging.markPlanned(['a']);
      expect(staging.takeCrm(['1']).size).toBe(1);
      expect([...staging.propstreetChunks(10)]).toEqual([[contact('b', t2)]]);
      expect([...staging.crmChunks(10)].map((c) => c.map((r) => [r.id, r.modifiedAt]))).toEqual([
        [['2', t2]],
      ]);
      // propstreetChunks marked what it gave; the CRM side's last one is paired now.
      expect(staging.takeCrm(['2']).size).toBe(1);
      expect([...staging.propstreetChunks(10)]).toEqual([]);
      expect([...staging.crmChunks(10)]).toEqual([]);
    } finally {
      staging.close();
    }
  });
});

describe('Staging match values', () => {
  it('finds a record by the match value of its newest version only, also when staged after a lookup', () => {
    const staging = new Staging(byEmail);
    try {
      const rec = (id: string, modifiedAt: string, email: string) => ({
        id,
        properties: { email },
        modifiedAt,
        deleted: false,
      });
      staging.putCrm([
        rec('1', '2026-01-01T00:00:00.000Z', 'old@x.se'),
        rec('2', '2026-01-01T00:00:00.000Z', 'b@x.se'),
      ]);
      expect(staging.crmByMatch('email', ['old@x.se']).map((r) => r.id)).toEqual(['1']);
      // Re-read with a new email after the first lookup built the index: the old value is gone.
      staging.putCrm([rec('1', '2026-01-02T00:00:00.000Z', 'B@x.se')]);
      expect(staging.crmByMatch('email', ['old@x.se'])).toEqual([]);
      expect(staging.crmByMatch('email', ['b@x.se', 'b@x.se']).map((r) => r.id)).toEqual([
        '1',
        '2',
        '1',
        '2',
      ]);
      // An older version read late changes nothing, its match value included.
      staging.putCrm([rec('1', '2026-01-01T12:00:00.000Z', 'late@x.se')]);
      expect(staging.crmByMatch('email', ['late@x.se'])).toEqual([]);
      expect(staging.propstreetByMatch('email', ['b@x.se'])).toEqual([]);
    } finally {
      staging.close();
    }
  });
});

describe('Staging merges', () => {
  it('finds the records merged into a survivor, and a later plain deletion keeps the merge', () => {
    const staging = new Staging(byEmail);
    try {
      const gone = (id: string, modifiedAt: string, mergedInto?: string) => ({
        id,
        properties: {},
        modifiedAt,
        deleted: true,
        ...(mergedInto ? { mergedInto } : {}),
      });
      staging.putCrm([
        {
          id: '303',
          properties: { propstreet_id: 'p1' },
          modifiedAt: '2026-01-01T00:00:00.000Z',
          deleted: false,
        },
        gone('101', '2026-01-01T00:00:00.000Z', '303'),
        gone('102', '2026-01-01T00:00:00.000Z', '303'),
        gone('104', '2026-01-01T00:00:00.000Z'),
      ]);
      // The same id again, as an archive seen later: still merged into 303.
      staging.putCrm([gone('102', '2026-01-02T00:00:00.000Z')]);
      const losers = staging.losersOf(['303', '104']);
      expect([...losers.keys()]).toEqual(['303']);
      expect(losers.get('303')?.map((r) => [r.id, r.mergedInto])).toEqual([
        ['101', '303'],
        ['102', '303'],
      ]);
      // The mass-delete guard counts plain deletions only.
      expect([...staging.deletedIds('crm', 10)]).toEqual([['104']]);
    } finally {
      staging.close();
    }
  });
});
