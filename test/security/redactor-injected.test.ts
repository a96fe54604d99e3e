/**
 * The redactor is injected, never global (issue #13): a client registers the tokens it is
 * issued with the `Redactor` it was given, scrubs its errors with that one, and no other
 * redactor learns them. A structural guard keeps a process-wide redactor from coming back.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { type HubSpotFake, startHubSpotFake } from '../../fakes/hubspot/hubspot-fake.js';
import {
  PROPSTREET_FAKE_CLIENT,
  type PropstreetFake,
  startPropstreetFake,
} from '../../fakes/propstreet/server.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';
import { createHubSpotAdapter } from '../../src/crm/hubspot/hubspot-adapter.js';
import { clientCredentialsTokenSource } from '../../src/propstreet/client-credentials.js';
import { createPropstreetClient } from '../../src/propstreet/index.js';
import { REPO_ROOT } from '../cli/run-cli.js';
import { FAST, FAST_LIMITS, KEY, MAPPED } from '../crm/hubspot/hubspot-harness.js';

const SRC = join(REPO_ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** A log that keeps its lines, scrubbed by `redactor`. */
function capturedLogger(redactor: Redactor) {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return {
    logger: createLogger({ level: 'trace', pretty: false, destination, redactor }),
    text: () => text,
  };
}

/** A fault body that quotes the newest issued token, evaluated when the fake answers. */
const echoing = (issued: () => readonly string[], shape: (echo: string) => object) => ({
  toJSON: () => shape(`Authorization: Bearer ${issued().at(-1) ?? 'none-issued-yet'}`),
});

describe('no process-wide redactor (structural guard)', () => {
  const files = sourceFiles(SRC);

  it('src has no processRedactor and no free registerSecret/redactText/redactDeep', () => {
    expect(files.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        // A method call (`redactor.redactDeep(`) or the method's definition is fine; a bare call is not.
        if (/\bprocessRedactor\b|(?<![.\w])(registerSecret|redactText|redactDeep)\s*\(/.test(line))
          found.push(`${relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('a Redactor is made only at the entry point, and never at module level', () => {
    const makers = files.filter((f) => /new Redactor\(/.test(readFileSync(f, 'utf8')));
    expect(makers.map((f) => relative(SRC, f))).toEqual([join('cli', 'program.ts')]);
    const moduleLevel = files.filter((f) =>
      /^(export )?(const|let|var) \w+\s*(:\s*Redactor\s*)?= new Redactor\(/m.test(readFileSync(f, 'utf8')),
    );
    expect(moduleLevel).toEqual([]);
  });
});

describe('a client registers what it is issued with the redactor it was given, and only there', () => {
  let hubspot: HubSpotFake | undefined;
  let propstreet: PropstreetFake | undefined;
  afterEach(async () => {
    await hubspot?.close();
    await propstreet?.close();
    hubspot = propstreet = undefined;
  });

  it('HubSpot OAuth: the issued token is scrubbed from the echoed error and the log by A, unknown to B', async () => {
    hubspot = await startHubSpotFake({ ...FAST, customProperties: [{ name: KEY, hasUniqueValue: true }] });
    const fake = hubspot;
    fake.http.faults.add({
      kind: 'status',
      status: 400,
      path: '/batch/read',
      body: echoing(
        () => fake.oauth.issuedTokens(),
        (echo) => ({ status: 'error', message: echo, category: 'VALIDATION_ERROR' }),
      ),
      times: 1,
    });
    const a = new Redactor();
    const b = new Redactor();
    const log = capturedLogger(a);
    const adapter = createHubSpotAdapter({
      redactor: a,
      oauth: fake.oauth.app,
      basePath: fake.url,
      properties: MAPPED,
      limits: FAST_LIMITS,
      logger: log.logger,
    });
    const error = await adapter.readByIds(['1']).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const [token = ''] = fake.oauth.issuedTokens();
    expect(token.length).toBeGreaterThanOrEqual(8);
    expect(error?.message).toContain('Authorization: Bearer [REDACTED]');
    expect(error?.message).not.toContain(token);
    log.logger.error({ err: `echoed ${token}` }, `the token was ${token}`);
    expect(log.text()).toContain('the token was [REDACTED]');
    expect(log.text()).not.toContain(token);
    expect(a.redact(`x ${token} y`)).toBe('x [REDACTED] y');
    // Registered nowhere else: another redactor (another tenant's, a test's) has not seen it.
    expect(b.redact(`x ${token} y`)).toBe(`x ${token} y`);
    expect(b.redact(fake.oauth.app.clientSecret)).toBe(fake.oauth.app.clientSecret);
  });

  it('Propstreet client credentials: the issued token is scrubbed from the echoed error by A, unknown to B', async () => {
    propstreet = await startPropstreetFake();
    const fake = propstreet;
    fake.seed([{ firstName: 'Echo' }]);
    fake.http.faults.add({
      kind: 'status',
      status: 400,
      method: 'GET',
      path: '/contacts',
      headers: { 'content-type': 'application/problem+json' },
      body: echoing(
        () => fake.issuedTokens(),
        (echo) => ({ type: 'about:blank', title: 'Bad Request', status: 400, detail: echo }),
      ),
      times: 1,
    });
    const a = new Redactor();
    const b = new Redactor();
    const log = capturedLogger(a);
    const source = clientCredentialsTokenSource(
      { tokenUrl: `${fake.url}/openid/token`, ...PROPSTREET_FAKE_CLIENT },
      { clock: systemClock, logger: log.logger, redactor: a },
    );
    const client = createPropstreetClient({
      redactor: a,
      baseUrl: fake.url,
      token: source,
      logger: log.logger,
    });
    try {
      const error = await (async () => {
        for await (const _page of client.listContacts()) break;
      })().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      const [token = ''] = fake.issuedTokens();
      expect(token.length).toBeGreaterThanOrEqual(8);
      expect(error?.message).toContain('Bearer [REDACTED]');
      expect(error?.message).not.toContain(token);
      expect(log.text()).not.toContain(token);
      expect(a.redact(token)).toBe('[REDACTED]');
      expect(b.redact(token)).toBe(token);
      expect(b.redact(PROPSTREET_FAKE_CLIENT.clientSecret)).toBe(PROPSTREET_FAKE_CLIENT.clientSecret);
    } finally {
      await client.close();
    }
  });
});
