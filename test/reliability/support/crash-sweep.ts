/**
 * The crash sweep: a scenario runs once without a kill (the reference world), then once per
 * kill point n = 1, 2, … in a fresh world each time: `propsync run` as a child process,
 * SIGKILLed right after the fakes answered its n-th write (child-run.ts), then runs in process
 * until one writes nothing. The converged world must equal the reference line for line
 * (world-lines.ts: records on every side, refs and keys, jobs, the state's links, tombstones
 * and failures), and a further run must write nothing. Then the same later user edits are made
 * in both worlds and they must still agree: a lost tombstone shows there as a record created
 * again, a lost link as a duplicate. The sweep ends at the first n the run finishes before.
 * The same fakes' seed in every world, every kill point visited; a kill can land one write
 * late when two writes are answered together, so a rerun may reach a state this one did not.
 */
import type { TenantOptions } from '../../../fakes/sandbox/sandbox.js';
import { type E2E, writes } from '../../e2e/support.js';
import { dropSchema, TEST_DATABASE_URL, testSchemaName } from '../../state/pg-test-db.js';
import { type ChildRun, runChild } from './child-run.js';
import { type StateScope, worldLines } from './world-lines.js';

export type StateBackend = 'sqlite' | 'postgresql';

export interface SweepScenario {
  /** The state kinds compared. */
  readonly scopes: readonly StateScope[];
  /** A fresh world, first-synced, with its state where `state` says (spread it into the tenant). */
  readonly start: (state: Pick<TenantOptions, 'postgres'>) => Promise<E2E>;
  /** What users do before the run that is killed. */
  readonly users: (e: E2E) => void | Promise<void>;
  /** What users do after convergence, the same in every world. */
  readonly after?: (e: E2E) => void | Promise<void>;
}

export interface SweepOptions {
  readonly state: StateBackend;
  readonly log: (line: string) => void;
  /** Only these kill points (inclusive); default from 1 until a run outlives its kill point. */
  readonly killPoints?: { readonly from: number; readonly to: number } | undefined;
}

export interface SweepReport {
  /** Writes of the reference world's run. */
  readonly referenceWrites: number;
  /** Kill points at which the child was in fact killed. */
  readonly kills: number;
  /** What differed from the reference, or went wrong, per kill point: empty when all is well. */
  readonly problems: string[];
}

/**
 * `PROPSYNC_CHAOS_KILL_POINTS=9` or `=8-10`: only those kill points, to debug one; unset, all.
 */
export function killPointsFromEnv(): SweepOptions['killPoints'] {
  const raw = process.env.PROPSYNC_CHAOS_KILL_POINTS;
  if (raw === undefined || raw === '') return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw.trim());
  if (!m) throw new Error(`PROPSYNC_CHAOS_KILL_POINTS=${raw}: expected n or n-m`);
  const from = Number(m[1]);
  return { from, to: m[2] === undefined ? from : Number(m[2]) };
}

export async function crashSweep(s: SweepScenario, o: SweepOptions): Promise<SweepReport> {
  const ref = await oneWorld(s, o.state, undefined);
  o.log(`reference: ${ref.child.writes} writes, converged in ${ref.converged.runs} runs`);
  const problems = verdict(ref, ref, 'reference');
  let kills = 0;
  const from = o.killPoints?.from ?? 1;
  const to = Math.min(o.killPoints?.to ?? Number.POSITIVE_INFINITY, ref.child.writes + 1);
  for (let n = from; n <= to; n++) {
    const w = await oneWorld(s, o.state, n);
    const found = verdict(ref, w, `kill ${n}`);
    o.log(`${summary(w, `kill ${n}`)}${found.length ? ': NOT as the reference' : ''}`);
    problems.push(...found);
    if (!w.child.killed) break;
    kills++;
  }
  if (kills === 0 && !o.killPoints) problems.push('no run was killed: the sweep tried nothing');
  o.log(`${kills} kill points swept, ${problems.length ? 'with problems' : 'all ending as the reference'}`);
  return { referenceWrites: ref.child.writes, kills, problems };
}

interface Outcome {
  readonly child: ChildRun;
  /** The writes the (killed) run made, as `side METHOD path status`. */
  readonly childWrites: readonly string[];
  readonly converged: { readonly runs: number; readonly quiet: boolean };
  /** Writes of one more run after convergence, and after the later edits' convergence. */
  readonly idleWrites: number;
  readonly idleAfter: number;
  readonly atConvergence: readonly string[];
  readonly afterEdits: readonly string[];
}

