import { CITES } from '../../kernel/mechanisms.js';
import { netCounter, perSecond, type InsightInput } from './input.js';
import type { SocketWaiters } from './listen-waiters.js';
import type { Confidence, HerdInsight } from './types.js';

/**
 * Several waiters on one listening socket. Each epoll instance watching it has one entry on the
 * socket's wait queue (ep_ptable_queue_proc); a new connection runs __wake_up_common over that
 * queue, which wakes every non-exclusive entry and stops after the first exclusive one that
 * accepts the wake-up. An EPOLLEXCLUSIVE watch (4.5+) is exclusive, and accepts only when its
 * instance has a thread waiting (ep_poll_callback's ewake); a thread in accept() is exclusive on
 * every kernel (inet_csk_wait_for_connect). Threads in epoll_wait on one instance are exclusive
 * among themselves (ep_poll): one instance is one waiter, whatever its thread count.
 */
export function herdOf(w: SocketWaiters, input: InsightInput): HerdInsight | null {
  const waiting = w.watchers.filter((x) => x.waitingTids.length > 0);
  const plain = waiting.filter((x) => !x.exclusive).length;
  const exclusive = waiting.length - plain + w.acceptors.length;
  const waiters = plain + exclusive;
  if (waiters < 2) return null;
  const woken = plain + (exclusive > 0 ? 1 : 0);
  const pids = new Set(w.watchers.map((x) => x.pid));
  // Same watch lists in several processes may be one instance made before fork(): /proc has no
  // instance id (ep_show_fdinfo prints only the watches). Different lists are different instances.
  const separate: Confidence | null = w.watchers.length < 2 ? null : new Set(w.watchLists).size === w.watchLists.length ? 'certain' : 'likely';
  const opens = perSecond(input.model, (s) => netCounter(s, 'snmp', 'Tcp', 'PassiveOpens'));
  const pid = input.process.pid;
  const herd = woken >= 2;
  return {
    inode: w.inode,
    local: w.local,
    watchers: w.watchers,
    acceptors: w.acceptors,
    waiters,
    wokenPerConnection: woken,
    judgement: herd ? 'thundering-herd' : 'one-woken',
    separateInstances: separate,
    holders: w.holders,
    search: { scope: 'family', processes: w.search.processes, cut: w.search.cut },
    passiveOpensPerSec: opens,
    needlessWakeupsPerSec: opens === null ? null : (woken - 1) * opens,
    // A herd of instances that may be one shared instance is only likely; exclusive waits are certain.
    confidence: herd && plain >= 2 && separate === 'likely' ? 'likely' : 'certain',
    sources: [
      ...[...pids].map((p) => `/proc/${p}/fdinfo/<epoll fd> (tfd: events: ino:)`),
      `/proc/${pid}/task/*/syscall and the family's (epoll_wait epfd, accept fd)`,
      `/proc/${pid}/net/tcp (LISTEN inode ${w.inode})`,
      ...(opens !== null ? [`/proc/${pid}/net/snmp Tcp PassiveOpens`] : []),
    ],
    kernel: [CITES.wakeUpCommon, CITES.epollExclusiveQueue, CITES.epollCallback, CITES.epollWaiters, ...(w.acceptors.length > 0 ? [CITES.acceptExclusive] : [])],
  };
}
