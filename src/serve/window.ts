import type { WaitKind } from '../kernel/wait-kinds.js';
import type { MachineSample, MachineThread } from '../sample/machine/types.js';
import type { LockQueueSeries, WaitSeries } from './types.js';

/** The label value of what was folded together to bound the series. */
export const OTHER = '(other)';

export interface WaitWindowOptions {
  /** Samples older than this (ms before the newest) leave the window. */
  readonly windowMs: number;
  /** Process groups named in the series; the rest are summed into `(other)`. */
  readonly maxGroups: number;
  /** Series at most; beyond, the smallest of each wait kind are summed into function and group `(other)`. */
  readonly maxSeries: number;
}

/**
 * Distinct (kind, function, group) kept per second of samples: with 100,000 short-lived processes of
 * distinct names in a second, the rest go to `(other)` at once, so memory stays bounded too.
 */
export const MAX_KEYS_PER_SECOND = 5000;

/** A process group: the process's comm; a kernel thread's name before `/` (`kworker/3:1H` → `kworker`). */
export function processGroup(t: Pick<MachineThread, 'processComm' | 'isKernelThread'>): string {
  if (!t.isKernelThread) return t.processComm;
  const slash = t.processComm.indexOf('/');
  return slash > 0 ? t.processComm.slice(0, slash) : t.processComm;
}

interface Key {
  readonly id: string;
  readonly kind: WaitKind;
  readonly function: string;
  readonly group: string;
}

/** One second of samples, summed. */
interface Bucket {
  readonly second: number;
  samples: number;
  /** Thread count summed over the second's samples, by (kind, function, group). */
  readonly waits: Map<Key, number>;
  /** The longest lock queue of each group, summed over the second's samples. */
  readonly locks: Map<string, number>;
}

/**
 * Average active threads per (wait kind, kernel function, process group) over a trailing window
 * of samples: psn's measure, the sum over samples of a group's threads divided by the number of
 * samples. Samples are summed into one bucket per second as they come, so memory does not grow
 * with the rate; the top `maxGroups` groups (by threads not idle) keep their names at the end.
 */
export class WaitWindow {
  private buckets: Bucket[] = [];
  /** One Key object per (kind, function, group), so that buckets count by identity. */
  private readonly keys = new Map<string, Key>();
  /** Unchanged threads are the same values from sample to sample: their key is looked up once. */
  private readonly keyOf = new WeakMap<MachineThread, Key>();

  constructor(private readonly options: WaitWindowOptions) {}

  add(sample: MachineSample): void {
    const bucket = this.bucketFor(sample.tMonoMs);
    bucket.samples++;
    const queues = new Map<string, { group: string; threads: number }>();
    for (const t of sample.threads) {
      let key = this.keyOf.get(t);
      if (key === undefined) {
        key = this.internKey(t, bucket);
        this.keyOf.set(t, key);
      }
      bucket.waits.set(key, (bucket.waits.get(key) ?? 0) + 1);
      if (t.lockWord !== undefined) {
        const q = `${t.pid} ${t.lockWord}`;
        const entry = queues.get(q);
        if (entry) entry.threads++;
        else queues.set(q, { group: processGroup(t), threads: 1 });
      }
    }
    const longest = new Map<string, number>();
    for (const { group, threads } of queues.values()) longest.set(group, Math.max(longest.get(group) ?? 0, threads));
    for (const [group, threads] of longest) bucket.locks.set(group, (bucket.locks.get(group) ?? 0) + threads);
  }

  /** Samples in the window. */
  get samples(): number {
    return this.buckets.reduce((n, b) => n + b.samples, 0);
  }

  /** Seconds the window's buckets span. */
  get seconds(): number {
    const first = this.buckets[0];
    const last = this.buckets[this.buckets.length - 1];
    return first && last ? last.second - first.second + 1 : 0;
  }

  waits(): WaitSeries[] {
    const n = this.samples;
    if (n === 0) return [];
    const sums = new Map<Key, number>();
    for (const b of this.buckets) for (const [key, count] of b.waits) sums.set(key, (sums.get(key) ?? 0) + count);
    const named = this.topGroups(sums, n);
    const merged = new Map<string, WaitSeries>();
    for (const [key, sum] of sums) {
      const group = named.has(key.group) ? key.group : OTHER;
      addSeries(merged, { kind: key.kind, function: key.function, group, threads: sum / n });
    }
    return this.bounded([...merged.values()]);
  }

