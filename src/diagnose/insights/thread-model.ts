import { CITES, KERNEL_STACK_BYTES } from '../../kernel/mechanisms.js';
import { waitCall } from '../../readers/wait-call.js';
import { followFd } from '../follow/peers.js';
import type { ThreadDiagnosis } from '../types.js';
import { statusKb, valueOf, type InsightInput } from './input.js';
import type { ThreadModelInsight } from './types.js';

/** Fewer connection threads than this is a small server, not a model worth naming. */
export const MIN_CONNECTION_THREADS = 4;
/** Threads on one queue that make a pool. */
export const MIN_POOL = 3;

/** The socket or fd a thread's syscall blocks on, resolved; null when it is in no fd call. */
function blockedOn(t: ThreadDiagnosis, input: InsightInput): { fd: number; inode: number | null; connected: boolean; text: string } | null {
  const snap = input.snapshots.get(t.tid);
  const fd = snap ? waitCall(snap.syscall, input.model.host.arch)?.fd : null;
  if (fd == null) return null;
  const f = followFd(fd, { ...input.ctx, owners: null });
  const inode = 'inode' in f ? f.inode : null;
  const connected = (f.type === 'tcp' && !f.listening && f.state !== 'CLOSE') || (f.type === 'unix' && !f.listening && f.state === 'connected');
  return { fd, inode, connected, text: f.text };
}

function switches(threads: readonly ThreadDiagnosis[], pick: (t: ThreadDiagnosis) => number | null): number | null {
  const known = threads.map(pick).filter((v): v is number => v !== null);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
}

function costs(input: InsightInput, tids: readonly ThreadDiagnosis[]): Pick<ThreadModelInsight, 'voluntarySwitchesPerSec' | 'involuntarySwitchesPerSec' | 'stackRlimitBytes' | 'stackReservedBytes' | 'kernelStackBytes' | 'vmSizeKb' | 'rssAnonKb'> {
  const limits = valueOf(input.model.current.process.limits);
  const rlimit = limits?.['Max stack size']?.soft ?? null;
  const n = tids.length;
  return {
    voluntarySwitchesPerSec: switches(tids, (t) => t.voluntarySwitchesPerSec),
    involuntarySwitchesPerSec: switches(tids, (t) => t.involuntarySwitchesPerSec),
    stackRlimitBytes: rlimit,
    stackReservedBytes: rlimit === null ? null : n * rlimit,
    kernelStackBytes: n * KERNEL_STACK_BYTES,
    vmSizeKb: valueOf(input.model.current.process.status)?.vmSizeKb ?? null,
    rssAnonKb: statusKb(input.model, 'RssAnon'),
  };
}

/**
 * How the process serves its work, from what its threads block on. Thread-per-connection: many
 * threads each in a read or write on its own connected socket (each a kernel task with its own
 * stacks, woken and switched per request; an event loop would wait for all of them in one
 * epoll_wait on one thread). A pool on one queue: several threads blocked on one fd (a pipe, a
 * listening socket) or one futex word — idle workers, not one thread per client.
 */
export function threadModelsOf(input: InsightInput): ThreadModelInsight[] {
  const pid = input.process.pid;
  const out: ThreadModelInsight[] = [];
  const byInode = new Map<number, { fd: number; text: string; connected: boolean; threads: ThreadDiagnosis[] }>();
  for (const t of input.threads) {
    const on = blockedOn(t, input);
    if (!on || on.inode === null) continue;
    const g = byInode.get(on.inode) ?? { fd: on.fd, text: on.text, connected: on.connected, threads: [] };
    g.threads.push(t);
    byInode.set(on.inode, g);
  }
  const groups = [...byInode.entries()];
  const perConnection = groups.filter(([, g]) => g.connected && g.threads.length === 1 && g.threads[0]!.wait.kind === 'socket').map(([, g]) => g.threads[0]!);
  if (perConnection.length >= MIN_CONNECTION_THREADS) {
    out.push({
      model: 'thread-per-connection',
      threads: perConnection.length,
      tids: perConnection.map((t) => t.tid),
      connections: perConnection.length,
      queue: null,
      ...costs(input, perConnection),
      // Each thread's own connected socket is read from its syscall's fd: the count is what /proc shows.
      confidence: 'certain',
      sources: [`/proc/${pid}/task/*/syscall (fd)`, `/proc/${pid}/fd/* and /proc/${pid}/net/{tcp,tcp6,unix}`, `/proc/${pid}/task/*/status (context switches)`, `/proc/${pid}/limits Max stack size`, `/proc/${pid}/status VmSize, RssAnon`],
      kernel: [CITES.switchCounts, CITES.threadSize, CITES.epollRegisterOnce],
    });
  }
  for (const [inode, g] of groups) {
    if (g.threads.length < MIN_POOL) continue;
    out.push({
      model: 'pool-on-one-queue',
      threads: g.threads.length,
      tids: g.threads.map((t) => t.tid),
      connections: null,
      queue: { kind: 'fd', fd: g.fd, inode, what: g.text },
      ...costs(input, g.threads),
      confidence: 'certain',
      sources: [`/proc/${pid}/task/*/syscall (fd)`, `/proc/${pid}/fd/${g.fd}`],
      kernel: [CITES.switchCounts],
    });
  }
  for (const f of input.futexGroups) {
    if (f.style !== 'parked-pool' || f.count < MIN_POOL) continue;
    const threads = input.threads.filter((t) => f.tids.includes(t.tid));
    out.push({
      model: 'pool-on-one-queue',
      threads: f.count,
      tids: f.tids,
      connections: null,
      queue: { kind: 'futex', address: f.address, groupId: f.id },
      ...costs(input, threads),
      // One futex word parked on by several threads is a condition variable or a queue's lock.
      confidence: 'likely',
      sources: [`/proc/${pid}/task/*/syscall (futex address and op)`],
      kernel: [CITES.switchCounts],
    });
  }
  return out;
}
