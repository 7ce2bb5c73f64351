import type { WaitClassification } from '../kernel/wait-kinds.js';
import type { KernelVersion } from '../kernel/version.js';
import { isKernelThreadFlags } from '../parsers/stat.js';
import type { FdSnapshot, HostFacts, ThreadSnapshot } from '../readers/types.js';
import { classifyThread } from './classify.js';
import type { ClassifyInput } from './input.js';

/** What the classifier looks at for one thread snapshot. */
export function classifyInputOf(thread: ThreadSnapshot, arch: HostFacts['arch'], fdTarget: FdSnapshot['target'] | null = null, kernel: KernelVersion | null = null): ClassifyInput {
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
    kernel,
  };
}

interface Classified {
  readonly stat: ThreadSnapshot['stat'];
  readonly wchan: ThreadSnapshot['wchan'];
  readonly stack: ThreadSnapshot['stack'];
  readonly arch: HostFacts['arch'];
  readonly fdTarget: string | null;
  readonly kernel: KernelVersion | null;
  readonly wait: WaitClassification;
}

/**
 * A light live session hands back the very same file results for a thread that has not run
 * since the last sample: the classification of those same inputs is reused instead of
 * recomputed. Keyed weakly on the syscall result, so it goes away with the samples.
 */
const classified = new WeakMap<object, Classified>();

export function classifySnapshot(thread: ThreadSnapshot, arch: HostFacts['arch'], fdTarget: FdSnapshot['target'] | null, kernel: KernelVersion | null = null): WaitClassification {
  const hit = classified.get(thread.syscall);
  const target = fdTarget?.target ?? null;
  if (hit && hit.stat === thread.stat && hit.wchan === thread.wchan && hit.stack === thread.stack && hit.arch === arch && hit.fdTarget === target && hit.kernel === kernel) return hit.wait;
  const wait = classifyThread(classifyInputOf(thread, arch, fdTarget, kernel));
  classified.set(thread.syscall, { stat: thread.stat, wchan: thread.wchan, stack: thread.stack, arch, fdTarget: target, kernel, wait });
  return wait;
}
