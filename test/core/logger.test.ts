import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { Redactor } from '../../src/core/redact.js';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger scrubs every line with the redactor it is given', () => {
  it('a secret of the given redactor is gone from messages and fields, encoded or not', () => {
    const redactor = new Redactor();
    const secret = 'tenant-a-token-0123456789!';
    redactor.register(secret);
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false, destination: out.stream, redactor });
    logger.info({ url: `https://x.test/?t=${encodeURIComponent(secret)}` }, `refused ${secret}`);
    expect(out.text()).toContain('[REDACTED]');
    expect(out.text()).not.toContain(secret);
    expect(out.text()).not.toContain(encodeURIComponent(secret));
  });

  it('uses that redactor only: a secret registered with another is not its business', () => {
    const mine = new Redactor();
    const elsewhere = 'registered-with-another-redactor-42';
    const other = new Redactor();
    other.register(elsewhere);
    const out = capture();
    createLogger({ level: 'info', pretty: false, destination: out.stream, redactor: mine }).info(elsewhere);
    expect(out.text()).toContain(elsewhere);
    expect(other.redact(elsewhere)).toBe('[REDACTED]');
  });

  it('pretty (a terminal): human lines, loaded on demand, scrubbed all the same', () => {
    const redactor = new Redactor();
    const secret = 'pretty-path-token-0123456789';
    redactor.register(secret);
    const out = capture();
    createLogger({ level: 'info', pretty: true, destination: out.stream, redactor }).info(
      { url: `https://x.test/?t=${secret}` },
      `refused ${secret}`,
    );
    const text = out.text();
    expect(text).toContain('refused [REDACTED]');
    expect(text).not.toContain(secret);
    // Not a JSON line: the pretty printer ran.
    expect(() => JSON.parse(text.trim().split('\n')[0] ?? '')).toThrow();
  });
});
