import pino, { type Logger } from 'pino';
import { redactText } from './redact.js';

export type { Logger };

/**
 * JSON lines by default; pretty when stderr is a TTY. Logs go to stderr so stdout stays for
 * `--json` output. Known secret keys are removed structurally, and every line is passed
 * through the registered-secret scrubber as the last step.
 */
export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const level = options.level ?? process.env.PROPSYNC_LOG_LEVEL ?? 'info';
  const dest = options.destination ?? process.stderr;
  const pretty = options.pretty ?? (process.stderr.isTTY === true && !process.env.NO_COLOR);
  const scrubbing = {
    write(line: string) {
      dest.write(redactText(line));
    },
  };
  const base = pino(
    {
      level,
      base: null,
      redact: {
        paths: [
          '*.token',
          '*.accessToken',
          '*.refreshToken',
          '*.clientSecret',
          '*.authorization',
          'headers.authorization',
        ],
        censor: '[REDACTED]',
      },
    },
    pretty
      ? pino.transport({
          target: 'pino-pretty',
          options: { destination: 2, colorize: !process.env.NO_COLOR },
        })
      : scrubbing,
  );
  return base;
}

export const silentLogger: Logger = pino({ level: 'silent' });
