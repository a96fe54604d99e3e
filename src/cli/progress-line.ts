/**
 * One self-rewriting status line on stderr for long runs: records pulled, planned, written,
 * rate and (while writing) ETA. Silent unless stderr is a TTY. Hand-written because the
 * totals are unknown while pages stream in, which progress-bar libraries assume known.
 */
import type { RunProgress } from '../run/run-connection.js';

export function createProgressLine(stream: NodeJS.WriteStream = process.stderr): {
  update(connection: string, p: RunProgress): void;
  done(): void;
} {
  const enabled = stream.isTTY === true && !process.env.CI;
  let started = Date.now();
  let last = 0;
  let current = '';
  return {
    update(connection, p) {
      if (!enabled) return;
      if (connection !== current) {
        current = connection;
        started = Date.now();
      }
      const now = Date.now();
      if (now - last < 100 && p.phase !== 'done') return;
      last = now;
      const secs = Math.max(0.001, (now - started) / 1000);
      const rate = (p.phase === 'write' ? p.written : p.pulled) / secs;
      const eta =
        p.phase === 'write' && rate > 0 ? ` · ETA ${Math.ceil((p.planned - p.written) / rate)}s` : '';
      stream.write(
        `\r\x1b[2K${connection}: pulled ${p.pulled} · planned ${p.planned} · written ${p.written} · ${rate.toFixed(0)}/s${eta}`,
      );
    },
    done() {
      if (enabled) stream.write('\r\x1b[2K');
    },
  };
}
