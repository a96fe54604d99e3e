/**
 * The links phase's own lock: held by a live run it refuses a second real run, but a run
 * killed mid-phase (its process gone from this host) does not keep every later run of the
 * tenant out for the lock's 30 minutes: the next run takes over at once, as the kinds' run
 * lock does (src/run/run-lock.ts). Found by test/reliability/employment-crash.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { lockOwner } from '../../src/run/run-lock.js';
import { useHubSpotLinks } from './hubspot-links-world.js';

/** The pid of a process that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;
/** This host as lock owners name it (hostname and PID namespace). */
const here = lockOwner('x').split('|')[0] ?? '';

describe('links phase lock', () => {
  const start = useHubSpotLinks();

  it('is taken over at once from a run on this host whose process is gone', async () => {
    const { world } = await start();
    const crashed = `${here}|${deadPid()}|links-crashed`;
    expect(await world.store.acquireLock(world.linksScope, crashed, 30 * 60_000)).toBe(true);
    const result = await world.run();
    expect(result.failed).toEqual([]);
    // The phase released the lock it took over.
    expect(await world.store.lockHolder(world.linksScope)).toBeNull();
  });

  it('refuses a real run while a live run holds it, and a dry run goes ahead', async () => {
    const { world } = await start();
    const live = `${here}|${process.ppid}|links-live`;
    expect(await world.store.acquireLock(world.linksScope, live, 30 * 60_000)).toBe(true);
    await expect(world.run()).rejects.toMatchObject({ code: 'RUN_IN_PROGRESS' });
    await expect(world.run({ dryRun: true })).resolves.toMatchObject({ failed: [] });
    expect((await world.store.lockHolder(world.linksScope))?.owner).toBe(live);
  });
});
