/**
 * The separate scenarios (webhooks, shared-token, companies, scale-out) keep their runs in a
 * results file of their own and a marked section of RESULTS.md, which the other scenarios'
 * rewrites keep: one run per shape, the newest replacing the one it matches.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withMarkedSection } from './report-section.js';

export interface KeptRuns<T> {
  /** The results file in the output directory, e.g. `shared-token-results.json`. */
  readonly file: string;
  /** The marked section of RESULTS.md (report-section.ts). */
  readonly section: string;
  /** Whether a kept run is the one `run` replaces (same shape). */
  readonly sameAs: (kept: T, run: T) => boolean;
  /** Renders the section from every run kept. */
  readonly render: (runs: readonly T[]) => string;
  /** Reads a stored run of an older shape; identity by default. */
  readonly upgrade?: (stored: T) => T;
  readonly order?: (a: T, b: T) => number;
}

/** Keeps `run` (replacing the run of its shape) and rewrites the file and the RESULTS.md section. */
export function keepRun<T>(outDir: string, kept: KeptRuns<T>, run: T): readonly T[] {
  const file = join(outDir, kept.file);
  const upgrade = kept.upgrade ?? ((r: T) => r);
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T[]).map(upgrade) : [];
  const runs = [...earlier.filter((r) => !kept.sameAs(r, run)), run];
  if (kept.order) runs.sort(kept.order);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(file, `${JSON.stringify(runs, null, 2)}\n`);
  const md = join(outDir, 'RESULTS.md');
  const text = existsSync(md) ? readFileSync(md, 'utf8') : '# propsync benchmark results\n';
  writeFileSync(md, withMarkedSection(text, kept.section, kept.render(runs)));
  return runs;
}
