/**
 * `npm run fakes` as a user runs it: `--help`, the default seed, and stopping it by pid. These
 * are about the process (its signals, its children), so they spawn it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.js';

const TIMEOUT = 120_000;

function start(command: string, args: readonly string[]): ChildProcess {
  return spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess): { out: () => string } {
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  return { out: () => out };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('close', (code) => resolve(code));
  });
}

/** Resolves with all output once the fakes print "Ctrl-C to stop." */
function ready(child: ChildProcess, output: { out: () => string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (output.out().includes('Ctrl-C to stop.')) resolve(output.out());
    };
    child.stdout?.on('data', check);
    child.on('close', () => reject(new Error(`fakes exited before starting:\n${output.out()}`)));
    setTimeout(() => reject(new Error(`fakes did not start:\n${output.out()}`)), 60_000).unref();
  });
}

function refuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

function ports(banner: string): number[] {
  return [...banner.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1]));
}

/** The pids of the process's children (Linux /proc). */
async function childrenOf(pid: number): Promise<number[]> {
  const { readFileSync } = await import('node:fs');
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('npm run fakes', () => {
  it(
    '--help lists the options and exits 0',
    async () => {
      const child = start('npm', ['run', '--silent', 'fakes', '--', '--help']);
      const output = collect(child);
      expect(await exited(child)).toBe(0);
      for (const option of ['--seed-contacts', '--latency', '--propstreet-per-minute', '--help'])
        expect(output.out()).toContain(option);
      expect(output.out()).not.toContain('ERR_PARSE_ARGS');
    },
    TIMEOUT,
  );

  it(
    'an unknown option is a usage error (exit 2) with the help, not a stack trace',
    async () => {
      const child = start('npm', ['run', '--silent', 'fakes', '--', '--nope']);
      const output = collect(child);
      expect(await exited(child)).toBe(2);
      expect(output.out()).toContain('--seed-contacts');
      expect(output.out()).not.toMatch(/\n\s+at /);
    },
    TIMEOUT,
  );

  it(
    'seeds a few hundred contacts by default, and SIGTERM to the npm process stops the servers',
    async () => {
      const child = start('npm', ['run', 'fakes']);
      const banner = await ready(child, collect(child));
      expect(banner).toMatch(/; 300 contacts\)/);
      const [propstreet] = ports(banner);
      if (propstreet === undefined) throw new Error(banner);
      const res = await fetch(`http://127.0.0.1:${propstreet}/__control/contacts`);
      expect(((await res.json()) as unknown[]).length).toBe(300);
      child.kill('SIGTERM');
      await exited(child);
      for (const port of ports(banner)) expect(await refuses(port)).toBe(true);
    },
    TIMEOUT,
  );

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s to the process serving the fakes stops the servers',
    async (signal) => {
      const child = start('npm', ['run', 'fakes', '--', '--seed-contacts', '0']);
      const banner = await ready(child, collect(child));
      expect(banner).toMatch(/; 0 contacts\)/);
      // npm → (sh →) tsx → node running serve.ts: the last of the chain owns the servers.
      // Which shells sit in between differs between machines, so the chain is walked.
      let server = child.pid ?? 0;
      for (;;) {
        const [next] = await childrenOf(server);
        if (next === undefined) break;
        server = next;
      }
      if (server === child.pid) throw new Error('no child of npm');
      process.kill(server, signal);
      // With the tsx process gone, npm ends too; the servers must not outlive them.
      await exited(child);
      const deadline = Date.now() + 30_000;
      for (const port of ports(banner)) {
        while (!(await refuses(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(await refuses(port)).toBe(true);
      }
    },
    TIMEOUT,
  );
});
