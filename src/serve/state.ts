import type { ReadResult } from '../procfs/errors.js';
import type { ProcFs } from '../procfs/procfs.js';
import type { InetSocketRow } from '../parsers/net.js';
import type { Pressure } from '../parsers/pressure.js';
import { cgroupPressureGap, type CgroupLayout } from '../readers/cgroup-layout.js';
import { LISTEN_TABLES, readListenCounters, readListeningSockets, readSomaxconn, type ListenTable } from '../readers/listen.js';
import { PSI_RESOURCES, type PressureSet } from '../readers/types.js';
import type { FeedUpdate, MachineFeed } from '../sample/machine/feed.js';
import type { MachineSample } from '../sample/machine/types.js';
import type { TargetVerdicts } from './targets.js';
import type { CgroupPsi, ExportSnapshot, ListenSeries, NetSnapshot, PsiSeries, UninterruptibleSeries, Unavailable } from './types.js';
import { OTHER, WaitWindow } from './window.js';

export interface ExporterOptions {
  /** Where the network tables and counters are read (the ProcFs of the machine). */
  readonly fs: ProcFs;
  readonly window: WaitWindow;
  readonly layout: CgroupLayout;
  readonly targets: TargetVerdicts | null;
  /** Label listening sockets with their local address too (`--expose-addresses`). */
  readonly exposeAddresses: boolean;
  /** Network tables and counters are read at most this often. */
  readonly netEveryMs: number;
  /** Listening ports named; the rest are summed into port `(other)`. */
  readonly maxListen: number;
}

const NO_NET: NetSnapshot = { listenOverflows: null, listenDrops: null, somaxconn: null, listening: [] };

/**
 * The exporter's state, fed by the machine feed: each sample goes into the wait window, and the
 * network tables and the targets' verdicts are read when due, in the same tick (so their cost
 * counts against the feed's budget). `snapshot()` is what a scrape serves: made from the newest
 * state at the first scrape after a sample, then served as is; a scrape never samples.
 */
export class ExporterState {
  private last: MachineSample | null = null;
  private net: NetSnapshot = NO_NET;
  private netGaps: Unavailable[] = [];
  private netAtMs = -Infinity;
  private vanished = 0;
  private cached: { count: number; snapshot: ExportSnapshot } | null = null;

  constructor(
    private readonly feed: MachineFeed<null>,
    private readonly options: ExporterOptions,
  ) {}

  /** Subscribe to the feed; returns the unsubscribe. */
  attach(): () => void {
    return this.feed.subscribe((update) => this.onSample(update));
  }

  onSample({ sample }: FeedUpdate<null>): void {
    this.last = sample;
    this.vanished += sample.stats.vanished;
    this.options.window.add(sample);
    if (sample.tMonoMs - this.netAtMs >= this.options.netEveryMs) {
      this.netAtMs = sample.tMonoMs;
      this.readNet();
    }
    this.options.targets?.maybeStep(sample);
  }

  /** Samples summed into the state so far. */
  get samples(): number {
    return this.feed.count;
  }

  /** The state to serve; null before the first sample. */
  snapshot(): ExportSnapshot | null {
    const last = this.last;
    if (last === null) return null;
    if (this.cached?.count === this.feed.count) return this.cached.snapshot;
    const { window, targets, layout } = this.options;
    const rate = this.feed.rate;
    const gap = cgroupPressureGap(layout);
    const snapshot: ExportSnapshot = {
      waits: window.waits(),
      uninterruptible: uninterruptible(last),
      lockQueues: window.lockQueues(),
      pressure: psiSeries(last.pressure),
      cgroupPressure: (this.feed.cgroups ?? []).map((c): CgroupPsi => ({ cgroup: c.path, series: psiSeries(c.pressure) })).filter((c) => c.series.length > 0),
      net: this.net,
      verdicts: targets?.verdicts ?? [],
      unavailable: [...pressureGaps(last.pressure), ...(gap ? [{ source: 'cgroup-pressure' as const, reason: gap }] : []), ...this.netGaps],
      cost: {
        samples: this.feed.count,
        vanished: this.vanished,
        samplingCpuSeconds: this.feed.cpuSeconds,
        hz: rate.hz,
        budget: rate.budgetShare,
        windowSeconds: window.seconds,
        windowSamples: window.samples,
        threads: last.stats.threads,
        processes: last.stats.processes,
        targets: targets?.verdicts.length ?? 0,
        targetsDropped: targets?.dropped ?? 0,
      },
    };
    this.cached = { count: this.feed.count, snapshot };
    return snapshot;
  }

