/**
 * Echo awareness end to end through the trigger: both vendors send a webhook for every change,
 * our own writes included. A run caused by a user's edit writes; the webhooks of those writes
 * (echoes) cause one more run, which must write nothing, so nothing more is sent and the loop
 * ends. Engine runs are real (in-memory ports, SQLite state); only the webhooks are simulated:
 * one event per write the world records.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import { createLocalDispatch } from '../../src/serve/local-dispatch.js';
import { createRunTrigger } from '../../src/serve/run-trigger.js';
import { EngineHarness, harnessSettings } from '../support/in-memory/engine-harness.js';
import { ManualTimers } from './manual-timers.js';

const DEBOUNCE = 1000;
const scope = { tenant: 'props', connection: 'hubspot' };

interface RunLog {
  readonly writes: number;
  readonly sides: readonly string[];
}

function serveOver(harness: EngineHarness) {
  const timers = new ManualTimers();
  const runs: RunLog[] = [];
  let dispatched = 0;
  let settled = 0;
  let waiters: { n: number; resolve: () => void }[] = [];
  const events: string[] = [];
  const send = (side: string) => {
    events.push(side);
    trigger.request(scope, { events: 1, earliest: timers.clock.now(), receivedAt: timers.clock.now() });
  };
  const dispatch = createLocalDispatch({
    clock: timers.clock,
    logger: silentLogger,
    run: async () => {
      const before = harness.world.writes?.length ?? 0;
      const { result } = await harness.run();
      const mine = harness.world.writes?.slice(before) ?? [];
      runs.push({ writes: mine.length, sides: [...new Set(mine.map((w) => w.side))] });
      // Each vendor tells us about our own writes too: these are the echoes.
      for (const w of mine) send(w.side);
      return { kind: 'done', results: [result] };
    },
  });
  const trigger = createRunTrigger({
    dispatch,
    timers,
    clock: timers.clock,
    debounceMs: DEBOUNCE,
    observe: (e) => {
      if (e.type === 'dispatch') dispatched++;
      else {
        settled++;
        for (const w of waiters.filter((x) => settled >= x.n)) w.resolve();
        waiters = waiters.filter((w) => settled < w.n);
      }
    },
  });
  return {
    runs,
    events,
    send,
    /** Lets windows close and runs finish until nothing is left, or fails on a ping-pong. */
    async quiesce(maxRuns = 6) {
      const start = runs.length;
      while (trigger.active() > 0) {
        if (runs.length - start > maxRuns)
          throw new Error(`still running after ${maxRuns} runs: a ping-pong`);
        timers.advance(DEBOUNCE);
        const target = dispatched;
        if (settled < target) await new Promise<void>((resolve) => waiters.push({ n: target, resolve }));
      }
      await trigger.idle();
      return runs.slice(start);
    },
  };
}

const harnesses: EngineHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

describe('serve: our own echoes end the loop', () => {
  it('a user edit costs one writing run and one quiet run, on either side, then nothing', async () => {
    const h = new EngineHarness(harnessSettings(), 10);
    harnesses.push(h);
    const serve = serveOver(h);

    // Three people created in Propstreet: three events.
    for (const i of [0, 1, 2]) {
      h.users.createInPropstreet(i, {
        firstName: `A${i}`,
        lastName: 'B',
        email: `p${i}@example.com`,
        phone: null,
      });
      serve.send('propstreet');
    }
    const first = await serve.quiesce();
    expect(first).toHaveLength(2);
    expect(first[0]?.writes).toBeGreaterThanOrEqual(3); // created in the CRM (and refs written back)
    expect(first[1]).toEqual({ writes: 0, sides: [] }); // the echoes of those writes: nothing to do
    expect(await h.crmValues(1)).toMatchObject({ firstName: 'A1' });

    // A CRM user edits one: it flows to Propstreet, and the echo of that write is quiet too.
    h.users.editCrm(1, 'firstName', 'Anna');
    serve.send('crm');
    const second = await serve.quiesce();
    expect(second.map((r) => r.writes)).toEqual([1, 0]);
    expect(second[0]?.sides).toEqual(['propstreet']);
    expect(await h.propstreetValues(1)).toMatchObject({ firstName: 'Anna' });

    // And a Propstreet edit the other way.
    h.users.editPropstreet(2, 'lastName', 'Berg');
    serve.send('propstreet');
    const third = await serve.quiesce();
    expect(third.map((r) => r.writes)).toEqual([1, 0]);
    expect(third[0]?.sides).toEqual(['crm']);
  });

  it('a run triggered only by echoes makes zero writes and sends nothing further', async () => {
    const h = new EngineHarness(harnessSettings(), 4);
    harnesses.push(h);
    const serve = serveOver(h);
    h.users.createInPropstreet(0, {
      firstName: 'E',
      lastName: 'Cho',
      email: 'echo@example.com',
      phone: null,
    });
    serve.send('propstreet');
    await serve.quiesce();
    const sent = serve.events.length;

    // The vendors deliver the same echoes again (a retry nobody deduplicated): still quiet.
    serve.send('crm');
    serve.send('propstreet');
    const again = await serve.quiesce();
    expect(again).toEqual([{ writes: 0, sides: [] }]);
    expect(serve.events.length).toBe(sent + 2);
  });
});
