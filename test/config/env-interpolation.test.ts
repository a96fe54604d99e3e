// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fixtures are YAML text with ${VAR} references
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hasReference,
  interpolate,
  interpolateString,
  loadEnv,
  tenantEnv,
} from '../../src/config/env-interpolation.js';
import { loadTenantConfig } from '../../src/config/load-tenant-config.js';
import { envRules } from '../../src/config/secret-fields.js';
import { Redactor } from '../../src/core/redact.js';
import { testdir, yamlLines } from './testdir.js';

/** This file's own: what the code under test registers with and scrubs by. */
const redactor = new Redactor();

describe('interpolateString', () => {
  it('replaces ${VAR}, keeps $${X} as a literal ${X}', () => {
    const r = interpolateString('https://${HOST}/a?b=$${NOT}&c=${PORT}', { HOST: 'h.example', PORT: '8' });
    expect(r).toEqual({
      value: 'https://h.example/a?b=${NOT}&c=8',
      used: ['HOST', 'PORT'],
      missing: [],
      badNames: [],
      refused: [],
      unclosed: false,
    });
  });

  it('reports missing, refused and badly named variables and an open ${; an empty value counts as set', () => {
    const only = (name: string) => name !== 'AWS_SECRET_ACCESS_KEY';
    expect(
      interpolateString(
        '${A}${B}${1X}${AWS_SECRET_ACCESS_KEY}${OPEN',
        { A: '', AWS_SECRET_ACCESS_KEY: 'k' },
        only,
      ),
    ).toEqual({
      value: '',
      used: ['A'],
      missing: ['B'],
      badNames: ['1X'],
      refused: ['AWS_SECRET_ACCESS_KEY'],
      unclosed: true,
    });
  });

  it('hasReference ignores escaped references', () => {
    expect(hasReference('${A}')).toBe(true);
    expect(hasReference('x$${A}')).toBe(false);
    expect(hasReference('plain')).toBe(false);
  });
});

