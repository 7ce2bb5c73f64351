import { CITES } from '../../kernel/mechanisms.js';
import type { Sample } from '../../sample/types.js';
import { valueOf, type InsightInput } from './input.js';
import type { SocketWaiters } from './listen-waiters.js';
import type { AcceptQueueInsight, AcceptQueueState } from './types.js';

/** The accept-queue length of a LISTEN row in one sample (its rx_queue), by inode. */
function queuedIn(sample: Sample | null, inode: number): number | null {
  const net = sample?.follow?.net;
  if (!net) return null;
  const rows = [...(valueOf(net.inet.tcp) ?? []), ...(valueOf(net.inet.tcp6) ?? [])];
  const row = rows.find((r) => r.inode === inode && r.state === 'LISTEN');
  return row ? row.rxQueue : null;
}

function stateOf(queued: number, before: number | null, accepting: number, overflowing: boolean): AcceptQueueState {
  if (overflowing) return accepting > 0 ? 'overflowing' : 'dropping';
  if (queued === 0) return 'empty';
  if (accepting === 0) return 'not-accepting';
  return before !== null && queued > before ? 'falling-behind' : 'accepting';
}

/**
 * Each listening socket's accept queue against what bounds it. /proc shows the queue's length
 * (rx_queue of the LISTEN row is sk_ack_backlog, get_tcp4_sock) but not the backlog given to
 * listen(): that is only in inet_diag (`ss -lnt` Send-Q). What /proc does give: no backlog
 * exceeds net.core.somaxconn (__sys_listen_socket caps it), and a full queue holds backlog + 1
 * (sk_acceptq_is_full: ack_backlog > max_ack_backlog), so a queue that overflows tells its
 * backlog. The overflow counters are the namespace's: they are this socket's only when it is the
 * process's one listening socket with connections waiting.
 */
export function acceptQueuesOf(waiters: readonly SocketWaiters[], input: InsightInput): AcceptQueueInsight[] {
  const net = input.network;
  const rates = net.rates;
  const overflows = rates?.listenOverflowsPerSec ?? null;
  const drops = rates?.listenDropsPerSec ?? null;
  const nsOverflowing = (overflows ?? 0) > 0 || (drops ?? 0) > 0;
  const nonEmpty = net.listening.filter((l) => l.acceptQueue > 0);
  const somaxconn = valueOf(input.model.current.follow?.insight?.somaxconn ?? null);
  const pid = input.process.pid;
  return net.listening.map((l) => {
    const w = waiters.find((x) => x.inode === l.inode);
    const accepting = (w?.watchers.reduce((n, x) => n + x.waitingTids.length, 0) ?? 0) + (w?.acceptors.length ?? 0);
    const before = queuedIn(input.model.previous, l.inode);
    const here = nsOverflowing && l.acceptQueue > 0 && nonEmpty.length === 1;
    const state = stateOf(l.acceptQueue, before, accepting, here);
    const full = state === 'overflowing' || state === 'dropping';
    return {
      fd: l.fd,
      local: l.local,
      inode: l.inode,
      queued: l.acceptQueue,
      queuedBefore: before,
      somaxconn,
      fullAtLeast: full ? 1 : somaxconn ? l.acceptQueue / somaxconn : null,
      backlogIfFull: full ? Math.max(0, l.acceptQueue - 1) : null,
      overflowsPerSec: overflows,
      dropsPerSec: drops,
      overflowsHere: here,
      acceptingThreads: accepting,
      state,
      // The namespace's counters are this socket's only by elimination; counts of rows are exact.
      confidence: full ? 'likely' : 'certain',
      sources: [
        `/proc/${pid}/net/tcp rx_queue of the LISTEN row (inode ${l.inode}), both samples`,
        ...(somaxconn !== null ? ['/proc/sys/net/core/somaxconn (the reading network namespace)'] : []),
        ...(rates ? [`/proc/${pid}/net/netstat TcpExt ListenOverflows, ListenDrops (the namespace)`] : []),
        `/proc/${pid}/task/*/syscall, epoll fdinfo (threads accepting)`,
      ],
      kernel: [CITES.listenRow, CITES.acceptQueueFull, CITES.listenCap, ...(full ? [CITES.listenOverflow] : [])],
    };
  });
}
