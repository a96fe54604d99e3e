/**
 * A run stopped in the middle of a chunk (Propstreet answered 401 to one pair's write) commits
 * what is known to have happened: a CRM record created in the same chunk keeps its link, so the
 * next run does not have to find it by its key again; the pair whose write was refused commits
 * nothing, and the next run carries it out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UnauthorizedError } from '../../src/core/errors.js';
import { EngineHarness, harnessSettings } from '../support/in-memory/engine-harness.js';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a run stopped during a chunk', () => {
  it('keeps the link of a CRM record the chunk created, and the next run finishes the rest', async () => {
    // One Propstreet slot at a time: the refused write goes first, the create's turn comes after.
    h = new EngineHarness(harnessSettings({ propstreetConcurrency: 1 }), 3);
    h.users.createInPropstreet(0, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.org',
      phone: null,
    });
    await h.run();
    const before = await h.links();
    expect(before.map((l) => l.propstreetId)).toEqual(['ps-0']);

    // ps-0 changed on both sides (a Propstreet write in phase A), ps-1 is new (a CRM create).
    h.users.editPropstreet(0, 'lastName', 'King');
    h.users.editCrm(0, 'firstName', 'Augusta');
    h.users.createInPropstreet(1, {
      firstName: 'Bo',
      lastName: 'Berg',
      email: 'bo@example.org',
      phone: null,
    });
    let refused = 0;
    h.world.beforePropstreetWrite = (i) => {
      if (i !== 0) return;
      refused++;
      throw new UnauthorizedError('401 from Propstreet: the token was revoked');
    };
    const stopped = await h.run();
    expect(refused).toBe(1);
    expect(stopped.result.status).toBe('aborted');
    expect(stopped.result.abort?.code).toBe('UNAUTHORIZED');
    const links = await h.links();
    expect(links.map((l) => [l.propstreetId, l.crmId])).toEqual([
      ['ps-0', 'crm-0'],
      ['ps-1', 'crm-1'],
    ]);
    // ps-0's write was refused: its link is the one the first run stored, shadow and all.
    expect(links[0]).toEqual(before[0]);

    h.world.beforePropstreetWrite = undefined;
    const next = await h.run();
    expect(next.result.status).toBe('ok');
    expect(await h.propstreetValues(0)).toMatchObject({ firstName: 'Augusta', lastName: 'King' });
    expect(await h.crmValues(0)).toMatchObject({ firstName: 'Augusta', lastName: 'King' });
    expect(await h.crmValues(1)).toMatchObject({ firstName: 'Bo', lastName: 'Berg' });
    expect(await h.crmValues(2)).toBeNull();
  });
});
