import type { Activity } from '../activity.js';
import { culpritLists, culpritWords, targetShare } from '../culprits.js';
import { formatBytes, measured, pct } from '../evidence.js';
import type { TreeInput } from '../tree-input.js';
import type { Evidence } from '../types.js';
import { avg, cap, MAJOR_FAULTS_MIN, name, plural, RECLAIM_MIN, SOURCE_SHARE, THROTTLED_MIN, type Finding } from './common.js';
import { contendedNow, psiResource, scopeWords } from './pressure.js';

export function listenFinding(input: TreeInput): Finding | null {
  const net = input.network;
  const rates = net?.rates;
  if (!net || !rates || net.listening.length === 0) return null;
  const overflows = rates.listenOverflowsPerSec ?? 0;
  const drops = rates.listenDropsPerSec ?? 0;
  if (overflows <= 0 && drops <= 0) return null;
  // The counters are the namespace's: blame this process only where its own accept queue is not empty.
  const full = [...net.listening].filter((l) => l.acceptQueue > 0).sort((a, b) => b.acceptQueue - a.acceptQueue);
  const worst = full[0];
  if (!worst) return null;
  // Accepting threads of the whole family (an nginx master accepts through its workers), when known.
  const queue = input.insights?.acceptQueues.find((q) => q.inode === worst.inode);
  const ownAccepting = input.threads.filter((t) => t.wait.syscall?.name === 'accept' || t.wait.syscall?.name === 'accept4' || (t.follow?.kind === 'epoll' && t.follow.epoll.targets.some((x) => x.type === 'tcp' && x.inode === worst.inode))).length;
  const acceptingCount = queue ? queue.acceptingThreads : ownAccepting;
  const nobody = acceptingCount === 0;
  const facts = [
    measured('listen overflows (namespace)', overflows, 'per-second', `/proc/${input.process.pid}/net/netstat TcpExt ListenOverflows`),
    measured('listen drops (namespace)', drops, 'per-second', `/proc/${input.process.pid}/net/netstat TcpExt ListenDrops`),
    measured(`accept queue of ${worst.local}`, worst.acceptQueue, 'count', `/proc/${input.process.pid}/net/tcp rx_queue of the LISTEN row (the backlog itself is not in /proc)`),
    measured('threads in accept() or in epoll on it', acceptingCount, 'count', 'wchan, syscall, epoll fdinfo'),
  ];
  return {
    kind: 'dropping-connections',
    resource: 'network',
    cause: 'own-work',
    severity: 'problem',
    // A full accept queue holds backlog + 1 connections (sk_acceptq_is_full: ack_backlog > max_ack_backlog),
    // so while it overflows the queue's length tells the backlog, which /proc does not show.
    summary: `${name(input.process)} drops new connections: the accept queue of ${worst.local} is likely full (${worst.acceptQueue}/${worst.acceptQueue - 1}: ${worst.acceptQueue} waiting, and a full queue holds the listen() backlog + 1) and its network namespace's listen queues overflowed ${overflows.toFixed(1)} times/s (${drops.toFixed(1)} drops/s) in this interval. ${nobody ? 'No thread is in accept() or in an epoll watching that socket: it does not accept connections as fast as they come, or at all.' : `${plural(acceptingCount, 'thread')} accept on it (in the process and its family), not fast enough.`}`,
    facts,
  };
}

// ---------------------------------------------------------------------------------------
// Tier 1: its own cgroup's limits

