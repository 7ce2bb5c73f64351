import type { Model } from '../sample/model.js';
import type { FdSnapshot, HostFacts, ThreadSnapshot } from '../readers/types.js';
import { waitCall } from '../readers/wait-call.js';
import { isKernelThreadFlags } from '../parsers/stat.js';
import { classifyThread } from '../classify/classify.js';
import type { ThreadDiagnosis, WaitGroup } from './types.js';
import type { WaitClassification, WaitKind } from '../kernel/wait-kinds.js';
import type { ClassifyInput } from '../classify/input.js';

/** What the classifier looks at for one thread snapshot. */
export function classifyInputOf(thread: ThreadSnapshot, arch: HostFacts['arch'], fdTarget: FdSnapshot['target'] | null = null): ClassifyInput {
  const stat = thread.stat.ok ? thread.stat.value : null;
  return {
    state: stat?.state ?? '?',
    comm: stat?.comm ?? '?',
    isKernelThread: stat ? isKernelThreadFlags(stat.flags) : false,
    wchan: thread.wchan,
    stack: thread.stack,
    syscall: thread.syscall,
    arch,
    fdTarget,
  };
}

interface Classified {
  readonly stat: ThreadSnapshot['stat'];
  readonly wchan: ThreadSnapshot['wchan'];
  readonly stack: ThreadSnapshot['stack'];
  readonly arch: HostFacts['arch'];
  readonly fdTarget: string | null;
  readonly wait: WaitClassification;
}

/**
 * A light live session hands back the very same file results for a thread that has not run
 * since the last sample: the classification of those same inputs is reused instead of
 * recomputed. Keyed weakly on the syscall result, so it goes away with the samples.
 */
const classified = new WeakMap<object, Classified>();

function classifyOnce(thread: ThreadSnapshot, arch: HostFacts['arch'], fdTarget: FdSnapshot['target'] | null): WaitClassification {
  const hit = classified.get(thread.syscall);
  const target = fdTarget?.target ?? null;
  if (hit && hit.stat === thread.stat && hit.wchan === thread.wchan && hit.stack === thread.stack && hit.arch === arch && hit.fdTarget === target) return hit.wait;
  const wait = classifyThread(classifyInputOf(thread, arch, fdTarget));
  classified.set(thread.syscall, { stat: thread.stat, wchan: thread.wchan, stack: thread.stack, arch, fdTarget: target, wait });
  return wait;
}

/** `fds`: the process's open files, so that a read-like wait can be told by what its fd points to. */
export function diagnoseThread(thread: ThreadSnapshot, model: Model, host: HostFacts, fds?: ReadonlyMap<number, FdSnapshot>): ThreadDiagnosis {
  const stat = thread.stat.ok ? thread.stat.value : null;
  const rates = model.rates?.threads.get(thread.tid) ?? null;
  const fd = fds ? waitCall(thread.syscall, host.arch)?.fd : null;
  const wait = classifyOnce(thread, host.arch, fd != null ? (fds?.get(fd)?.target ?? null) : null);
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

const KIND_WORDS: Partial<Record<WaitKind, string>> = {
  running: 'running',
  unknown: 'an unknown wait (not visible to this user)',
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
