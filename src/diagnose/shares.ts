import type { WaitKind } from '../kernel/wait-kinds.js';
import { WAIT_KIND_INFO } from '../kernel/wait-kind-info.js';
import type { Model } from '../sample/model.js';
import { waitKey, type ThreadObservations } from '../sample/observe.js';
import type { ThreadSnapshot } from '../readers/types.js';
import type { HostFacts } from '../readers/types.js';
import { classifyThread } from '../classify/classify.js';
import { classifyInputOf } from '../classify/snapshot.js';
import type { ProcessShares, ThreadDiagnosis, ThreadShares, WaitAverage, WaitShare } from './types.js';

/** Kinds that say only that the wait is not in the catalog. */
const VAGUE: ReadonlySet<WaitKind> = new Set(['uninterruptible', 'other', 'unknown']);

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

interface OnCpu {
  readonly running: number | null;
  readonly runnable: number | null;
}

/**
 * Time on a CPU and in the runqueue over the interval, from `schedstat` (nanoseconds, exact),
 * else from `stat` utime+stime (clock ticks) with no runqueue figure.
 */
function onCpuShares(before: ThreadSnapshot | undefined, after: ThreadSnapshot, intervalMs: number, ticksPerSecond: number): OnCpu {
  if (!before || intervalMs <= 0) return { running: null, runnable: null };
  const a = before.schedstat.ok ? before.schedstat.value : null;
  const b = after.schedstat.ok ? after.schedstat.value : null;
  if (a && b && b.runNs >= a.runNs && b.waitNs >= a.waitNs) {
    return { running: clamp01((b.runNs - a.runNs) / 1e6 / intervalMs), runnable: clamp01((b.waitNs - a.waitNs) / 1e6 / intervalMs) };
  }
  const sa = before.stat.ok ? before.stat.value : null;
  const sb = after.stat.ok ? after.stat.value : null;
  if (sa && sb && sb.utime + sb.stime >= sa.utime + sa.stime) {
    return { running: clamp01(((sb.utime + sb.stime - sa.utime - sa.stime) / ticksPerSecond) * 1000 / intervalMs), runnable: null };
  }
  return { running: null, runnable: null };
}

/**
 * The off-CPU time split over the waits the looks saw. A look classifies without the process's
 * fd table, so a wait the full sample at the end names better (same kernel function, a finer
 * kind from what its fd points to) takes the end's kind.
 */
function offCpuWaits(seen: ThreadObservations | undefined, end: ThreadDiagnosis, off: number, snapshot: ThreadSnapshot | undefined, host: HostFacts): WaitShare[] {
  const tallies = new Map<string, { kind: WaitKind; function: string | null; count: number }>();
  let total = 0;
  // Looks without a stack call a D-state wait `uninterruptible` where a look with one named it: one function, one kind.
  const named = new Map<string, WaitKind>();
  for (const t of seen?.waits.values() ?? []) if (t.function !== null && !VAGUE.has(t.kind)) named.set(t.function, t.kind);
  if (end.wait.kind !== 'running' && end.wait.function !== null && !VAGUE.has(end.wait.kind)) named.set(end.wait.function, end.wait.kind);
  // A D-state look that caught neither wchan nor stack (the thread woke between the reads) is
  // the same wait as the thread's named D-state waits, when it has any.
  const blocked = [...(seen?.waits.values() ?? [])].filter((t) => WAIT_KIND_INFO[t.kind].dState && !VAGUE.has(t.kind)).sort((a, b) => b.count - a.count)[0];
  for (const tally of seen?.waits.values() ?? []) {
    const unnamedD = tally.kind === 'uninterruptible' && tally.function === null && blocked !== undefined;
    const kind = unnamedD ? blocked.kind : tally.function !== null ? (named.get(tally.function) ?? tally.kind) : tally.kind;
    const fn = unnamedD ? blocked.function : tally.function;
    const key = waitKey(kind, fn);
    const merged = tallies.get(key);
    if (merged) merged.count += tally.count;
    else tallies.set(key, { kind, function: fn, count: tally.count });
    total += tally.count;
  }
  if (total === 0) {
    // Never seen off the CPU, yet not always on it (short sleeps between looks): the end's wait is
    // the best evidence; for a thread that was runnable at the end, the wait its stack still shows.
    if (off <= 0) return [];
    const last = end.wait.kind === 'running' ? lastWait(snapshot, host) : end.wait;
    return last ? [{ kind: last.kind, function: last.function, share: off }] : [];
  }
  return [...tallies.values()].map((t) => ({ kind: t.kind, function: t.function, share: (off * t.count) / total })).sort((a, b) => b.share - a.share);
}

