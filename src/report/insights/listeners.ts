import type { AcceptQueueInsight, HerdInsight } from '../../diagnose/insights/types.js';
import { evidence, hedge, kernelWords, plural, rate, type InsightText } from './words.js';

const hex = (n: number): string => `0x${(n >>> 0).toString(16)}`;

function who(h: HerdInsight): string {
  const waiting = [...h.watchers.filter((w) => w.waitingTids.length > 0).map((w) => w.pid), ...h.acceptors.map((a) => a.pid)];
  const processes = new Set(waiting).size;
  if (h.acceptors.length > 0 && h.watchers.length === 0) return plural(h.waiters, 'thread');
  return processes >= 2 ? plural(h.waiters, 'worker') : plural(h.waiters, 'waiter');
}

/** "4 workers wait on one listening socket; each new connection wakes all 4 (thundering herd)". */
export function herdText(h: HerdInsight): InsightText {
  const many = who(h);
  const where = h.acceptors.length > 0 && h.watchers.length === 0 ? `in accept() on one listening socket ${h.local}` : `on one listening socket ${h.local}`;
  const exclusiveWatches = h.watchers.filter((w) => w.exclusive).length;
  let headline: string;
  const detail: string[] = [];
  if (h.judgement === 'thundering-herd') {
    const all = h.wokenPerConnection === h.waiters ? `all ${h.waiters}` : `${h.wokenPerConnection} of them`;
    headline = hedge(h.confidence, `${many} wait ${where}; each new connection wakes ${all} (thundering herd).`);
    detail.push(
      `Each epoll instance watching the socket has its own entry on the socket's wait queue; without EPOLLEXCLUSIVE a new connection wakes every one (__wake_up_common), one of them accepts it and the others find nothing and sleep again: ${h.wokenPerConnection - 1} needless wake-ups and context switches per connection.`,
      'Adding EPOLLEXCLUSIVE to the epoll_ctl(EPOLL_CTL_ADD) of the listening socket (Linux 4.5+; nginx does with accept_mutex off) wakes one waiting worker per connection; so does one SO_REUSEPORT socket per worker.',
    );
    if (h.separateInstances === 'likely') {
      detail.push("Their epoll fds have identical watch lists, so they could be one epoll instance created before fork() and shared (then one is woken): /proc has no instance id, hence 'likely'.");
    }
  } else if (h.watchers.length > 0) {
    headline = `${many} wait ${where}; one is woken per connection (${exclusiveWatches === h.watchers.length ? 'EPOLLEXCLUSIVE' : 'exclusive waits'}).`;
    detail.push(
      `${exclusiveWatches === h.watchers.length ? 'Every watch carries EPOLLEXCLUSIVE: the' : 'The'} socket's wait queue holds them as exclusive entries, and a wake-up stops at the first whose epoll instance has a thread waiting (ep_poll_callback): no herd.`,
    );
  } else {
    headline = `${many} wait ${where}; one is woken per connection (accept waits are exclusive).`;
    detail.push('A thread blocked in accept() waits as an exclusive entry (prepare_to_wait_exclusive in inet_csk_wait_for_connect): the kernel wakes one per connection, not the whole herd.');
  }
  const ev: string[] = [];
  for (const w of h.watchers.slice(0, 6)) {
    ev.push(evidence(`pid ${w.pid}${w.comm ? ` (${w.comm})` : ''} epoll fd ${w.epfd}`, `events ${hex(w.events)}${w.exclusive ? ' (EPOLLEXCLUSIVE)' : ' (no EPOLLEXCLUSIVE)'}, ${plural(w.waitingTids.length, 'thread')} waiting`, `/proc/${w.pid}/fdinfo/${w.epfd} tfd: line`));
  }
  if (h.watchers.length > 6) ev.push(`… ${h.watchers.length - 6} more epoll instances`);
  if (h.acceptors.length > 0) ev.push(evidence('threads in accept()', `${h.acceptors.length} (tids ${h.acceptors.slice(0, 6).map((a) => a.tid).join(', ')}${h.acceptors.length > 6 ? ', …' : ''})`, 'task/TID/syscall accept(fd)'));
  ev.push(evidence('processes holding the socket', `${h.holders}, searched: this process and ${plural(h.search.processes, 'relative')} (parent, siblings, children)${h.search.cut ? ', cut short by its bound' : ''}`, '/proc/PID/fd of each'));
  if (h.passiveOpensPerSec !== null) {
    ev.push(evidence('connections accepted in the network namespace', `${rate(h.passiveOpensPerSec)}${h.judgement === 'thundering-herd' ? `, so at most ${rate(h.needlessWakeupsPerSec)} needless wake-ups` : ''}`, 'net/snmp Tcp PassiveOpens'));
  }
  return {
    topic: 'herd',
    headline,
    detail,
    evidence: ev,
    kernel: kernelWords(h.kernel),
    confidence: h.confidence,
    notable: h.judgement === 'thundering-herd',
    tids: [...h.watchers.flatMap((w) => w.waitingTids), ...h.acceptors.map((a) => a.tid)],
  };
}

