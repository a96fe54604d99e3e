/**
 * Where the chaos suite leaves its figures for RELIABILITY.md: one JSON file per suite in
 * PROPSYNC_CHAOS_REPORT_DIR (default: the system temp folder), also printed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function writeChaosReport(name: string, seed: number, figures: Record<string, unknown>): string {
  const dir = process.env.PROPSYNC_CHAOS_REPORT_DIR || tmpdir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `propsync-chaos-${name}.json`);
  const body = { suite: name, seed, finishedAt: new Date().toISOString(), ...figures };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  process.stdout.write(`[chaos/${name}] figures in ${file}\n${JSON.stringify(body)}\n`);
  return file;
}