  private readNet(): void {
    const { fs } = this.options;
    const gaps: Unavailable[] = [];
    const counters = readListenCounters(fs);
    if (!counters.ok) gaps.push({ source: 'listen-counters', reason: reasonOf(counters) });
    const somaxconn = readSomaxconn(fs);
    if (!somaxconn.ok) gaps.push({ source: 'somaxconn', reason: reasonOf(somaxconn) });
    const rows: [ListenTable, InetSocketRow][] = [];
    for (const table of LISTEN_TABLES) {
      const read = readListeningSockets(fs, table);
      // No tcp6 table: IPv6 is off, which is no gap.
      if (!read.ok && !(table === 'tcp6' && read.error.kind !== 'denied')) gaps.push({ source: 'listen-sockets', reason: reasonOf(read) });
      if (read.ok) for (const row of read.value) rows.push([table, row]);
    }
    this.net = {
      listenOverflows: counters.ok ? counters.value.overflows : null,
      listenDrops: counters.ok ? counters.value.drops : null,
      somaxconn: somaxconn.ok ? somaxconn.value : null,
      listening: listenSeries(rows, this.options.exposeAddresses, this.options.maxListen),
    };
    this.netGaps = gaps;
  }
}

function reasonOf(result: ReadResult<unknown>): Unavailable['reason'] {
  return !result.ok && result.error.kind === 'denied' ? 'denied' : 'unreadable';
}

/** D-state threads of the newest sample by wait site, with how long the longest has not run. */
export function uninterruptible(sample: MachineSample): UninterruptibleSeries[] {
  const by = new Map<string, { kind: UninterruptibleSeries['kind']; site: string; function: string; threads: number; since: number }>();
  for (const t of sample.threads) {
    if (t.state !== 'D') continue;
    const site = t.wait.site ?? '';
    const fn = t.wait.function ?? '';
    const id = `${t.wait.kind}|${site}|${fn}`;
    const since = t.stillSinceMs ?? sample.tMonoMs;
    const had = by.get(id);
    if (had) {
      had.threads++;
      had.since = Math.min(had.since, since);
    } else by.set(id, { kind: t.wait.kind, site, function: fn, threads: 1, since });
  }
  return [...by.values()]
    .map((s) => ({ kind: s.kind, site: s.site, function: s.function, threads: s.threads, longestSeconds: (sample.tMonoMs - s.since) / 1000 }))
    .sort((a, b) => b.threads - a.threads || (a.site < b.site ? -1 : 1));
}

/** Each PSI line that is there, in base units. */
export function psiSeries(pressure: PressureSet): PsiSeries[] {
  const out: PsiSeries[] = [];
  for (const resource of PSI_RESOURCES) {
    const p: ReadResult<Pressure> = pressure[resource];
    if (!p.ok) continue;
    for (const line of ['some', 'full'] as const) {
      const v = p.value[line];
      if (v) out.push({ resource, line, avg10: v.avg10 / 100, totalSeconds: v.total / 1e6 });
    }
  }
  return out;
}

function pressureGaps(pressure: PressureSet): Unavailable[] {
  const core = [pressure.cpu, pressure.memory, pressure.io];
  if (core.some((p) => p.ok)) return [];
  const first = pressure.cpu;
  const disabled = !first.ok && (first.error.errno === 'EOPNOTSUPP' || first.error.errno === 'ENOTSUP' || /disabled/.test(first.error.message));
  return [{ source: 'pressure', reason: disabled ? 'psi-disabled' : 'no-psi' }];
}

/** Listening sockets by (family, port[, address]): how many, and the longest accept queue; the top `max` by queue. */
export function listenSeries(rows: readonly (readonly [ListenTable, InetSocketRow])[], withAddress: boolean, max: number): ListenSeries[] {
  const by = new Map<string, ListenSeries>();
  for (const [family, row] of rows) {
    const address = withAddress ? row.local.address : null;
    const id = `${family}|${row.local.port}|${address ?? ''}`;
    const had = by.get(id);
    by.set(id, had ? { ...had, sockets: had.sockets + 1, queue: Math.max(had.queue, row.rxQueue) } : { family, port: String(row.local.port), address, sockets: 1, queue: row.rxQueue });
  }
  const ranked = [...by.values()].sort((a, b) => b.queue - a.queue || Number(a.port) - Number(b.port) || a.family.localeCompare(b.family));
  const out = ranked.slice(0, max);
  const rest = ranked.slice(max);
  for (const family of ['tcp', 'tcp6'] as const) {
    const mine = rest.filter((s) => s.family === family);
    if (mine.length > 0) out.push({ family, port: OTHER, address: withAddress ? OTHER : null, sockets: mine.reduce((n, s) => n + s.sockets, 0), queue: Math.max(...mine.map((s) => s.queue)) });
  }
  return out;
}
