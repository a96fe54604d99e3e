/**
 * src/run/quiet-window.ts (bug 70). A run with a Propstreet failure due reads `checkpoint − overlap`
 * (`wholeWindow`) instead of the deferred window `lastFullRead − overlap`, and then marks itself
 * the last full read. When the checkpoint moved more than an overlap past a late change while the
 * runs read from their checkpoints, that change was skipped by the retry run, and every later
 * deferred read started after it: lost for good. Such a run now reads from the earlier of the two.
 *
 * The late change is a Propstreet edit stamped 10 s before a run read, committed (visible) only
 * after it — README "Checkpoints and failures": "a transaction stamped before it commits", the
 * case quiet-runs.test.ts models the same way (the fake's clock set back for the edit).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { type E2E, seedPropstreet, startE2E } from './support.js';

describe('the deferred overlap window and a run retrying failures', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  async function scenario(failC: boolean): Promise<Record<string, string> | undefined> {
    let offset = 0;
    const clock: Clock = { now: () => new Date(Date.now() + offset), sleep: async () => undefined };
    const started = await startE2E({ salesforce: false }, { connections: ['hubspot'] });
    e = started;
    started.sb.propstreet.setRateLimit(600_000);
    const ps = started.sb.propstreet;
    const hs = started.sb.hubspot?.control;
    if (!hs) throw new Error('no HubSpot fake');
    const [a = '', b = '', c = ''] = seedPropstreet(started.sb, 0, 4);
    const T = Date.now();
    const at = (s: number) => new Date(T + s * 1000).toISOString();
    await started.run({ clock });
    await started.run({ clock });
    const hsOf = (id: string) => hs.dump().find((r) => r.properties.propstreet_id === id)?.properties;

    // T+400: a run that re-reads the whole window (the last was 400 s ago). B's edit is stamped
    // T+398; A's edit is stamped T+390 but its transaction commits only after this read.
    ps.setClock(at(398));
    ps.editAsUser(b, { firstName: 'B-edit' });
    ps.setClock(null);
    offset = 400_000;
    await started.run({ clock });
    expect(hsOf(b)?.firstname).toBe('B-edit');
    ps.setClock(at(390));
    ps.editAsUser(a, { firstName: 'Late-commit' });
    ps.setClock(null);

    // T+697: within one overlap of that full read, the run reads from its checkpoint (T+398);
    // C's edit (T+695) moves it on, and HubSpot refuses C's update for now (503).
    ps.setClock(at(695));
    ps.editAsUser(c, { firstName: 'C-edit' });
    ps.setClock(null);
    if (failC)
      started.sb.hubspot?.http.faults.add({
        kind: 'status',
        status: 503,
        method: 'POST',
        path: '/batch/update',
      });
    offset = 697_000;
    const x = await started.run({ clock });
    expect(x.connections[0]!.result.failures.map((f) => f.recordId)).toEqual(failC ? [c] : []);
    started.sb.hubspot?.http.faults.clear();

    // T+800 and later: the deferred window (from T+400 − 300 s) is due; so is C's retry.
    for (const s of [800, 1200, 1600, 2000]) {
      offset = s * 1000;
      await started.run({ clock });
    }
    expect(hsOf(c)?.firstname).toBe('C-edit');
    return hsOf(a);
  }

  it('control: with no failure due, the deferred window reads the late change', async () => {
    expect((await scenario(false))?.firstname).toBe('Late-commit');
  });

  it('a late Propstreet change inside the window is read, though a run retrying a failure came first', async () => {
    expect((await scenario(true))?.firstname).toBe('Late-commit');
  });
});