export function memoryFinding(input: TreeInput, a: Activity): Finding | null {
  const p = input.process;
  const faults = p.majorFaultsPerSec ?? 0;
  const lim = input.limits?.memory ?? null;
  const facts: Evidence[] = [];
  if (faults > 0) facts.push(measured('major faults (the process)', faults, 'per-second', `/proc/${p.pid}/stat majflt`));
  if (a.reclaim > 0) facts.push(measured('threads in memory reclaim (average)', a.reclaim, 'threads', 'wchan, stack'));
  // Major faults alone may be a program reading a mapped file; with a limit hit, reclaim or memory
  // pressure they mean its working set does not fit.
  const thrash = faults >= MAJOR_FAULTS_MIN || a.reclaim >= RECLAIM_MIN || (lim?.majorFaultsPerSec ?? 0) >= MAJOR_FAULTS_MIN || (lim?.refaultsPerSec ?? 0) >= MAJOR_FAULTS_MIN;
  if (lim && lim.limitBytes !== null) {
    facts.push(measured(`cgroup ${lim.path} memory limit`, lim.limitBytes, 'bytes', lim.source));
    if (lim.usageBytes !== null) facts.push(measured(`cgroup ${lim.path} memory in use`, lim.usageBytes, 'bytes', lim.source));
    if (lim.limitHits !== null) facts.push(measured('times the limit was hit this interval', lim.limitHits, 'count', lim.source));
    if (lim.majorFaultsPerSec !== null) facts.push(measured('major faults in the cgroup', lim.majorFaultsPerSec, 'per-second', lim.source));
    if (lim.refaultsPerSec !== null) facts.push(measured('refaults in the cgroup (pages read back soon after eviction)', lim.refaultsPerSec, 'per-second', lim.source));
    const near = lim.usageBytes !== null && lim.usageBytes >= lim.limitBytes * 0.9;
    const hit = (lim.limitHits ?? 0) > 0 || (lim.oomKills ?? 0) > 0;
    if ((lim.oomKills ?? 0) > 0) {
      return {
        kind: 'memory',
        resource: 'memory',
        cause: 'own-cgroup-limit',
        severity: 'problem',
        summary: `${name(p)}'s cgroup hit its ${formatBytes(lim.limitBytes)} memory limit and the OOM killer ran ${plural(lim.oomKills ?? 0, 'time')} in this interval.`,
        facts,
      };
    }
    if ((near || hit) && thrash) {
      const rate = Math.max(faults, lim.majorFaultsPerSec ?? 0);
      return {
        kind: 'memory',
        resource: 'memory',
        cause: 'own-cgroup-limit',
        severity: 'problem',
        summary: `${name(p)} thrashes against its cgroup's memory limit: the ${formatBytes(lim.limitBytes)} limit of ${lim.path} is smaller than its working set — ${rate.toFixed(0)} major faults/s${lim.refaultsPerSec ? `, ${lim.refaultsPerSec.toFixed(0)} refaults/s` : ''}${lim.limitHits ? `, the limit hit ${lim.limitHits} times` : ''} in this interval${a.reclaim > 0 ? `, ${avg(a.reclaim)} threads reclaiming on average` : ''}. Pages it needs are evicted and read back from disk.${mixWords(input)}`,
        facts,
      };
    }
  }
  const contended = contendedNow(input).find((c) => psiResource(c.reading) === 'memory');
  if (!thrash || (a.reclaim < RECLAIM_MIN && !contended)) return null;
  if (contended) {
    const culprits = input.machine ? culpritLists(input.machine, p.pid, 'memory') : null;
    const share = culprits ? targetShare(culprits) : null;
    const own = share !== null && share >= SOURCE_SHARE;
    return {
      kind: 'memory',
      resource: 'memory',
      cause: own ? 'own-work' : 'other-processes',
      severity: 'problem',
      summary: own
        ? `${name(p)} is short of memory and is itself the main cause: ${pct(share)} of the major faults and memory growth in this interval are its own (${faults.toFixed(0)} major faults/s). ${cap(scopeWords(contended))} stalled on memory ${contended.now.toFixed(1)} % of the interval.`
        : `${name(p)} is slowed by memory contention: ${scopeWords(contended)} stalled on memory ${contended.now.toFixed(1)} % of this interval and it takes ${faults.toFixed(0)} major faults/s${culprits && culprits[0]?.top[0] && !culprits[0].top[0].isTarget ? `; the biggest users are ${culpritWords(culprits)}` : ''}.`,
      facts: [...facts, measured(`${contended.scope} memory stall, this interval`, contended.now, 'percent', 'PSI memory total')],
      culprits: culprits ?? [],
    };
  }
  return {
    kind: 'memory',
    resource: 'memory',
    cause: 'own-work',
    severity: 'warning',
    summary: `${name(p)} waits on memory: ${faults.toFixed(0)} major faults/s${a.reclaim > 0 ? ` and ${avg(a.reclaim)} threads reclaiming on average` : ''}, though neither the machine nor its cgroup is contended on memory now.`,
    facts,
  };
}

/** What its resident memory is made of (smaps_rollup, status): what the limit squeezes. */
function mixWords(input: TreeInput): string {
  const mix = input.insights?.memory;
  if (!mix || mix.mostly === null || mix.mostly === 'mixed') return '';
  const kb = (v: number | null) => (v === null ? '' : ` (${formatBytes(v * 1024)})`);
  if (mix.mostly === 'file') return ` Its RSS is mostly file-backed page cache${kb(mix.fileKb)}: reclaimable, so the limit turns into re-reads from disk rather than an OOM kill.`;
  if (mix.mostly === 'anon') return ` Its RSS is mostly anonymous memory${kb(mix.anonKb)}: not reclaimable without swap, so at the limit the OOM killer is next.`;
  return ` Its RSS is mostly shared memory${kb(mix.shmemKb)}.`;
}

export function throttleFinding(input: TreeInput, a: Activity): Finding | null {
  const cpu = input.limits?.cpu ?? null;
  if (!cpu || cpu.quotaCores === null || cpu.throttledShare === null) return null;
  if (cpu.throttledShare < THROTTLED_MIN || a.running + a.runnable < 0.05) return null;
  const facts = [
    measured(`cgroup ${cpu.path} CPU quota`, cpu.quotaCores, 'cores', cpu.source, 2),
    measured('periods throttled this interval', cpu.throttledShare * 100, 'percent', cpu.source),
    ...(cpu.throttledMsPerSec !== null ? [measured('time throttled', cpu.throttledMsPerSec, 'ms-per-second', cpu.source)] : []),
    measured('threads on a CPU (average)', a.running, 'threads', `/proc/${input.process.pid}/task/*/schedstat`),
  ];
  return {
    kind: 'cpu-throttled',
    resource: 'cpu',
    cause: 'own-cgroup-limit',
    severity: 'problem',
    summary: `${name(input.process)} is throttled by its cgroup's CPU quota (${(cpu.quotaCores * 100).toFixed(0)} % of a CPU, ${cpu.path}): throttled in ${(cpu.throttledShare * 100).toFixed(0)} % of the scheduler periods of this interval${cpu.throttledMsPerSec !== null ? `, ${cpu.throttledMsPerSec.toFixed(0)} ms of every second` : ''}. It gets ${(a.running * 100).toFixed(0)} % of a CPU and wants more.`,
    facts,
  };
}

// ---------------------------------------------------------------------------------------
// Tier 2: where its time goes — on a CPU, waiting for one, blocked in D — or a lock queue
