/**
 * Metrics updated on every review, kept as plain numbers and handed to prom-client only when scraped.
 *
 * prom-client is used for everything else (registry, exposition, process metrics), but its labelled
 * `inc()` / `observe()` hash and validate the label set on each call: measured here 250 ns per counter
 * increment and 310 ns per histogram observation in a tight loop against 13 ns for a plain bucket count, and
 * taking both off the request path raised the webhook's throughput by about 7% of the bare server's. The
 * label sets here come from closed sets (webhook, operation, decision), so a slot per set is all it takes.
 */
import { Counter, type Metric, type MetricObjectWithValues, type MetricValueWithName, type Registry } from 'prom-client';

type Labels = Record<string, string>;

/** A prom-client Counter whose increments accumulate in plain numbers and are published on each scrape. */
export class DeferredCounter<L extends string> {
  private readonly slots = new Map<string, { labels: Labels; total: number; published: number }>();

  constructor(opts: { name: string; help: string; labelNames: readonly L[]; registry: Registry }) {
    const slots = this.slots;
    new Counter<L>({
      name: opts.name,
      help: opts.help,
      labelNames: opts.labelNames,
      registers: [opts.registry],
      collect() {
        for (const s of slots.values()) {
          if (s.total === s.published) continue;
          this.inc(s.labels as Partial<Record<L, string>>, s.total - s.published);
          s.published = s.total;
        }
      },
    });
  }

  /** `key` names the label set (any string unique to it); `labels` is read only the first time it is seen. */
  inc(key: string, labels: () => Record<L, string>): void {
    const slot = this.slots.get(key);
    if (slot) slot.total++;
    else this.slots.set(key, { labels: labels(), total: 1, published: 0 });
  }

  /** The count so far, published or not (tests). */
  value(key: string): number {
    return this.slots.get(key)?.total ?? 0;
  }
}

/**
 * A histogram with one label whose values are known up front. Registered in the prom-client registry as a
 * metric of its own (prom-client calls only `get()` and `reset()`), printed exactly as a prom-client
 * Histogram with the same buckets and labels would be.
 */
export class FixedLabelHistogram<V extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly label: string;
  private readonly bounds: readonly number[];
  private readonly series: Map<V, { counts: Float64Array; sum: number; count: number }>;

  constructor(opts: { name: string; help: string; buckets: readonly number[]; label: string; values: readonly V[]; registry: Registry }) {
    this.name = opts.name;
    this.label = opts.label;
    this.help = opts.help;
    this.bounds = [...opts.buckets].sort((a, b) => a - b);
    this.series = new Map(opts.values.map((v) => [v, { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 }]));
    opts.registry.registerMetric(this as unknown as Metric);
  }

  /** Counts `seconds` in the first bucket that holds it (the last slot is +Inf). */
  observe(value: V, seconds: number): void {
    const s = this.series.get(value);
    if (s === undefined || !Number.isFinite(seconds)) return;
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]) i++;
    s.counts[i]++;
    s.sum += seconds;
    s.count++;
  }

  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: Array<MetricValueWithName<string>> = [];
    for (const [v, s] of this.series) {
      if (s.count === 0) continue; // as prom-client: a label set appears once it has been observed
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += s.counts[i];
        const le = i < this.bounds.length ? this.bounds[i] : '+Inf';
        values.push({ value: cumulative, metricName: `${this.name}_bucket`, labels: { le, [this.label]: v } });
      }
      values.push({ value: s.sum, metricName: `${this.name}_sum`, labels: { [this.label]: v } });
      values.push({ value: s.count, metricName: `${this.name}_count`, labels: { [this.label]: v } });
    }
    return { name: this.name, help: this.help, type: this.type as never, values, aggregator: this.aggregator, collect: () => undefined };
  }

  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
