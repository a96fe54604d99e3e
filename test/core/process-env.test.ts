/**
 * Process settings (src/core/process-env.ts): the environment, or else the working directory's
 * `.env` — what `.env.example` promises — for the process's own names only; and the binary
 * itself finding its job database there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processEnv } from '../../src/core/process-env.js';
import { spawnCli } from '../cli/cli-process.js';

const dirs: string[] = [];
function folder(dotenv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'propsync-env-'));
  dirs.push(dir);
  if (dotenv !== undefined) writeFileSync(join(dir, '.env'), dotenv);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('process settings', () => {
  it("takes the process's own names from cwd's .env when the environment lacks them, and nothing else", () => {
    const dir = folder(
      'PROPSYNC_DATABASE_URL=postgres://file\nPROPSYNC_PUBLIC_URL=https://file.example\nHUBSPOT_TOKEN=tok\nPROPSYNC_LOG_LEVEL=\nPROPSYNC_STATE_KEY=k\n',
    );
    const env = processEnv({ PROPSYNC_PUBLIC_URL: 'https://env.example', PATH: '/bin' }, dir);
    expect(env.PROPSYNC_DATABASE_URL).toBe('postgres://file');
    // The state key is a tenant's (read with its config's .env: tenantEnv), not the process's.
    expect(env.PROPSYNC_STATE_KEY).toBeUndefined();
    expect(env.PROPSYNC_PUBLIC_URL).toBe('https://env.example');
    expect(env.PATH).toBe('/bin');
    // A tenant secret stays where the config loader reads it (per config), not in the process's settings.
    expect(env.HUBSPOT_TOKEN).toBeUndefined();
    // An empty line (as .env.example has them) sets nothing.
    expect('PROPSYNC_LOG_LEVEL' in env).toBe(false);
    expect(processEnv({ A: '1' }, folder())).toEqual({ A: '1' });
  });

  it('`propsync worker` finds PROPSYNC_DATABASE_URL in the working directory’s .env', async () => {
    const without = await spawnCli(['worker'], { cwd: folder(), timeoutMs: 60_000 });
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('no job database');
    // Port 1 answers nothing: the worker got as far as connecting, with the URL from the file.
    const dir = folder('PROPSYNC_DATABASE_URL=postgres://propsync@127.0.0.1:1/none\n');
    const withFile = await spawnCli(['worker'], { cwd: dir, timeoutMs: 60_000 });
    expect(withFile.stderr).not.toContain('no job database');
    expect(withFile.code).not.toBe(0);
  }, 120_000);
});