function queueHeadline(q: AcceptQueueInsight): string {
  const cap = q.somaxconn !== null ? ` (≤ somaxconn ${q.somaxconn})` : '';
  const atLeast = q.fullAtLeast !== null && q.somaxconn !== null && q.queued > 0 ? `, at least ${(q.fullAtLeast * 100).toFixed(q.fullAtLeast < 0.01 ? 2 : 0)} % of any backlog it can have` : '';
  const accepting = plural(q.acceptingThreads, 'thread');
  const s1 = (verb: string) => (q.acceptingThreads === 1 ? `${verb}s` : verb);
  switch (q.state) {
    case 'empty':
      return `Listening socket ${q.local}: accept queue empty; ${accepting} ${s1('wait')} for its connections (in accept() or an epoll watching it).`;
    case 'accepting':
      return `Listening socket ${q.local}: ${plural(q.queued, 'connection')} ${q.queued === 1 ? 'waits' : 'wait'} to be accepted${atLeast}; ${accepting} ${s1('accept')} them — healthy while they keep up, even near full.`;
    case 'falling-behind':
      return `Listening socket ${q.local}: its accept queue grew from ${q.queuedBefore} to ${q.queued} during the interval though ${accepting} ${s1('accept')}: it will overflow once it passes the listen() backlog${cap}.`;
    case 'not-accepting':
      return `Listening socket ${q.local}: ${plural(q.queued, 'connection')} ${q.queued === 1 ? 'waits' : 'wait'} and no thread accepts: once the queue passes the listen() backlog${cap}, new connections are dropped.`;
    case 'overflowing':
      return `Listening socket ${q.local}: its accept queue is likely full (${q.queued} = backlog ${q.backlogIfFull} + 1) and overflows ${rate(q.overflowsPerSec)}: ${accepting} ${s1('accept')}, not fast enough.`;
    case 'dropping':
      return `Listening socket ${q.local}: its accept queue is likely full (${q.queued} = backlog ${q.backlogIfFull} + 1) and no thread accepts: new connections are dropped, ${rate(q.dropsPerSec)}.`;
  }
}

/** Each listening socket's accept queue against its backlog, and the judgement "before it overflows". */
export function acceptQueueText(q: AcceptQueueInsight): InsightText {
  const detail = [
    "The backlog given to listen() is not in /proc (`ss -lnt` shows it as Send-Q); listen() caps it at net.core.somaxconn, and a full queue holds backlog + 1 connections (sk_acceptq_is_full), so a queue that overflows shows its backlog.",
  ];
  if (q.state === 'dropping' || q.state === 'overflowing') detail.push('A SYN that finds the queue full is counted (ListenOverflows) and dropped (tcp_conn_request); the client retransmits after 1 s, 3 s, …: connections stall, then fail.');
  const ev = [
    evidence('accept queue', `${q.queued} now${q.queuedBefore !== null ? `, ${q.queuedBefore} at the interval's start` : ''}`, '/proc/PID/net/tcp rx_queue of the LISTEN row'),
    ...(q.somaxconn !== null ? [evidence('largest possible backlog', String(q.somaxconn), '/proc/sys/net/core/somaxconn, the reading namespace')] : []),
    ...(q.overflowsPerSec !== null ? [evidence('listen overflows / drops (namespace)', `${rate(q.overflowsPerSec)} / ${rate(q.dropsPerSec)}${q.overflowsHere ? ', this socket (the only one with a queue)' : ''}`, '/proc/PID/net/netstat TcpExt')] : []),
    evidence('threads accepting', String(q.acceptingThreads), 'accept() or epoll_wait on an instance watching it, in it and its family'),
  ];
  return {
    topic: 'accept-queue',
    headline: queueHeadline(q),
    detail,
    evidence: ev,
    kernel: kernelWords(q.kernel),
    confidence: q.confidence,
    notable: q.state !== 'empty' && q.state !== 'accepting',
    tids: [],
  };
}
