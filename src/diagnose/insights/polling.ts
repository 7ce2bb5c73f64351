import { CITES } from '../../kernel/mechanisms.js';
import { intArgOf } from '../../kernel/syscall-signatures.js';
import { syscallName } from '../../kernel/syscalls.js';
import type { InsightInput } from './input.js';
import { MANY_SYSCALLS } from './rates.js';
import type { PollingInsight } from './types.js';

/** nfds worth an epoll: a few hundred fds scanned and queued on every call. */
export const MANY_FDS = 100;
/** Wait-queue entries added and removed per second worth an epoll (e.g. 50 fds × 1,000 calls/s). */
export const MANY_ENTRIES_PER_SEC = 50_000;

const POLL_CALLS: Readonly<Record<string, PollingInsight['nfdsMeaning']>> = {
  poll: 'array-length',
  ppoll: 'array-length',
  select: 'highest-fd-plus-one',
  pselect6: 'highest-fd-plus-one',
};

/**
 * A thread in poll/select over nfds descriptors pays for all of them on every call: do_poll /
 * do_select call each file's poll on entry, queuing one wait-queue entry per file (__pollwait →
 * add_wait_queue), scan them all again after every wake-up, and poll_freewait removes every
 * entry on return. epoll registers each fd once (ep_insert) and a wait touches one entry.
 * The call rate is not in /proc (`io` counts only read/write-like calls): a call that slept
 * is one voluntary context switch, so the thread's voluntary switches are a lower bound.
 */
/** Its poll call and nfds: from the last sample, else from the first (a looping poller may be on a CPU at one of them). */
function pollCall(input: InsightInput, tid: number): { name: string; nfds: number } | null {
  const arch = input.model.host.arch;
  const earlier = input.model.previous?.process.threads;
  const snaps = [input.snapshots.get(tid), earlier?.ok ? earlier.value.find((t) => t.tid === tid) : undefined];
  for (const snap of snaps) {
    if (!snap?.syscall.ok || snap.syscall.value.kind !== 'in-syscall') continue;
    const name = syscallName(arch, snap.syscall.value.nr) ?? '';
    const nfds = POLL_CALLS[name] ? intArgOf(name, snap.syscall.value.args, 'nfds') : null;
    if (nfds !== null && nfds >= 0) return { name, nfds };
  }
  return null;
}

/** A share of the interval in poll/select that makes a looping poller worth a word. */
const POLL_SHARE_MIN = 0.1;

export function pollingOf(input: InsightInput): PollingInsight[] {
  const pid = input.process.pid;
  return input.threads.flatMap((t) => {
    const polls = t.wait.kind === 'poll' || (t.shares?.waits ?? []).some((w) => w.kind === 'poll' && w.share >= POLL_SHARE_MIN);
    const call = polls ? pollCall(input, t.tid) : null;
    if (!call) return [];
    const { name, nfds } = call;
    const meaning = POLL_CALLS[name]!;
    const sleeps = t.voluntarySwitchesPerSec;
    const entries = sleeps === null ? null : nfds * sleeps;
    // A process doing many reads and writes between its polls polls as often: its syscall rate counts too.
    const busy = (entries ?? 0) >= MANY_ENTRIES_PER_SEC || (input.process.syscallsPerSec ?? 0) >= MANY_SYSCALLS;
    const suggest = nfds >= MANY_FDS ? 'many-fds' : busy ? 'many-calls' : null;
    const insight: PollingInsight = {
      tid: t.tid,
      comm: t.comm,
      syscall: name,
      nfds,
      nfdsMeaning: meaning,
      sleepsPerSec: sleeps,
      entriesPerSec: entries,
      cpuPercent: t.cpuPercent,
      processSyscallsPerSec: input.process.syscallsPerSec,
      suggestEpoll: suggest,
      // nfds is exact; how many of them are real fds (select's sets, poll's negative fds) is in user memory.
      confidence: 'likely',
      sources: [`/proc/${pid}/task/${t.tid}/syscall (nfds argument, either sample)`, `/proc/${pid}/task/${t.tid}/status voluntary_ctxt_switches`, `/proc/${pid}/task/${t.tid}/stat utime+stime`],
      kernel: [meaning === 'array-length' ? CITES.pollScan : CITES.selectScan, CITES.pollRegister, CITES.pollFree, CITES.epollRegisterOnce],
    };
    return [insight];
  });
}
