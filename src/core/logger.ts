import pino, { type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import { processEnv } from './process-env.js';
import type { Redactor } from './redact.js';
import { requireOnDemand } from './require-on-demand.js';

export type { Logger };

/**
 * JSON lines by default; pretty when stderr is a TTY. Logs go to stderr so stdout stays for
 * `--json` output. Known secret keys are removed structurally, and every line is passed
 * through the redactor as the last step: the one the entry point made and also gave the config
 * loader and the API clients, which register their secrets with it.
 */
export function createLogger(options: {
  level?: string;
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
  /** Required: a logger that scrubs with a redactor nobody registers with would leak. */
  redactor: Redactor;
}): Logger {
  const redactor = options.redactor;
  const level = options.level ?? processEnv().PROPSYNC_LOG_LEVEL ?? 'info';
  const dest = options.destination ?? process.stderr;
  const pretty = options.pretty ?? (process.stderr.isTTY === true && !process.env.CI);
  // Pretty printing runs in-process (not a worker transport) so that every line, pretty or
  // not, goes through the secret scrubber first. Loaded only for a terminal.
  const sink: NodeJS.WritableStream = pretty
    ? (requireOnDemand('pino-pretty') as typeof PinoPretty)({
        colorize: !process.env.NO_COLOR,
        destination: dest,
        sync: true,
      })
    : dest;
  const scrubbing = {
    write(line: string) {
      sink.write(redactor.redact(line));
    },
  };
  return pino(
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
    scrubbing,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