describe("interpolate: secret fields only, the tenant's own variables only", () => {
  const env = { PROPSYNC_ACME_TOKEN: 'acme-token-0123', AWS_SECRET_ACCESS_KEY: 'aws-key-0123456789' };
  const rules = envRules({ tenant: 'acme' });

  it('a secret field reads a PROPSYNC_<TENANT>_ variable, and its value is returned as a secret', () => {
    const r = interpolate(
      { tenant: 'acme', propstreet: { token: 'Bearer ${PROPSYNC_ACME_TOKEN}' } },
      env,
      rules,
    );
    expect(r.value).toEqual({ tenant: 'acme', propstreet: { token: 'Bearer acme-token-0123' } });
    expect(r.problems).toEqual([]);
    expect(r.secrets).toEqual(['acme-token-0123']);
  });

  it('a secret field may not read any other variable', () => {
    const r = interpolate({ propstreet: { token: '${AWS_SECRET_ACCESS_KEY}' } }, env, rules);
    expect(r.value).toEqual({ propstreet: { token: '' } });
    expect(r.secrets).toEqual([]);
    expect(r.problems).toEqual([
      {
        path: ['propstreet', 'token'],
        message: 'expected a variable of tenant acme, named PROPSYNC_ACME_…, got ${AWS_SECRET_ACCESS_KEY}',
      },
    ]);
  });

  it("nor another tenant's (acme-eu reads PROPSYNC_ACME_EU_…, not PROPSYNC_ACME_…)", () => {
    const r = interpolate(
      { connections: [{ accessToken: '${PROPSYNC_ACME_TOKEN}' }] },
      env,
      envRules({ tenant: 'acme-eu' }),
    );
    expect(r.problems.map((p) => p.message)).toEqual([
      'expected a variable of tenant acme-eu, named PROPSYNC_ACME_EU_…, got ${PROPSYNC_ACME_TOKEN}',
    ]);
  });

  it('state.postgres may also read PROPSYNC_DATABASE_URL', () => {
    const r = interpolate(
      { state: { postgres: '${PROPSYNC_DATABASE_URL}' } },
      { PROPSYNC_DATABASE_URL: 'postgres://x' },
      rules,
    );
    expect(r).toEqual({
      value: { state: { postgres: 'postgres://x' } },
      problems: [],
      secrets: ['postgres://x'],
    });
  });

  it('anywhere else a ${ is refused, in values and keys, and $${ stays a literal', () => {
    const r = interpolate(
      {
        propstreet: { baseUrl: 'https://${AWS_SECRET_ACCESS_KEY}.example' },
        connections: [
          {
            mappingOverrides: {
              fields: { phone: { default: '${AWS_SECRET_ACCESS_KEY}', note: 'costs $${X}' } },
            },
          },
        ],
        '${K}': 'v',
      },
      env,
      rules,
    );
    expect(JSON.stringify(r.value)).not.toContain('aws-key');
    expect(r.value).toMatchObject({
      connections: [{ mappingOverrides: { fields: { phone: { note: 'costs ${X}' } } } }],
    });
    expect(r.secrets).toEqual([]);
    const refused = '(only secret fields read the environment; write $${…} for a literal)';
    expect(r.problems).toEqual([
      {
        path: ['propstreet', 'baseUrl'],
        at: 'value',
        message: `expected no \${…} here ${refused}, got "\${AWS_SECRET_ACCESS_KEY}"`,
      },
      {
        path: ['connections', 0, 'mappingOverrides', 'fields', 'phone', 'default'],
        at: 'value',
        message: `expected no \${…} here ${refused}, got "\${AWS_SECRET_ACCESS_KEY}"`,
      },
      { path: ['${K}'], at: 'key', message: `expected no \${…} here ${refused}, got "\${K}"` },
    ]);
  });

  it('without a valid tenant id nothing is read (the tenant problem is reported instead)', () => {
    const r = interpolate(
      { propstreet: { token: '${PROPSYNC_ACME_TOKEN}' } },
      env,
      envRules({ tenant: 'Not Valid' }),
    );
    expect(r).toEqual({
      value: { propstreet: { token: '${PROPSYNC_ACME_TOKEN}' } },
      problems: [],
      secrets: [],
    });
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

  it("a tenant's process-side readers (state key, webhook secrets) see the same order, where an empty value sets nothing", async () => {
    const dir = await testdir({
      '.env': 'PROPSYNC_STATE_KEY=from-cwd\nA=cwd\nB=cwd\n',
      // As a .env copied from .env.example has it: the empty line must not hide the key.
      'conf/.env': 'PROPSYNC_STATE_KEY=\nA=conf\n',
    });
    const config = { file: join(dir, 'conf', 'acme.yaml') };
    const env = tenantEnv(config, { B: 'real', C: '' }, dir);
    expect([env.PROPSYNC_STATE_KEY, env.A, env.B, env.C]).toEqual(['from-cwd', 'conf', 'real', undefined]);
    expect(tenantEnv(config, { PROPSYNC_STATE_KEY: 'real' }, dir).PROPSYNC_STATE_KEY).toBe('real');
  });

  it('a config takes secrets from the .env next to it without touching process.env', async () => {
    const text = yamlLines(
      'tenant: acme',
      'propstreet:',
      '  token: "${PROPSYNC_ACME_PS_TOKEN_FROM_DOTENV}"',
      'connections:',
      '  - name: hubspot',
      '    type: hubspot',
      '    accessToken: "pat-$${not-a-var}-${PROPSYNC_ACME_HS_TOKEN_FROM_DOTENV}"',
    );
    const dir = await testdir({
      'conf/acme.yaml': text,
      'conf/.env':
        'PROPSYNC_ACME_PS_TOKEN_FROM_DOTENV=from-dotenv-0123\nPROPSYNC_ACME_HS_TOKEN_FROM_DOTENV=hs-0123\n',
    });
    const config = await loadTenantConfig(join(dir, 'conf/acme.yaml'), { redactor, env: {}, cwd: dir });
    expect(config.propstreet.auth).toEqual({ kind: 'token', token: 'from-dotenv-0123' });
    expect(config.connections[0]?.accessToken).toBe('pat-${not-a-var}-hs-0123');
    expect(process.env.PROPSYNC_ACME_PS_TOKEN_FROM_DOTENV).toBeUndefined();
  });
});
