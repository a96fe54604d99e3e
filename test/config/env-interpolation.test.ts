// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasReference, interpolate, interpolateString, loadEnv } from '../../src/config/env-interpolation.js';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { testdir, yamlLines } from './testdir.js';

describe('interpolateString', () => {
  it('replaces ${VAR}, keeps $${X} as a literal ${X}', () => {
    const r = interpolateString('https://${HOST}/a?b=$${NOT}&c=${PORT}', { HOST: 'h.example', PORT: '8' });
    expect(r).toEqual({
      value: 'https://h.example/a?b=${NOT}&c=8',
      used: ['HOST', 'PORT'],
      missing: [],
      badNames: [],
    });
  });

  it('reports missing variables and bad names; an empty value counts as set', () => {
    expect(interpolateString('${A}${B}${1X}', { A: '' })).toEqual({
      value: '',
      used: ['A'],
      missing: ['B'],
      badNames: ['1X'],
    });
  });

  it('hasReference ignores escaped references', () => {
    expect(hasReference('${A}')).toBe(true);
    expect(hasReference('x$${A}')).toBe(false);
    expect(hasReference('plain')).toBe(false);
  });

  it('interpolates string values only, never keys, with the path of each problem', () => {
    const r = interpolate({ '${K}': 'v', list: ['${A}', 3, { deep: '${MISSING}' }] }, { A: 'a', K: 'k' });
    expect(r.value).toEqual({ '${K}': 'v', list: ['a', 3, { deep: '' }] });
    expect(r.problems).toEqual([
      {
        path: ['list', 2, 'deep'],
        message:
          'expected environment variable MISSING to be set (in the environment or a .env file), got nothing',
      },
    ]);
  });
});

describe('.env files', () => {
  it('real env wins over the config dir .env, which wins over the cwd .env', async () => {
    const dir = await testdir({
      '.env': 'A=cwd\nB=cwd\nC=cwd\n',
      'conf/.env': 'B=conf\nC=conf\n',
    });
    const env = await loadEnv({ configDir: join(dir, 'conf'), cwd: dir, env: { C: 'real' } });
    expect([env.A, env.B, env.C]).toEqual(['cwd', 'conf', 'real']);
  });

  it('a config takes secrets from the .env next to it without touching process.env', async () => {
    const text = yamlLines(
      'tenant: acme',
      'propstreet:',
      '  token: "${PS_TOKEN_FROM_DOTENV}"',
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      '    accessToken: "pat-$${not-a-var}-${HS_TOKEN_FROM_DOTENV}"',
    );
    const dir = await testdir({
      'conf/acme.yaml': text,
      'conf/.env': 'PS_TOKEN_FROM_DOTENV=from-dotenv-0123\nHS_TOKEN_FROM_DOTENV=hs-0123\n',
    });
    const config = await loadTenantConfig(join(dir, 'conf/acme.yaml'), { env: {}, cwd: dir });
    expect(config.propstreet.auth).toEqual({ kind: 'token', token: 'from-dotenv-0123' });
    expect(config.connections[0]?.accessToken).toBe('pat-${not-a-var}-hs-0123');
    expect(process.env.PS_TOKEN_FROM_DOTENV).toBeUndefined();
  });
});
