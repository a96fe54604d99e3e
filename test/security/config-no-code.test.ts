/**
 * A tenant file is data: YAML tags that construct code, merge keys that smuggle it in, and
 * `${…}` that looks like an expression all fail to load without running anything, and `${NAME}`
 * only ever reads a variable's text. Each payload would create a marker file if it ran.
 * (test/reliability/hostile-config.test.ts runs the wider corpus of broken files.)
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTenantConfig } from '../../src/config/index.js';
import { PropsyncError } from '../../src/core/errors.js';
import { Redactor } from '../../src/core/redact.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

const dir = mkdtempSync(join(tmpdir(), 'propsync-no-code-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const marker = join(dir, 'MARKER');
const touch = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran')`;
const shell = `touch ${marker}`;

/** A config file's `${NAME}` reference. */
const ref = (name: string) => `\${${name}}`;
const tenant = (extra: string, token = ref('PROPSYNC_ACME_PS_TOKEN')) =>
  `tenant: acme\npropstreet:\n  baseUrl: http://127.0.0.1:9\n  token: ${token}\nconnections:\n  - name: hubspot\n    type: hubspot\n    accessToken: \${PROPSYNC_ACME_HS_TOKEN}\n${extra}`;
const ENV = {
  PROPSYNC_ACME_PS_TOKEN: 'ps-token-for-no-code-0001',
  PROPSYNC_ACME_HS_TOKEN: 'hs-token-for-no-code-0002',
};

async function load(text: string, env: Record<string, string> = ENV) {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return loadTenantConfig(file, { redactor, env, cwd: dir });
}

describe('config files cannot execute code', () => {
  it.each([
    ['!!js/function', `schedule: !!js/function "function () { ${touch} }"\n`],
    ['!!js/eval', `schedule: !!js/eval "${touch.replace(/"/g, '\\"')}"\n`],
    ['a verbatim js tag', `schedule: !<tag:yaml.org,2002:js/function> "function () { ${touch} }"\n`],
    ['!!python/object/apply', `schedule: !!python/object/apply:os.system ["${shell}"]\n`],
    [
      'a merge key carrying a tag',
      `x: &x\n  chunkSize: !!js/function "function () { ${touch} }"\nlog:\n  <<: *x\n`,
    ],
  ])('%s is refused, not run', async (_name, extra) => {
    const error = await load(tenant(extra)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PropsyncError);
    expect((error as PropsyncError).code).toBe('CONFIG_INVALID');
    expect(existsSync(marker)).toBe(false);
  });

  it('a reference holding an expression is refused as a bad variable name', async () => {
    const expression = `require("fs").writeFileSync(${JSON.stringify(marker)}, "ran")`;
    const error = await load(tenant('', `'\${${expression}}'`)).catch((e: unknown) => e);
    expect((error as PropsyncError).message).toMatch(/expected \$\{NAME\} with letters, digits and _/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a reference takes the variable as text, even when the text looks like code or a shell', async () => {
    const value = `$(${shell}) \`${shell}\` \${${touch}} \${PROPSYNC_ACME_HS_TOKEN}`;
    const config = await load(tenant(''), { ...ENV, PROPSYNC_ACME_PS_TOKEN: value });
    expect(config.propstreet.auth).toEqual({ kind: 'token', token: value });
    expect(existsSync(marker)).toBe(false);
  });

  it('a .env next to the config is read as text too, never expanded or executed', async () => {
    writeFileSync(
      join(dir, '.env'),
      `PROPSYNC_ACME_PS_TOKEN=$(${shell})\nPROPSYNC_ACME_HS_TOKEN=\${PROPSYNC_ACME_PS_TOKEN}-and-more\n`,
    );
    try {
      const config = await load(tenant(''), {});
      expect(config.propstreet.auth).toEqual({ kind: 'token', token: `$(${shell})` });
      expect(existsSync(marker)).toBe(false);
    } finally {
      rmSync(join(dir, '.env'));
    }
  });
});