const total = (w: ReturnType<typeof writes>) => w.propstreet + w.hubspot + w.salesforce;

function summary(w: Outcome, label: string): string {
  return (
    `${label} (killed=${w.child.killed}, ${w.child.writes} writes): converged in ${w.converged.runs} runs ` +
    `quiet=${w.converged.quiet}, idle writes ${w.idleWrites}/${w.idleAfter}`
  );
}

/** The world's differences from the reference and its own faults, headed by its summary; or none. */
function verdict(ref: Outcome, w: Outcome, label: string): string[] {
  const found = [
    ...diff(ref.atConvergence, w.atConvergence).map((x) => `  at convergence ${x}`),
    ...diff(ref.afterEdits, w.afterEdits).map((x) => `  after the later edits ${x}`),
  ];
  if (!w.converged.quiet) found.push(`  still writing after ${w.converged.runs} runs`);
  if (w.idleWrites || w.idleAfter) found.push(`  idle runs wrote ${w.idleWrites}/${w.idleAfter}`);
  const c = w.child;
  if (!c.killed && ((c.code !== 0 && c.code !== 1) || !c.stdout.trimStart().startsWith('{')))
    found.push(`  the unkilled run failed (exit ${c.code}): ${c.stderr.slice(-500)}`);
  if (!found.length) return [];
  return [summary(w, label), ...w.childWrites.map((x) => `  wrote ${x}`), ...found];
}

async function oneWorld(
  s: SweepScenario,
  state: StateBackend,
  killAfter: number | undefined,
): Promise<Outcome> {
  const schema = state === 'postgresql' ? testSchemaName('sweep') : undefined;
  const e = await s.start(schema ? { postgres: { url: TEST_DATABASE_URL, schema } } : {});
  try {
    await s.users(e);
    const logs = [
      ['ps', e.sb.propstreet.http.requests],
      ['hs', e.sb.hubspot?.http.requests ?? []],
      ['sf', e.sb.salesforce?.http.requests ?? []],
    ] as const;
    const starts = logs.map(([, l]) => l.length);
    let child: ChildRun;
    if (killAfter === undefined) {
      const before = total(writes(e.sb));
      await e.run();
      const written = total(writes(e.sb)) - before;
      child = { killed: false, code: 0, signal: null, stdout: '{}', stderr: '', ms: 0, writes: written };
    } else child = await runChild(e, ['run', e.configFile, '--json'], { killAt: { afterWrites: killAfter } });
    const childWrites = logs.flatMap(([side, l], i) =>
      l
        .slice(starts[i])
        .filter((r) => r.write && !r.path.startsWith('/__control'))
        .map((r) => `${side} ${r.method} ${r.path} ${r.status}`),
    );
    const converged = await converge(e);
    const atConvergence = await worldLines(e, s.scopes);
    const idleWrites = await writesOfOneRun(e);
    await s.after?.(e);
    await converge(e);
    const afterEdits = await worldLines(e, s.scopes);
    const idleAfter = await writesOfOneRun(e);
    return { child, childWrites, converged, idleWrites, idleAfter, atConvergence, afterEdits };
  } finally {
    await e.close();
    if (schema) await dropSchema(schema);
  }
}

/** Runs until one writes nothing, at most `max`. */
async function converge(e: E2E, max = 6): Promise<{ runs: number; quiet: boolean }> {
  for (let n = 1; n <= max; n++) if ((await writesOfOneRun(e)) === 0) return { runs: n, quiet: true };
  return { runs: max, quiet: false };
}

async function writesOfOneRun(e: E2E): Promise<number> {
  const before = total(writes(e.sb));
  await e.run();
  return total(writes(e.sb)) - before;
}

/** Lines of `want` missing from `got` (`- `) and lines of `got` not in `want` (`+ `), with multiplicity. */
function diff(want: readonly string[], got: readonly string[]): string[] {
  const count = (xs: readonly string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const a = count(want);
  const b = count(got);
  const out: string[] = [];
  for (const [k, n] of a) for (let i = b.get(k) ?? 0; i < n; i++) out.push(`- ${k}`);
  for (const [k, n] of b) for (let i = a.get(k) ?? 0; i < n; i++) out.push(`+ ${k}`);
  return out;
}
