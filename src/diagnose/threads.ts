import type { Model } from '../sample/model.js';
import type { FdSnapshot, HostFacts, ThreadSnapshot } from '../readers/types.js';
import { waitCall } from '../readers/wait-call.js';
import { classifySnapshot } from '../classify/snapshot.js';
import type { ThreadDiagnosis, WaitGroup } from './types.js';
import type { WaitKind } from '../kernel/wait-kinds.js';

/** `fds`: the process's open files, so that a read-like wait can be told by what its fd points to. */
export function diagnoseThread(thread: ThreadSnapshot, model: Model, host: HostFacts, fds?: ReadonlyMap<number, FdSnapshot>): ThreadDiagnosis {
  const stat = thread.stat.ok ? thread.stat.value : null;
  const rates = model.rates?.threads.get(thread.tid) ?? null;
  const fd = fds ? waitCall(thread.syscall, host.arch)?.fd : null;
  const wait = classifySnapshot(thread, host.arch, fd != null ? (fds?.get(fd)?.target ?? null) : null, host.kernelVersion ?? null);
  return {
    tid: thread.tid,
    comm: stat?.comm ?? '?',
    state: stat?.state ?? '?',
    cpuPercent: rates?.cpuPercent ?? null,
    voluntarySwitchesPerSec: rates?.voluntarySwitchesPerSec ?? null,
    involuntarySwitchesPerSec: rates?.involuntarySwitchesPerSec ?? null,
    runqueueDelayMsPerSec: rates?.runqueueDelayMsPerSec ?? null,
    stack: thread.stack.ok ? thread.stack.value.map((f) => f.symbol) : [],
    wait,
  };
}

/**
 * How a group reads after "N threads": "in futex", but a state is said as a state ("stopped",
 * not "in stopped") and a hidden wait with its article.
 */
const KIND_WORDS: Partial<Record<WaitKind, string>> = {
  running: 'running',
  stopped: 'stopped',
  traced: 'stopped by a tracer',
  zombie: 'exited (zombie)',
  idle: 'idle',
  unknown: 'in an unknown wait (not visible to this user)',
};

/** Group threads waiting on the same thing, biggest group first: "31 threads in waitpid (do_wait)". */
export function groupWaits(threads: readonly ThreadDiagnosis[]): WaitGroup[] {
  const groups = new Map<string, { kind: WaitKind; fn: string | null; tids: number[] }>();
  for (const t of threads) {
    const key = `${t.wait.kind}\u0000${t.wait.function ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind: t.wait.kind, fn: t.wait.function, tids: [] }));
    g.tids.push(t.tid);
  }
  return [...groups.values()]
    .sort((a, b) => b.tids.length - a.tids.length || a.kind.localeCompare(b.kind))
    .map((g) => {
      const n = g.tids.length;
      const what = KIND_WORDS[g.kind] ?? `in ${g.kind}`;
      const where = g.fn && g.kind !== 'running' ? ` (${g.fn})` : '';
      return { kind: g.kind, function: g.fn, count: n, tids: g.tids, label: `${n} thread${n === 1 ? '' : 's'} ${what}${where}` };
    });
}
