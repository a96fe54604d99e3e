/** `propsync worker` refuses to start without a reachable queue database, saying why. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.js';

describe('propsync worker start-up', () => {
  it('exits 5 naming the database (never its password) when it is unreachable', async () => {
    const res = await runCli(['worker', '--database', 'postgres://propsync:s3cret-pw@127.0.0.1:1/queue']);
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('cannot use the job database 127.0.0.1:1/queue');
    expect(res.stderr).toContain('ECONNREFUSED');
    expect(res.stderr).not.toContain('s3cret-pw');
  });

  it('exits 2 when no database is given', async () => {
    const res = await runCli(['worker']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('give --database <url> or set PROPSYNC_DATABASE_URL');
  });
});
