/**
 * The demo's log lines go to demo.log, not between the steps it prints; a step that logged
 * warnings says so in one readable line.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Redactor } from '../../src/core/redact.js';
import { openDemoLog } from '../../src/demo/demo-log.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const dir = mkdtempSync(join(tmpdir(), 'propsync-demo-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('the demo log', () => {
  it('writes JSON lines to the file and nothing to the terminal', () => {
    const stderr = vi.spyOn(process.stderr, 'write');
    const stdout = vi.spyOn(process.stdout, 'write');
    const path = join(dir, 'demo.log');
    const log = openDemoLog(path, redactor);
    log.logger.info({ connection: 'hubspot' }, 'progress');
    log.logger.warn({ attempt: 1 }, 'propstreet request retried');
    log.logger.warn({ attempt: 2 }, 'propstreet request retried');
    log.close();
    expect(stderr).not.toHaveBeenCalled();
    expect(stdout).not.toHaveBeenCalled();
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual([
      'progress',
      'propstreet request retried',
      'propstreet request retried',
    ]);
  });

  it('counts the warnings since the last step, in one line', () => {
    const path = join(dir, 'count.log');
    const log = openDemoLog(path, redactor);
    expect(log.takeWarnings()).toBeUndefined();
    log.logger.info('not a warning');
    expect(log.takeWarnings()).toBeUndefined();
    log.logger.warn('HubSpot call failed; retrying');
    log.logger.error('run stopped');
    expect(log.takeWarnings()).toBe(`2 warnings (first: HubSpot call failed; retrying); see ${path}`);
    expect(log.takeWarnings()).toBeUndefined();
    log.close();
  });

  it('scrubs registered secrets like every log', () => {
    redactor.register('demo-log-secret-9931');
    const path = join(dir, 'secret.log');
    const log = openDemoLog(path, redactor);
    log.logger.warn({ detail: 'token demo-log-secret-9931' }, 'auth');
    log.close();
    expect(readFileSync(path, 'utf8')).not.toContain('demo-log-secret-9931');
  });
});