/**
 * Where a runnable thread last slept: its kernel stack is still the one it blocked with (a
 * woken thread waiting for a CPU shows `submit_bio_wait ← blkdev_issue_flush …`). Classified as
 * if asleep — uninterruptibly first, since a stack shows D waits best — and kept only when the
 * catalog names a wait from it.
 */
function lastWait(snapshot: ThreadSnapshot | undefined, host: HostFacts): { kind: WaitKind; function: string | null } | null {
  if (!snapshot || !snapshot.stat.ok || !snapshot.stack.ok || snapshot.stack.value.length === 0) return null;
  for (const state of ['D', 'S']) {
    const asleep = { ...snapshot, stat: { ok: true as const, value: { ...snapshot.stat.value, state } } };
    const wait = classifyThread(classifyInputOf(asleep, host.arch, null, host.kernelVersion ?? null));
    if (wait.kind !== 'running' && !VAGUE.has(wait.kind)) return { kind: wait.kind, function: wait.function };
  }
  return null;
}

/** A thread without a start sample (born during the interval): its looks alone, as shares of the interval's looks. */
function sharesFromLooks(seen: ThreadObservations, looks: number, end: ThreadDiagnosis, host: HostFacts): ThreadShares {
  const off = [...seen.waits.values()].reduce((n, t) => n + t.count, 0);
  return {
    running: null,
    runnable: null,
    waits: offCpuWaits(seen, end, off / Math.max(1, looks), undefined, host),
    looks: seen.looks,
  };
}

/** Per-thread shares of the interval: running, runnable (waiting for a CPU), and each wait. */
export function threadShares(model: Model, threads: readonly ThreadDiagnosis[]): Map<number, ThreadShares> {
  const out = new Map<number, ThreadShares>();
  const previous = model.previous;
  if (!previous) return out;
  const intervalMs = model.current.tMonoMs - previous.tMonoMs;
  const before = new Map((previous.process.threads.ok ? previous.process.threads.value : []).map((t) => [t.tid, t]));
  const after = new Map((model.current.process.threads.ok ? model.current.process.threads.value : []).map((t) => [t.tid, t]));
  const observations = model.observations;
  for (const end of threads) {
    const snapshot = after.get(end.tid);
    if (!snapshot) continue;
    const seen = observations?.threads.get(end.tid);
    const start = before.get(end.tid);
    if (!start && seen) {
      out.set(end.tid, sharesFromLooks(seen, observations?.looks ?? 1, end, model.host));
      continue;
    }
    const cpu = onCpuShares(start, snapshot, intervalMs, model.host.clockTicksPerSecond);
    const off = cpu.running === null ? null : Math.max(0, 1 - cpu.running - (cpu.runnable ?? 0));
    out.set(end.tid, {
      running: cpu.running,
      runnable: cpu.runnable,
      waits: off === null ? [] : offCpuWaits(seen, end, off, snapshot, model.host),
      looks: seen?.looks ?? 2,
    });
  }
  return out;
}

/** The process's shares: psn's average active threads — the sum of its threads' shares. */
export function processShares(model: Model, shares: ReadonlyMap<number, ThreadShares>): ProcessShares | null {
  const previous = model.previous;
  if (!previous) return null;
  let running: number | null = null;
  let runnable: number | null = null;
  const waits = new Map<string, WaitAverage>();
  for (const s of shares.values()) {
    if (s.running !== null) running = (running ?? 0) + s.running;
    if (s.runnable !== null) runnable = (runnable ?? 0) + s.runnable;
    for (const w of s.waits) {
      const key = waitKey(w.kind, w.function);
      const sum = waits.get(key);
      waits.set(key, { kind: w.kind, function: w.function, avgThreads: (sum?.avgThreads ?? 0) + w.share });
    }
  }
  const intervalMs = model.current.tMonoMs - previous.tMonoMs;
  const looks = model.observations?.looks ?? 2;
  return {
    intervalMs,
    looks,
    looksPerSecond: intervalMs > 0 ? ((looks - 1) * 1000) / intervalMs : null,
    running,
    runnable,
    waits: [...waits.values()].sort((a, b) => b.avgThreads - a.avgThreads),
    lookCostMs: model.observations?.costMs ?? 0,
  };
}
