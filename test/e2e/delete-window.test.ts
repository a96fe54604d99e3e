/**
 * Regression (RELIABILITY.md, bugs: "the guard forgets between runs"): 18 + 16 + 15 deletions in
 * three runs, each under `deletes.maxShare`, removed a quarter of the links. The guard now also
 * holds over `deletes.window` (24 h by default) across runs, a run killed while deleting
 * included: its deletions are recorded before they are sent.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../fakes/sandbox/sandbox.js';
import type { RequestLogEntry } from '../../fakes/shared/http-fake.js';
import { cleanEnv, cliCommand, REPO_ROOT } from '../cli/cli-process.js';
import { type E2E, seedPropstreet, startE2E, writes } from './support.js';

/** `propsync run <file>` as a child process, SIGKILLed once the Salesforce fake answers a DELETE. */
function runKilledAtFirstDelete(sb: Sandbox, file: string): Promise<{ killed: boolean }> {
  const [command, argv] = cliCommand(['run', file]);
  const child = spawn(command, argv, { cwd: REPO_ROOT, env: cleanEnv(sb.env), stdio: 'ignore' });
  let killed = false;
  const log = sb.salesforce!.http.requests;
  // The fake logs an answer just before it sends it: the delete has been applied.
  log.push = (...entries: RequestLogEntry[]) => {
    const n = Array.prototype.push.apply(log, entries);
    if (!killed && entries.some((e) => e.method === 'DELETE')) {
      killed = true;
      child.kill('SIGKILL');
    }
    return n;
  };
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => {
      Reflect.deleteProperty(log, 'push');
      resolve({ killed });
    });
  });
}

describe('the mass-delete guard holds over deletes.window across runs', () => {
  let e: E2E | undefined;
  afterEach(async () => {
    await e?.close();
    e = undefined;
  });

  const start = async (window?: string) => {
    e = await startE2E(
      { hubspot: false },
      { connection: { deletes: { maxShare: 0.1, ...(window ? { window } : {}) } } },
    );
    const ids = seedPropstreet(e.sb, 0, 60);
    expect((await e.run()).connections[0]!.result.status).toBe('ok');
    return ids;
  };
  const deleteInPropstreet = (ids: readonly string[]) => {
    for (const id of ids) e!.sb.propstreet.deleteAsUser(id);
  };
  const result = async (o: { force?: boolean } = {}) => (await e!.run(o)).connections[0]!.result;

  it('stops the run that takes the window over maxShare, though each run alone is under it', async () => {
    const ids = await start();
    deleteInPropstreet(ids.slice(0, 5)); // 5 of 60: 8.3 %
    expect((await result()).done.delete.crm).toBe(5);

    deleteInPropstreet(ids.slice(5, 9)); // 4 more: 9 of 60 within the window, 15 %
    const before = writes(e!.sb);
    const guarded = await result();
    expect(guarded.status).toBe('aborted');
    expect(guarded.abort?.code).toBe('MASS_DELETE_GUARD');
    expect(guarded.abort?.message).toContain(
      'this run would delete 4 records after 5 deleted by runs within deletes.window (24h): 9 of 60 linked records (15.0%)',
    );
    expect(writes(e!.sb)).toEqual(before);

    // --force lets them through, and what the operator accepted no longer counts.
    expect((await result({ force: true })).done.delete.crm).toBe(4);
    deleteInPropstreet(ids.slice(9, 14)); // 5 of 51: 9.8 %
    const next = await result();
    expect(next.abort).toBeUndefined();
    expect(next.done.delete.crm).toBe(5);
  });

  it('with deletes.window: 0h only each run is guarded (the old behaviour)', async () => {
    const ids = await start('0h');
    deleteInPropstreet(ids.slice(0, 5));
    expect((await result()).done.delete.crm).toBe(5);
    deleteInPropstreet(ids.slice(5, 9));
    const second = await result();
    expect(second.abort).toBeUndefined();
    expect(second.done.delete.crm).toBe(4);
  });

  it('counts the deletions of a run killed while it was deleting', async () => {
    const ids = await start();
    const file = join(e!.dir, 'demo.yaml');
    deleteInPropstreet(ids.slice(0, 4));
    expect((await runKilledAtFirstDelete(e!.sb, file)).killed).toBe(true);
    expect(e!.sb.salesforce!.control.count()).toBe(56);

    deleteInPropstreet(ids.slice(4, 7)); // 3 more: alone under the guard's minimum of 5
    const r = await result();
    expect(r.abort?.code).toBe('MASS_DELETE_GUARD');
    expect(r.abort?.message).toContain('this run would delete 3 records after 4 deleted by runs within');
    expect(e!.sb.salesforce!.control.count()).toBe(56);
  });
});