  lockQueues(): LockQueueSeries[] {
    const n = this.samples;
    if (n === 0) return [];
    const sums = new Map<string, number>();
    for (const b of this.buckets) for (const [group, sum] of b.locks) sums.set(group, (sums.get(group) ?? 0) + sum);
    const ranked = [...sums.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const out: LockQueueSeries[] = ranked.slice(0, this.options.maxGroups).map(([group, sum]) => ({ group, threads: sum / n }));
    const rest = ranked.slice(this.options.maxGroups);
    if (rest.length > 0) out.push({ group: OTHER, threads: Math.max(...rest.map(([, sum]) => sum)) / n });
    return out;
  }

  private bucketFor(tMonoMs: number): Bucket {
    const second = Math.floor(tMonoMs / 1000);
    const last = this.buckets[this.buckets.length - 1];
    if (last && last.second === second) return last;
    const oldest = second - Math.ceil(this.options.windowMs / 1000) + 1;
    this.buckets = this.buckets.filter((b) => b.second >= oldest);
    const bucket: Bucket = { second, samples: 0, waits: new Map(), locks: new Map() };
    this.buckets.push(bucket);
    this.forgetUnusedKeys();
    return bucket;
  }

  private internKey(t: MachineThread, bucket: Bucket): Key {
    const group = bucket.waits.size < MAX_KEYS_PER_SECOND ? processGroup(t) : OTHER;
    const fn = t.wait.function ?? '';
    const id = `${t.wait.kind}|${fn}|${group}`;
    let key = this.keys.get(id);
    if (key === undefined) this.keys.set(id, (key = { id, kind: t.wait.kind, function: fn, group }));
    return key;
  }

  /**
   * Forget keys no bucket holds any more (a process group gone for a whole window). A thread
   * that still holds a forgotten key counts under it, and series are merged by id, not by key.
   */
  private forgetUnusedKeys(): void {
    if (this.keys.size < 2 * MAX_KEYS_PER_SECOND) return;
    const used = new Set<Key>();
    for (const b of this.buckets) for (const key of b.waits.keys()) used.add(key);
    for (const [id, key] of this.keys) if (!used.has(key)) this.keys.delete(id);
  }

  /** The groups that keep their names: most threads not idle first, then by name. */
  private topGroups(sums: ReadonlyMap<Key, number>, n: number): Set<string> {
    const busy = new Map<string, number>();
    for (const [key, sum] of sums) {
      if (key.group === OTHER) continue;
      busy.set(key.group, (busy.get(key.group) ?? 0) + (key.kind === 'idle' ? 0 : sum / n));
    }
    const ranked = [...busy.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return new Set(ranked.slice(0, this.options.maxGroups).map(([group]) => group));
  }

  /** Within `maxSeries`: the smallest series of each kind summed into (kind, (other), (other)). */
  private bounded(series: WaitSeries[]): WaitSeries[] {
    series.sort((a, b) => b.threads - a.threads || compareKey(a, b));
    if (series.length <= this.options.maxSeries) return series;
    const kinds = new Set(series.map((s) => s.kind)).size;
    const keep = Math.max(0, this.options.maxSeries - kinds);
    const out = new Map<string, WaitSeries>();
    for (const s of series.slice(0, keep)) addSeries(out, s);
    for (const s of series.slice(keep)) addSeries(out, { ...s, function: OTHER, group: OTHER });
    return [...out.values()].sort((a, b) => b.threads - a.threads || compareKey(a, b));
  }
}

function addSeries(into: Map<string, WaitSeries>, s: WaitSeries): void {
  const id = `${s.kind}|${s.function}|${s.group}`;
  const had = into.get(id);
  into.set(id, had ? { ...had, threads: had.threads + s.threads } : s);
}

function compareKey(a: WaitSeries, b: WaitSeries): number {
  const x = `${a.kind}|${a.function}|${a.group}`;
  const y = `${b.kind}|${b.function}|${b.group}`;
  return x < y ? -1 : x > y ? 1 : 0;
}
