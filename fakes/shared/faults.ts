/**
 * Fault injection shared by the three fakes. A rule matches requests by method and path and
 * fires with a probability, a limited number of times. Faults act before the handler, so an
 * injected failure never half-applies a write (except `drop-after`, which applies the write
 * and then drops the connection: the classic "did my write land?" case).
 */
import { seededRandom } from './seeded-random.js';

export type FaultKind =
  | 'status' // answer with `status`, `body`, `headers` (5xx, 429 with Retry-After, 423…)
  | 'timeout' // accept the request and never answer (until the client gives up)
  | 'drop' // destroy the socket before answering; the write is not applied
  | 'drop-after' // apply the request, then destroy the socket instead of answering
  | 'malformed' // answer 200 with a body that is not JSON
  | 'latency' // add `latencyMs` and carry on
  | 'hold'; // wait for `hold` (a test's condition), then carry on

export interface FaultRule {
  readonly kind: FaultKind;
  readonly method?: string;
  /** A substring or a regular expression of the path (without query). */
  readonly path?: string | RegExp;
  /** 0..1, default 1. */
  readonly probability?: number;
  /** Fire at most this many times, then the rule is spent. */
  readonly times?: number;
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly latencyMs?: number;
  /** `hold`: resolves when the request may go on; given the request's query string. */
  readonly hold?: (query: URLSearchParams) => Promise<void>;
}

interface LiveRule extends FaultRule {
  fired: number;
}

export class FaultInjector {
  private rules: LiveRule[] = [];
  private random: () => number;
  /** Latency added to every request: fixed, or drawn uniformly from [min, max]. */
  private baseLatency: { min: number; max: number } = { min: 0, max: 0 };

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, fired: 0 });
  }

  clear(): void {
    this.rules = [];
    this.baseLatency = { min: 0, max: 0 };
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  setLatency(min: number, max = min): void {
    this.baseLatency = { min, max };
  }

  latencyMs(): number {
    const { min, max } = this.baseLatency;
    return max <= min ? min : min + Math.floor(this.random() * (max - min + 1));
  }

  /** The faults that fire for this request, latency rules first. */
  pick(method: string, path: string): FaultRule[] {
    const out: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path !== undefined) {
        const hit = typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
        if (!hit) continue;
      }
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (this.random() >= (rule.probability ?? 1)) continue;
      rule.fired++;
      out.push(rule);
    }
    return out.sort((a, b) => (a.kind === 'latency' ? -1 : 0) - (b.kind === 'latency' ? -1 : 0));
  }
}
