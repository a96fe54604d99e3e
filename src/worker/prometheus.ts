/**
 * Counters, gauges and a histogram in the Prometheus text exposition format (0.0.4).
 *
 * Hand-written instead of prom-client (not a dependency here): the worker needs three metric
 * types, labels and one render function, about a hundred lines, and no process/GC
 * collectors. If the project adds prom-client, `Registry.render()` is the only caller-facing
 * piece to swap.
 */
export type Labels = Readonly<Record<string, string>>;

interface Metric {
  readonly name: string;
  render(): Promise<string[]> | string[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function num(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
}

/** Series keyed by their label set, in the order label names were declared. */
class Series<V> {
  private readonly values = new Map<string, { labels: Labels; value: V }>();
  constructor(private readonly labelNames: readonly string[]) {}
  get(labels: Labels, init: () => V): V {
    const ordered: Record<string, string> = {};
    for (const n of this.labelNames) ordered[n] = labels[n] ?? '';
    const key = JSON.stringify(ordered);
    let entry = this.values.get(key);
    if (!entry) {
      entry = { labels: ordered, value: init() };
      this.values.set(key, entry);
    }
    return entry.value;
  }
  entries() {
    return [...this.values.values()];
  }
}

export class Counter implements Metric {
  private readonly series: Series<{ n: number }>;
  constructor(
    readonly name: string,
    private readonly help: string,
    labelNames: readonly string[] = [],
  ) {
    this.series = new Series(labelNames);
  }
  inc(labels: Labels = {}, by = 1): void {
    this.series.get(labels, () => ({ n: 0 })).n += by;
  }
  render(): string[] {
    const lines = header(this.name, this.help, 'counter');
    for (const { labels, value } of this.series.entries())
      lines.push(`${this.name}${labelText(labels)} ${num(value.n)}`);
    return lines;
  }
}

export class Gauge implements Metric {
  private readonly series: Series<{ n: number }>;
  constructor(
    readonly name: string,
    private readonly help: string,
    labelNames: readonly string[] = [],
    /** Sampled at every scrape (e.g. the queue depth), instead of set by the code. */
    private readonly collect?: () => Promise<number>,
  ) {
    this.series = new Series(labelNames);
  }
  set(labels: Labels, value: number): void {
    this.series.get(labels, () => ({ n: 0 })).n = value;
  }
  async render(): Promise<string[]> {
    // A failed sample (database down) keeps the last value; /healthz reports the outage.
    if (this.collect)
      await this.collect().then(
        (v) => this.set({}, v),
        () => undefined,
      );
    const lines = header(this.name, this.help, 'gauge');
    for (const { labels, value } of this.series.entries())
      lines.push(`${this.name}${labelText(labels)} ${num(value.n)}`);
    return lines;
  }
}

export class Histogram implements Metric {
  private readonly series: Series<{ counts: number[]; sum: number; count: number }>;
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
    labelNames: readonly string[] = [],
  ) {
    this.series = new Series(labelNames);
  }
  observe(labels: Labels, value: number): void {
    const s = this.series.get(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    this.buckets.forEach((le, i) => {
      if (value <= le) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += value;
    s.count += 1;
  }
  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    for (const { labels, value } of this.series.entries()) {
      this.buckets.forEach((le, i) => {
        lines.push(`${this.name}_bucket${labelText({ ...labels, le: num(le) })} ${value.counts[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${value.count}`);
      lines.push(`${this.name}_sum${labelText(labels)} ${num(value.sum)}`);
      lines.push(`${this.name}_count${labelText(labels)} ${value.count}`);
    }
    return lines;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }
  async render(): Promise<string> {
    const blocks = await Promise.all(this.metrics.map((m) => m.render()));
    return `${blocks.flat().join('\n')}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
