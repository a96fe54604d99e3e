/**
 * What `npm run bench` runs when no scenario is named: issue #16's "done when" set at its sizes
 * (a first sync of 10k into HubSpot measured until every ref is written, the run after it, an
 * incremental run and a quiet run, all at the tenant default 300 s overlap; a reverse first sync
 * of 2,000; the engine alone at 100k and 1M), and how long a selection should take.
 */
import { RATES } from './model.js';
import type { BenchOptions } from './results.js';

export const DONE_WHEN = {
  scenarios: [
    'initial-hubspot',
    'settle-hubspot',
    'incremental-hubspot',
    'nochange-hubspot',
    'reverse-hubspot',
    'reverse-hubspot-batch',
    'engine-dry',
    'engine-real',
    'engine-state-floor',
  ],
  n: 10_000,
  reverseN: 2_000,
  engineN: [100_000, 1_000_000],
  overlapSeconds: 300,
} as const;

/** The flags that choose the set and its sizes; undefined: not given. */
export interface SelectionFlags {
  readonly scenario?: string | undefined;
  readonly full: boolean;
  readonly quickAll: boolean;
  readonly n?: number | undefined;
  readonly reverseN?: number | undefined;
  readonly engineN?: readonly number[] | undefined;
  readonly overlap?: number | undefined;
}

export type Selection = Pick<BenchOptions, 'n' | 'reverseN' | 'engineN' | 'overlapSeconds'> & {
  /** A scenario list or group (`all`), as `--scenario` takes it. */
  readonly scenarios: string;
};

/**
 * No `--scenario`, `--full` or `--quick-all`: the done-when set. `--quick-all`: every scenario
 * at N = 500 (engine 10k, 100k). `--full`: every scenario at N = 10k (engine to 1M). Flags given
 * win over each default.
 */
export function resolveSelection(f: SelectionFlags): Selection {
  if ([f.scenario !== undefined, f.full, f.quickAll].filter(Boolean).length > 1)
    throw new Error('choose one of --scenario, --full and --quick-all');
  const doneWhen = f.scenario === undefined && !f.full && !f.quickAll;
  const n = f.n ?? (doneWhen || f.full ? DONE_WHEN.n : 500);
  return {
    scenarios: f.scenario ?? (doneWhen ? DONE_WHEN.scenarios.join(',') : 'all'),
    n,
    reverseN: f.reverseN ?? (doneWhen ? Math.min(n, DONE_WHEN.reverseN) : n),
    engineN:
      f.engineN ?? (doneWhen ? DONE_WHEN.engineN : f.full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]),
    overlapSeconds: f.overlap ?? (doneWhen ? DONE_WHEN.overlapSeconds : 5),
  };
}

/** Engine records per CPU-second assumed for the estimate (the 2026-12-02 runs on a loaded machine). */
const ENGINE_RATE = {
  'engine-dry': 15_000,
  'engine-real': 7_500,
  'engine-rerun': 8_000,
  'engine-state-floor': 40_000,
} as const;
/** Process start, probes, checks: seconds a measured run costs besides its rate-bound calls. */
const FIXED_S = 10;

/**
 * Seconds the results.json scenarios of `o` should take, each part named: Propstreet's 600/min
 * bounds the network runs (a write per record in a first sync, one per edit in an incremental
 * run), the engine runs take N over an assumed rate. Set-up runs (no limits) are not counted.
 */
export function estimate(o: Pick<BenchOptions, 'scenarios' | 'n' | 'reverseN' | 'engineN'>): {
  readonly seconds: number;
  readonly parts: readonly { readonly what: string; readonly seconds: number }[];
} {
  const parts: { what: string; seconds: number }[] = [];
  const ps = (calls: number) => calls / RATES.propstreet + FIXED_S;
  for (const s of o.scenarios) {
    const step = s.replace(/-(hubspot|salesforce)(-batch)?$/, '');
    if (step === 'initial')
      parts.push({
        what: `${s} ${o.n.toLocaleString('en')} (Propstreet write-backs)`,
        seconds: ps(o.n * 1.002),
      });
    else if (step === 'reverse') {
      const n = o.reverseN ?? o.n;
      // Through the batch upsert 100 creates a call.
      const calls = s.endsWith('-batch') ? Math.ceil(n / 100) : n * 1.002;
      parts.push({ what: `${s} ${n.toLocaleString('en')} (Propstreet creates)`, seconds: ps(calls) });
    } else if (step === 'settle')
      parts.push({
        what: s,
        seconds: Math.max(o.n / 200 / RATES.hubspotSearch, o.n / 500 / RATES.propstreet) + FIXED_S,
      });
    else if (step === 'incremental') parts.push({ what: s, seconds: ps(o.n / 100) });
    else if (step === 'incremental-echo' || step === 'nochange') parts.push({ what: s, seconds: FIXED_S });
    else if (s in ENGINE_RATE) {
      const rate = ENGINE_RATE[s as keyof typeof ENGINE_RATE];
      for (const n of o.engineN)
        parts.push({ what: `${s} ${n.toLocaleString('en')}`, seconds: n / rate + 3 });
    }
  }
  return { seconds: parts.reduce((a, p) => a + p.seconds, 0), parts };
}
