/**
 * Hostile tenant and mapping files (test/corpus/configs, test/corpus/mappings, and a few
 * generated here): each fails with a typed config or mapping error that says where and what,
 * runs no code, and leaves Object.prototype alone. A few go through the real CLI too.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMappings } from '../../src/app/check-mappings.js';
import { loadTenantConfig } from '../../src/config/index.js';
import { PropsyncError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';
import { REPO_ROOT, runCli } from '../cli/run-cli.js';
import { CONFIGS, corpusConfigs } from '../corpus/corpus.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const ENV = {
  PROPSYNC_CORPUS_PROPSTREET_TOKEN: 'ps-corpus-token-0123456789',
  PROPSYNC_CORPUS_HUBSPOT_TOKEN: 'pat-corpus-token-0123456789',
};
const scratch = mkdtempSync(join(tmpdir(), 'propsync-hostile-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Loads like `propsync run` does; returns the typed error (or fails the test). */
async function loadError(file: string): Promise<PropsyncError> {
  try {
    const config = await loadTenantConfig(file, { redactor, env: ENV, cwd: scratch });
    checkMappings(config, file);
  } catch (e) {
    if (e instanceof PropsyncError) return e;
    throw new Error(`${file}: not a typed error: ${e instanceof Error ? e.stack : String(e)}`);
  }
  throw new Error(`${file} loaded without an error`);
}

function noCodeRan(): void {
  for (const dir of [process.cwd(), REPO_ROOT, CONFIGS, scratch])
    expect(existsSync(join(dir, 'MARKER'))).toBe(false);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const corpus = corpusConfigs();

describe('corpus files', () => {
  it.each(corpus)('$name: $code matching $says', async ({ name, file, says, code }) => {
    const e = await loadError(file);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(says);
    // Every problem line names the file and a position in it, except a missing file.
    for (const line of e.message.split('\n').filter((l) => l.includes(name)))
      expect(line).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+ `));
    noCodeRan();
  });
});

describe('generated files', () => {
  const write = (name: string, text: string | Buffer) => {
    const file = join(scratch, name);
    writeFileSync(file, text);
    return file;
  };
  const base = (tenant: string) =>
    `tenant: ${tenant}\npropstreet:\n  token: \${PROPSYNC_CORPUS_PROPSTREET_TOKEN}\nconnections:\n  - name: hubspot\n    type: hubspot\n    accessToken: \${PROPSYNC_CORPUS_HUBSPOT_TOKEN}\n`;

  it('a 1 MB tenant name: rejected, and the message does not repeat the megabyte', async () => {
    const e = await loadError(write('huge.yaml', base('A'.repeat(1_000_000))));
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toMatch(/tenant: expected a tenant id/);
    expect(e.message.length).toBeLessThan(10_000);
  });

  it('20,000 levels of nesting: a syntax or schema error, not a stack overflow', async () => {
    const e = await loadError(
      write('deep.yaml', `${base('corpus')}state: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`),
    );
    expect(e.code).toBe('CONFIG_INVALID');
  });

  it('random bytes and a UTF-16 file: clear errors', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect((await loadError(write('bytes.yaml', bytes))).code).toBe('CONFIG_INVALID');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base('corpus'), 'utf16le')]);
    expect((await loadError(write('utf16.yaml', utf16))).code).toBe('CONFIG_INVALID');
  });

  it('ran no code and polluted nothing', () => noCodeRan());
});

describe('through the CLI', () => {
  it.each(['js-function.yaml', 'env-expression.yaml', 'merge-key-with-code.yaml'])(
    '`propsync validate %s` exits 2 with the problem, never "unexpected error"',
    async (name) => {
      const r = await runCli(['validate', join(CONFIGS, name)], { env: ENV });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+ `));
      expect(r.stderr).not.toMatch(/unexpected error/);
      for (const token of Object.values(ENV)) expect(r.stderr).not.toContain(token);
      noCodeRan();
    },
  );
});
