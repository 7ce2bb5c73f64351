import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';

/** Label values of one series. */
export type Labels = Readonly<Record<string, string>>;

/**
 * One metric family made from a state `S` at each scrape: its name, HELP (words for a person
 * reading the exposition), type, label names (a bounded set, README "Metrics"), and its series.
 */
export interface Family<S> {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly labels: readonly string[];
  readonly series: (state: S) => Iterable<readonly [Labels, number]>;
}

/** A histogram observed as the state changes (sample durations), not made at scrape time. */
export interface HistogramFamily {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
}

export interface Rendered {
  readonly contentType: string;
  readonly body: string;
}

/** Whether an Accept header asks for OpenMetrics (what Prometheus sends when it prefers it). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

/**
 * The Prometheus exposition of a state, made by prom-client in both formats: the text format,
 * and OpenMetrics for a scraper whose Accept header asks for it. Each format has its own
 * registry (prom-client renames counters in place for OpenMetrics); every family reads the
 * state at scrape time through `collect`, so a scrape shows the newest state and changes none.
 * A scrape before the first state shows the families without series.
 */
export class Exposition<S> {
  private readonly registries: readonly [Registry<RegistryContentType>, Registry<RegistryContentType>];
  private readonly histograms = new Map<string, Histogram[]>();

  constructor(families: readonly Family<S>[], state: () => S | null, histograms: readonly HistogramFamily[] = []) {
    const text = new Registry<RegistryContentType>();
    const openMetrics = new Registry<RegistryContentType>();
    openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    this.registries = [text, openMetrics];
    for (const registry of this.registries) {
      for (const family of families) register(registry, family, state);
      for (const h of histograms) {
        const made = new Histogram({ name: h.name, help: h.help, buckets: [...h.buckets], registers: [registry] });
        this.histograms.set(h.name, [...(this.histograms.get(h.name) ?? []), made]);
      }
    }
  }

  observe(histogram: string, value: number): void {
    for (const h of this.histograms.get(histogram) ?? []) h.observe(value);
  }

  async render(accept: string | undefined): Promise<Rendered> {
    const registry = this.registries[wantsOpenMetrics(accept) ? 1 : 0];
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
}

function register<S>(registry: Registry<RegistryContentType>, family: Family<S>, state: () => S | null): void {
  const common = { name: family.name, help: family.help, labelNames: [...family.labels], registers: [registry] };
  if (family.type === 'gauge') {
    new Gauge({
      ...common,
      collect() {
        this.reset();
        const s = state();
        if (s !== null) for (const [labels, value] of family.series(s)) this.set(labels, value);
      },
    });
  } else {
    new Counter({
      ...common,
      collect() {
        this.reset();
        const s = state();
        if (s !== null) for (const [labels, value] of family.series(s)) this.inc(labels, Math.max(0, value));
      },
    });
  }
}
