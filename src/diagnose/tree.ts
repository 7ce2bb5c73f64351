import type { MachineUse } from '../sample/culprits.js';
import { activityOf, inKinds, type Activity } from './activity.js';
import { formatBytes, measured, noted, pct } from './evidence.js';
import type { FutexGroup, MemoryView, NetworkView } from './follow/types.js';
import type { LimitFacts } from './limits.js';
import { nextCommands } from './next.js';
import type { TreeInput } from './tree-input.js';
import { culpritLists, culpritWords, targetShare, type CulpritQuery } from './culprits.js';
import { parkedLooksLikeConvoy, type Runtime } from './runtime.js';
import type {
  CulpritList,
  Evidence,
  NextCommand,
  PressureView,
  ProcessFacts,
  PsiReading,
  Resource,
  ThreadDiagnosis,
  TreeStep,
  Verdict,
  VerdictCause,
  VerdictKind,
  WaitGroup,
} from './types.js';

export interface TreeResult {
  readonly verdict: Verdict;
  readonly path: TreeStep[];
  readonly next: NextCommand[];
}

// Thresholds, in average threads over the interval (psn's measure) unless said otherwise.
/** D-state time worth a verdict: a fifth of one thread's time. */
const BLOCKED_MIN = 0.2;
/** Runnable time worth a verdict: 100 ms per second... */
const RUNNABLE_MIN = 0.1;
/** ...and a fifth of the time it wanted a CPU. */
const RUNNABLE_SHARE_MIN = 0.2;
/** Blocked time outweighs runqueue time up to this factor (see dominantActive). */
const BLOCKED_OVER_RUNNABLE = 3;
/** Busy on CPU: half a core. */
const RUNNING_MIN = 0.5;
/** Reclaim worth a verdict. */
const RECLAIM_MIN = 0.05;
/** Major faults per second that mean the working set does not fit. */
const MAJOR_FAULTS_MIN = 20;
/** Share of periods throttled by a CPU quota that holds a process back. */
const THROTTLED_MIN = 0.1;
/** A culprit's share that makes it "the source". */
const SOURCE_SHARE = 50;

const cap = (s: string): string => (s.length > 0 ? `${s[0]!.toUpperCase()}${s.slice(1)}` : s);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const avg = (v: number): string => v.toFixed(2);
/** A stall share: two decimals below 1 %, where one would read 0.0. */
const stall = (v: number): string => v.toFixed(v < 1 ? 2 : 1);
const name = (p: ProcessFacts): string => `${p.comm} (${p.pid})`;

// ---------------------------------------------------------------------------------------
// Step 1: pressure, now and recently

interface Contended {
  readonly scope: 'system' | 'cgroup';
  readonly path: string | null;
  readonly reading: PsiReading;
  /** Stall share of this interval (%), or avg10 with one sample. */
  readonly now: number;
}

/** The stall share of the interval that decides "contended" (`some`, or `full` for irq); avg10 with one sample. */
function stallNow(r: PsiReading): number | null {
  const interval = r.some ? r.someIntervalPercent : r.fullIntervalPercent;
  if (interval !== null) return interval;
  return (r.some ?? r.full)?.avg10 ?? null;
}

function contendedNow(input: TreeInput): Contended[] {
  const out: Contended[] = [];
  for (const view of [input.system, input.cgroup]) {
    if (!view || view.unavailable) continue;
    for (const r of view.readings) {
      if (!r.contended || r.unavailable) continue;
      out.push({ scope: view.scope, path: view.path, reading: r, now: stallNow(r) ?? 0 });
    }
  }
  return out.sort((a, b) => b.now - a.now);
}

const psiResource = (r: PsiReading): Resource => (r.resource === 'irq' ? 'cpu' : r.resource);

function scopeWords(c: Contended): string {
  return c.scope === 'system' ? 'the system' : `its cgroup (${c.path ?? '/'})`;
}

function psiEvidence(view: PressureView, r: PsiReading): Evidence[] {
  const where = view.scope === 'system' ? `/proc/pressure/${r.resource}` : `cgroup ${view.path ?? '/'} ${r.resource}.pressure`;
  const line = r.some ? 'some' : 'full';
  const out: Evidence[] = [];
  const interval = r.some ? r.someIntervalPercent : r.fullIntervalPercent;
  if (interval !== null) out.push(measured(`${view.scope} ${r.resource} ${line}, this interval`, interval, 'percent', `${where} (total)`, 2));
  const value = r.some ?? r.full;
  if (value) out.push(measured(`${view.scope} ${r.resource} ${line} avg10`, value.avg10, 'percent', where, 2));
  return out;
}

function pressureStep(input: TreeInput, contended: readonly Contended[]): TreeStep {
  const { system, cgroup, threshold } = input;
  const evidence: Evidence[] = [];
  const recently: string[] = [];
  for (const view of [system, cgroup]) {
    if (!view) continue;
    if (view.unavailable) {
      evidence.push(noted(`${view.scope} PSI`, 'unavailable', view.unavailable));
      continue;
    }
    for (const r of view.readings) {
      if (r.unavailable) continue;
      evidence.push(...psiEvidence(view, r));
      if (r.recently && !r.contended) recently.push(`${view.scope === 'system' ? '' : 'cgroup '}${r.resource} avg10 ${(r.some ?? r.full)!.avg10.toFixed(1)} %`);
    }
  }
  const intervalKnown = input.haveRates && system.readings.some((r) => r.someIntervalPercent !== null);
  let answer: string;
  if (system.unavailable && (!cgroup || cgroup.unavailable)) {
    answer = `Unknown: ${system.unavailable}. Judging from the process alone.`;
  } else if (contended.length > 0) {
    const how = (c: Contended) => (intervalKnown ? `stalled ${stall(c.now)} % of this interval` : `avg10 ${stall(c.now)} %, one sample`);
    answer = `Yes: ${contended.map((c) => `${scopeWords(c)} is contended on ${c.reading.resource} (${how(c)} > ${threshold} %)`).join(', ')}.`;
  } else if (recently.length > 0) {
    answer = `Not now: every stall share of this interval is at or below ${threshold} %, but recently it was not (${recently.join(', ')}): the pressure has passed or comes and goes.`;
  } else {
    answer = `No: every stall share ${intervalKnown ? 'of this interval' : '(avg10)'} is at or below ${threshold} %.`;
  }
  return {
    id: 'pressure',
    question: `Is the system or the process's cgroup contended now (PSI stall share of the interval > ${threshold} %)?`,
    answer,
    evidence,
  };
}

// ---------------------------------------------------------------------------------------
// A finding: one candidate verdict with what backs it

interface Finding {
  readonly kind: VerdictKind;
  readonly resource: Resource | null;
  readonly cause: VerdictCause;
  readonly severity: Verdict['severity'];
  readonly summary: string;
  readonly facts: readonly Evidence[];
  readonly culprits?: readonly CulpritList[];
}

function activityFacts(a: Activity, pid: number): Evidence[] {
  const src = a.over === 'interval' ? `/proc/${pid}/task/*/schedstat, and looks at stat, wchan, syscall` : `/proc/${pid}/task/*/stat, wchan (one instant)`;
  const out: Evidence[] = [measured('threads on a CPU (average)', a.running, 'threads', src)];
  if (a.over === 'interval') out.push(measured('threads waiting for a CPU (average)', a.runnable, 'threads', `/proc/${pid}/task/*/schedstat run delay`));
  for (const w of a.waits.slice(0, 4)) out.push(measured(`threads in ${w.kind}${w.function ? ` (${w.function})` : ''} (average)`, w.avgThreads, 'threads', src));
  return out;
}

// ---------------------------------------------------------------------------------------
// Tier 0: connections dropped

function listenFinding(input: TreeInput): Finding | null {
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
  const accepting = input.threads.filter((t) => t.wait.syscall?.name === 'accept' || t.wait.syscall?.name === 'accept4' || (t.follow?.kind === 'epoll' && t.follow.epoll.targets.some((x) => x.type === 'tcp' && x.inode === worst.inode)));
  const nobody = accepting.length === 0;
  const facts = [
    measured('listen overflows (namespace)', overflows, 'per-second', `/proc/${input.process.pid}/net/netstat TcpExt ListenOverflows`),
    measured('listen drops (namespace)', drops, 'per-second', `/proc/${input.process.pid}/net/netstat TcpExt ListenDrops`),
    measured(`accept queue of ${worst.local}`, worst.acceptQueue, 'count', `/proc/${input.process.pid}/net/tcp rx_queue of the LISTEN row (the backlog itself is not in /proc)`),
    measured('threads in accept() or in epoll on it', accepting.length, 'count', 'wchan, syscall, epoll fdinfo'),
  ];
  return {
    kind: 'dropping-connections',
    resource: 'network',
    cause: 'own-work',
    severity: 'problem',
    // A full accept queue holds backlog + 1 connections (sk_acceptq_is_full: ack_backlog > max_ack_backlog),
    // so while it overflows the queue's length tells the backlog, which /proc does not show.
    summary: `${name(input.process)} drops new connections: the accept queue of ${worst.local} is likely full (${worst.acceptQueue}/${worst.acceptQueue - 1}: ${worst.acceptQueue} waiting, and a full queue holds the listen() backlog + 1) and its network namespace's listen queues overflowed ${overflows.toFixed(1)} times/s (${drops.toFixed(1)} drops/s) in this interval. ${nobody ? 'No thread is in accept() or in an epoll watching that socket: it does not accept connections as fast as they come, or at all.' : `${plural(accepting.length, 'thread')} accept on it, not fast enough.`}`,
    facts,
  };
}

// ---------------------------------------------------------------------------------------
// Tier 1: its own cgroup's limits

function memoryFinding(input: TreeInput, a: Activity): Finding | null {
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
        summary: `${name(p)} thrashes against its cgroup's memory limit: the ${formatBytes(lim.limitBytes)} limit of ${lim.path} is smaller than its working set — ${rate.toFixed(0)} major faults/s${lim.refaultsPerSec ? `, ${lim.refaultsPerSec.toFixed(0)} refaults/s` : ''}${lim.limitHits ? `, the limit hit ${lim.limitHits} times` : ''} in this interval${a.reclaim > 0 ? `, ${avg(a.reclaim)} threads reclaiming on average` : ''}. Pages it needs are evicted and read back from disk.`,
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

function throttleFinding(input: TreeInput, a: Activity): Finding | null {
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

function lockFinding(input: TreeInput, a: Activity): { finding: Finding; weight: number } | null {
  const queues = input.futexGroups.filter((g) => g.style === 'lock-queue' && g.count > 1);
  if (queues.length === 0) return null;
  const waiting = a.over === 'interval' ? inKinds(a, ['futex']) : queues.reduce((n, g) => n + g.count, 0);
  const biggest = queues[0]!;
  const holders = input.threads.filter((t) => t.wait.kind === 'running' || (t.cpuPercent ?? 0) >= 20);
  const holder = holders[0];
  return {
    weight: Math.min(waiting, queues.reduce((n, g) => n + g.count, 0)),
    finding: {
      kind: 'lock-contention',
      resource: null,
      cause: 'lock-holder',
      severity: 'problem',
      summary: `${name(input.process)} is held up by a lock: ${biggest.count} threads are queued behind one lock at ${biggest.address}${queues.length > 1 ? ` (and ${plural(queues.length - 1, 'more queue')})` : ''}, ${holder ? `while ${holder.comm} ${holder.tid} runs (${holder.cpuPercent !== null ? `${holder.cpuPercent.toFixed(0)} % CPU, ` : ''}likely the holder)` : 'and no thread of the process runs: the holder sleeps or waits elsewhere while holding it'}. Threads in the queue do no work.`,
      facts: [
        measured('threads waiting in futex (average)', waiting, 'threads', `/proc/${input.process.pid}/task/*/syscall futex args, wchan`),
        noted('lock queue', `${biggest.count} threads on ${biggest.address}: ${biggest.basis}`, 'futex op and address (syscall args)'),
      ],
    },
  };
}

interface Active {
  readonly what: 'disk' | 'kernel' | 'runnable' | 'running';
  readonly value: number;
}

function dominantActive(a: Activity): Active | null {
  const wanted = a.running + a.runnable;
  const candidates: Active[] = [];
  if (a.disk >= BLOCKED_MIN) candidates.push({ what: 'disk', value: a.disk });
  if (a.kernel >= BLOCKED_MIN) candidates.push({ what: 'kernel', value: a.kernel });
  if (a.runnable >= RUNNABLE_MIN && wanted > 0 && a.runnable / wanted >= RUNNABLE_SHARE_MIN) candidates.push({ what: 'runnable', value: a.runnable });
  if (a.running >= RUNNING_MIN) candidates.push({ what: 'running', value: a.running });
  const order = ['disk', 'kernel', 'runnable', 'running'];
  candidates.sort((x, y) => y.value - x.value || order.indexOf(x.what) - order.indexOf(y.what));
  // Time blocked in D is the process's own chain of waits (each write waits for the device);
  // runqueue time after it is the machine's. Blocked stays the story unless the runqueue is far
  // bigger, so that a synchronous writer on a busy machine does not flip between the two.
  const blocked = candidates.find((c) => c.what === 'disk' || c.what === 'kernel');
  if (blocked && candidates[0]!.what === 'runnable' && blocked.value * BLOCKED_OVER_RUNNABLE >= candidates[0]!.value) return blocked;
  return candidates[0] ?? null;
}

function diskFinding(input: TreeInput, a: Activity): Finding {
  const p = input.process;
  const diskWaits = a.waits.filter((w) => w.kind === 'disk-io');
  const where = diskWaits.slice(0, 2).map((w) => w.function ?? 'disk-io').join(', ');
  const share = a.over === 'interval' ? `${avg(a.disk)} threads on average in D on disk I/O (${where})` : `${plural(Math.round(a.disk), 'thread')} in D on disk I/O (${where}) at this instant`;
  const bytes = (p.readBytesPerSec ?? 0) + (p.writeBytesPerSec ?? 0);
  const io = p.readBytesPerSec !== null ? `; it reads ${formatBytes(p.readBytesPerSec ?? 0)}/s and writes ${formatBytes(p.writeBytesPerSec ?? 0)}/s` : '';
  const facts = [
    measured('threads in D on disk I/O (average)', a.disk, 'threads', 'wchan, stack, over the looks'),
    ...(p.readBytesPerSec !== null ? [measured('disk read + write', bytes, 'bytes-per-second', `/proc/${p.pid}/io read_bytes, write_bytes`)] : []),
  ];
  const contended = contendedNow(input).find((c) => psiResource(c.reading) === 'io');
  if (contended) {
    const culprits = input.machine ? culpritLists(input.machine, p.pid, 'io') : null;
    const mine = culprits ? targetShare(culprits) : null;
    facts.push(measured(`${contended.scope} io stall, this interval`, contended.now, 'percent', 'PSI io total'));
    if (mine !== null && mine >= SOURCE_SHARE) {
      return { kind: 'disk-io', resource: 'io', cause: 'own-work', severity: 'problem', summary: `${name(p)} is blocked on its own disk I/O and is the source of the io pressure: ${pct(mine)} of the ${culprits![0]!.by} of every process in this interval is its own. ${cap(share)}${io}. ${cap(scopeWords(contended))} stalled on io ${contended.now.toFixed(1)} % of the interval.`, facts, culprits: culprits! };
    }
    return { kind: 'disk-io', resource: 'io', cause: 'other-processes', severity: 'problem', summary: `${name(p)} is slowed by io contention: ${share}${io}, while ${scopeWords(contended)} stalled on io ${contended.now.toFixed(1)} % of this interval${culprits && culprits[0] ? `; the most ${culprits[0].by} comes from ${culpritWords(culprits)}` : ''}.`, facts, culprits: culprits ?? [] };
  }
  return {
    kind: 'disk-io',
    resource: 'io',
    cause: 'own-work',
    severity: a.disk >= 0.5 ? 'problem' : 'warning',
    summary: `${name(p)} is blocked on its own disk I/O: ${share}${io}. Nothing else contends for the disk now (no io pressure in this interval): the device's latency for what it asks is the limit.`,
    facts,
  };
}

function kernelFinding(input: TreeInput, a: Activity): Finding {
  const waits = a.waits.filter((w) => w.kind === 'kernel-lock' || w.kind === 'uninterruptible' || w.kind === 'frozen' || w.kind === 'vfork' || w.kind === 'file-lock');
  const top = waits[0];
  const frozen = top?.kind === 'frozen';
  return {
    kind: 'kernel-blocked',
    resource: null,
    cause: frozen ? 'none' : 'unknown',
    severity: 'problem',
    summary: frozen
      ? `${name(input.process)} is frozen by its cgroup's freezer (or a system suspend): ${avg(a.kernel)} threads on average wait to be thawed.`
      : `${name(input.process)} is blocked in the kernel: ${waits.slice(0, 3).map((w) => `${avg(w.avgThreads)} threads in ${w.kind}${w.function ? ` (${w.function})` : ''}`).join(', ')} on average. The kernel function says what it waits for; the holder of a kernel lock is usually another thread in D.`,
    facts: activityFacts(a, input.process.pid),
  };
}

function cpuFinding(input: TreeInput, a: Activity, what: 'running' | 'runnable'): Finding {
  const p = input.process;
  const cpuContended = contendedNow(input).find((c) => psiResource(c.reading) === 'cpu');
  const culprits = input.machine && (cpuContended || what === 'runnable') ? culpritLists(input.machine, p.pid, 'cpu') : null;
  const mine = culprits ? targetShare(culprits) : null;
  const facts = activityFacts(a, p.pid);
  if (p.cpuPercent !== null) facts.push(measured('process CPU', p.cpuPercent, 'percent', `/proc/${p.pid}/stat utime+stime`));
  if (cpuContended) facts.push(measured(`${cpuContended.scope} cpu stall, this interval`, cpuContended.now, 'percent', 'PSI cpu total'));
  const list = culprits ?? [];
  if (what === 'running') {
    if (cpuContended && mine !== null && (mine >= SOURCE_SHARE || culprits?.[0]?.top[0]?.isTarget)) {
      return { kind: 'on-cpu', resource: 'cpu', cause: 'own-work', severity: 'warning', summary: `${name(p)} is the CPU hog: it used ${pct(mine)} of all CPU time used in this interval (${avg(a.running)} CPUs of ${input.cpuCount}), and ${scopeWords(cpuContended)} stalled on CPU ${cpuContended.now.toFixed(1)} % of the time — other tasks wait for CPUs because of it. Profile it, or lower its priority or quota.`, facts, culprits: list };
    }
    return { kind: 'on-cpu', resource: 'cpu', cause: 'own-work', severity: 'warning', summary: `${name(p)} is busy on CPU: ${avg(a.running)} threads running on average (${pct(p.cpuPercent)} of one core)${a.runnable >= 0.05 ? `, and ${avg(a.runnable)} more waiting for a CPU` : ''}. Its own work is what takes the time: profile where it spends it.`, facts, culprits: list };
  }
  const wanted = a.running + a.runnable;
  if (wanted > input.cpuCount * 0.9 && (mine === null || mine >= SOURCE_SHARE)) {
    return { kind: 'waiting-for-cpu', resource: 'cpu', cause: 'own-work', severity: 'problem', summary: `${name(p)} wants more CPUs than the machine has: ${avg(wanted)} of its threads are runnable on average for ${input.cpuCount} CPUs, so ${avg(a.runnable)} wait in the runqueue at any time (${(a.runnable * 1000).toFixed(0)} ms/s).`, facts, culprits: list };
  }
  return {
    kind: 'waiting-for-cpu',
    resource: 'cpu',
    cause: 'other-processes',
    severity: 'problem',
    summary: `${name(p)} waits for CPUs: its threads spent ${(a.runnable * 1000).toFixed(0)} ms per second runnable but not running (${avg(a.running)} running on average)${cpuContended ? `, and ${scopeWords(cpuContended)} stalled on CPU ${cpuContended.now.toFixed(1)} % of this interval` : ''}${culprits?.[0]?.top.some((c) => !c.isTarget) ? `; the CPU goes to ${culpritWords(culprits)}` : ''}. It is slowed by contention, not by its own work.`,
    facts,
    culprits: list,
  };
}

// ---------------------------------------------------------------------------------------
// Tier 3: off the CPU, waiting

function childrenWords(input: TreeInput, waiters: readonly ThreadDiagnosis[]): { text: string; zombie: string | null } {
  const follows = waiters.flatMap((t) => (t.follow?.kind === 'children' ? [t.follow.children] : []));
  const children = new Map<number, { comm: string; kind: string; state: string; fn: string | null }>();
  for (const f of follows) for (const c of f.children) children.set(c.pid, { comm: c.comm, kind: c.wait.kind, state: c.state, fn: c.wait.function });
  const groups = new Map<string, { comm: string; kind: string; fn: string | null; count: number }>();
  for (const c of children.values()) {
    const key = `${c.comm}\0${c.kind}`;
    const g = groups.get(key) ?? { comm: c.comm, kind: c.kind, fn: c.fn, count: 0 };
    g.count++;
    groups.set(key, g);
  }
  const n = waiters.length;
  const each = n > 1 && children.size >= n;
  const main = [...groups.values()].sort((a, b) => b.count - a.count);
  const childPhrase = main
    .slice(0, 3)
    .map((g) => `${plural(g.count, 'child', 'children')} \`${g.comm}\` ${g.kind === 'running' ? (g.count === 1 ? 'runs' : 'run') : g.kind === 'zombie' ? (g.count === 1 ? 'has exited and is not reaped (zombie)' : 'have exited and are not reaped (zombies)') : g.kind === 'stopped' ? (g.count === 1 ? 'is stopped (T)' : 'are stopped (T)') : `${g.count === 1 ? 'waits' : 'wait'} in ${g.kind}${g.fn ? ` (${g.fn})` : ''}`}`)
    .join(', ');
  const zombies = [...children.entries()].filter(([, c]) => c.state === 'Z');
  const stopped = [...children.entries()].filter(([, c]) => c.state === 'T' || c.state === 't');
  const stuck = [
    ...(zombies.length > 0 ? [`${zombies.length === 1 ? `child ${zombies[0]![0]} (${zombies[0]![1].comm}) is a zombie` : `${zombies.length} children are zombies`}: it has exited and waits to be reaped`] : []),
    ...(stopped.length > 0 ? [`${stopped.length === 1 ? `child ${stopped[0]![0]} (${stopped[0]![1].comm}) is stopped` : `${stopped.length} children are stopped`} (T): ${stopped.length === 1 ? 'it' : 'they'} will not finish until SIGCONT`] : []),
  ];
  if (children.size === 0) return { text: `${plural(n, 'thread')} wait${n === 1 ? 's' : ''} for children, but none was found`, zombie: null };
  const who = each ? `${n} threads each wait for a child` : `${plural(n, 'thread')} wait${n === 1 ? 's' : ''} for ${plural(children.size, 'child', 'children')}`;
  return { text: `${who}: ${childPhrase}`, zombie: stuck.length > 0 ? stuck.join('; ') : null };
}

function peerWords(t: ThreadDiagnosis): { text: string; pid: number | null } | null {
  const f = t.follow;
  if (!f || f.kind !== 'fd') return null;
  const target = f.target;
  if (target.type !== 'pipe' && target.type !== 'tcp' && target.type !== 'unix') return null;
  const peer = target.peers.find((x) => x.pid !== undefined);
  if (!peer) return { text: f.summary, pid: null };
  const role = target.type === 'pipe' ? (peer.access === 'write' ? 'the writer' : peer.access === 'read' ? 'the reader' : 'the other end') : 'the other end';
  return { text: `${t.wait.syscall?.name ?? 'a read'} on fd ${f.target.fd} (${target.type}): ${role} is ${peer.comm} (pid ${peer.pid})`, pid: peer.pid };
}

function offCpuFinding(input: TreeInput, a: Activity, contentionNote: string): Finding {
  const p = input.process;
  const facts = activityFacts(a, p.pid);
  const futexAvg = inKinds(a, ['futex']);
  const running = input.threads.filter((t) => t.wait.kind === 'running').length;
  const topWait = a.waits[0];

  // Waits /proc cannot tell apart: a managed runtime parks each idle thread on a futex of its own.
  if (parkedLooksLikeConvoy(input.runtime) && futexAvg >= 2) {
    const runtimeName = input.runtime === 'java' ? 'a JVM' : 'CPython';
    return {
      kind: 'cannot-tell',
      resource: null,
      cause: 'unknown',
      severity: 'warning',
      summary: `${name(p)} is ${runtimeName} with ${avg(futexAvg)} threads on average parked in futex waits${a.running > 0.05 ? ` and ${avg(a.running)} running` : ''}. From /proc alone an idle pool and a lock convoy (threads queued on one monitor or lock whose holder sleeps) look the same: ${runtimeName} parks every waiting thread on a futex of its own. Its own thread dump tells them apart.${contentionNote}`,
      facts,
    };
  }

  const waitpid = input.threads.filter((t) => t.wait.kind === 'waitpid');
  if (waitpid.length > 0 && topWait?.kind === 'waitpid') {
    const words = childrenWords(input, waitpid);
    return {
      kind: 'waiting-on-children',
      resource: null,
      cause: 'children',
      severity: words.zombie ? 'problem' : 'warning',
      summary: `${name(p)} waits on its children: ${words.text}.${words.zombie ? ` ${cap(words.zombie)}.` : ''} It is as slow as they are: triage the children.${contentionNote}`,
      facts,
    };
  }

  if (topWait && (topWait.kind === 'pipe' || topWait.kind === 'socket')) {
    const waiter = input.threads.find((t) => t.wait.kind === topWait.kind && peerWords(t)) ?? null;
    const peer = waiter ? peerWords(waiter) : null;
    if (peer) {
      return {
        kind: 'waiting-on-peer',
        resource: topWait.kind === 'socket' ? 'network' : null,
        cause: 'peer',
        severity: 'warning',
        summary: `${name(p)} waits for its peer: ${peer.text}.${peer.pid !== null ? ` What that process does decides when this one moves: triage it.` : ''}${contentionNote}`,
        facts,
      };
    }
  }

  const parkedPool = input.futexGroups.every((g) => g.style !== 'lock-queue') && running === 0;
  const idle = a.waits.every((w) => isIdleKind(w.kind) || (w.kind === 'futex' && parkedPool));
  if (idle && a.waits.length > 0) {
    return {
      kind: 'idle',
      resource: null,
      cause: 'none',
      severity: 'ok',
      summary: `${name(p)} is idle, waiting for work: ${waitList(a)}. Nothing in the kernel holds it back.${onWhom(input)}${contentionNote}`,
      facts,
    };
  }
  const hint = topWait?.kind === 'futex' ? ' The lock or condition is in user space: look at the other threads.' : topWait?.kind === 'pipe' || topWait?.kind === 'socket' ? ' It waits for its peer: look at the other end.' : '';
  return {
    kind: 'waiting',
    resource: topWait?.kind === 'socket' ? 'network' : null,
    cause: topWait?.kind === 'pipe' || topWait?.kind === 'socket' ? 'peer' : 'unknown',
    severity: 'warning',
    summary: `${name(p)} is off-CPU, waiting: ${waitList(a)}.${hint}${onWhom(input)}${contentionNote}`,
    facts,
  };
}

const IDLE_KINDS: ReadonlySet<string> = new Set(['epoll', 'poll', 'sleep', 'signal', 'event-fd', 'idle', 'io_uring', 'tty']);
function isIdleKind(kind: string): boolean {
  return IDLE_KINDS.has(kind);
}

function waitList(a: Activity): string {
  return a.waits
    .slice(0, 4)
    .map((w) => (a.over === 'interval' ? `${avg(w.avgThreads)} threads in ${w.kind}${w.function ? ` (${w.function})` : ''}` : `${w.avgThreads} in ${w.kind}${w.function ? ` (${w.function})` : ''}`))
    .join(', ');
}

/** The follow answers worth a sentence: the main thread's wait target. */
function onWhom(input: TreeInput): string {
  const main = input.threads.find((t) => t.tid === input.process.pid) ?? input.threads[0];
  const f = main?.follow;
  return f && f.kind !== 'futex' && f.kind !== 'children' ? ` Main thread: ${f.summary}.` : '';
}

// ---------------------------------------------------------------------------------------
// The walk

function resourceStep(finding: Finding, a: Activity, contended: readonly Contended[]): TreeStep {
  const notWanted = contended.filter((c) => psiResource(c.reading) !== finding.resource);
  const answer = finding.resource
    ? `${finding.resource.toUpperCase()}: ${describeResourceChoice(finding)}.`
    : `None of CPU, memory, disk or network: ${finding.kind === 'idle' ? 'it waits for work' : finding.kind === 'lock-contention' ? 'its threads wait for each other' : 'it waits off the CPU'}.`;
  return {
    id: 'resource',
    question: 'Which resource does the process wait on?',
    answer: `${answer}${notWanted.length > 0 ? ` (${notWanted.map((c) => `${scopeWords(c)} is contended on ${c.reading.resource}`).join(', ')}, which this process does not wait for.)` : ''}`,
    evidence: activityFacts(a, 0).slice(0, 0).concat(finding.facts.slice(0, 4)),
  };
}

function describeResourceChoice(f: Finding): string {
  switch (f.kind) {
    case 'on-cpu':
      return 'it runs on a CPU most of the interval';
    case 'waiting-for-cpu':
      return 'it waits in the runqueue for a CPU';
    case 'cpu-throttled':
      return 'its cgroup quota throttles it';
    case 'disk-io':
      return 'its threads wait in D on disk I/O';
    case 'memory':
      return 'it faults pages back in and reclaims memory';
    case 'dropping-connections':
      return 'its accept queue overflows';
    default:
      return 'its threads wait on it';
  }
}

function cpuStep(input: TreeInput, a: Activity): TreeStep {
  const p = input.process;
  const evidence = activityFacts(a, p.pid);
  if (p.cpuPercent !== null) evidence.push(measured('process CPU', p.cpuPercent, 'percent', `/proc/${p.pid}/stat utime+stime`));
  if (p.runqueueDelayMsPerSec !== null) evidence.push(measured('runqueue delay', p.runqueueDelayMsPerSec, 'ms-per-second', `/proc/${p.pid}/task/*/schedstat`));
  const offCpu = Math.max(0, a.threads - a.running - a.runnable);
  const shares = p.shares;
  const answer =
    a.over === 'interval'
      ? `Over the interval (${shares ? `${shares.looks} looks at ${(shares.looksPerSecond ?? 0).toFixed(0)}/s` : 'two samples'}): ${avg(a.running)} threads on a CPU, ${avg(a.runnable)} waiting for one, ${avg(offCpu)} off the CPU, of ${a.threads}.`
      : `At this instant (one sample): ${Math.round(a.running)} of ${a.threads} threads running or runnable, ${a.threads - Math.round(a.running)} off the CPU.`;
  return { id: 'cpu', question: 'On-CPU or off-CPU?', answer, evidence };
}

function waitsStep(input: TreeInput, a: Activity): TreeStep {
  const answer =
    a.waits.length === 0
      ? 'Nothing: every thread is on a CPU or waiting for one.'
      : a.over === 'interval'
        ? `${a.waits.slice(0, 6).map((w) => `${avg(w.avgThreads)} threads in ${w.kind}${w.function ? ` (${w.function})` : ''}`).join(', ')} (average over the interval).`
        : `${input.groups.filter((g) => g.kind !== 'running').map((g) => g.label).join(', ')}.`;
  return {
    id: 'waits',
    question: 'What are the threads waiting on?',
    answer,
    evidence: input.groups.filter((g) => g.kind !== 'running').slice(0, 8).map((g) => noted(g.label, `tids ${g.tids.slice(0, 6).join(', ')}${g.tids.length > 6 ? ', …' : ''}`, 'wchan, stack, syscall')),
  };
}

function intermittentStep(input: TreeInput): TreeStep {
  const evidence: Evidence[] = [];
  const notes: string[] = [];
  const view = input.system.unavailable ? null : input.system;
  for (const r of view?.readings ?? []) {
    const line = r.some ?? r.full;
    if (!line) continue;
    evidence.push(noted(`${r.resource} avg10 / avg60 / avg300`, `${line.avg10.toFixed(2)} / ${line.avg60.toFixed(2)} / ${line.avg300.toFixed(2)} %`, `/proc/pressure/${r.resource}`));
    const now = stallNow(r);
    const longer = Math.max(line.avg60, line.avg300);
    if (r.recently && !r.contended && now !== null) notes.push(`${r.resource}: avg10 is ${line.avg10.toFixed(1)} % but this interval only ${now.toFixed(1)} % — a burst that has passed`);
    else if (longer > input.threshold / 2 && line.avg10 < longer / 2) notes.push(`${r.resource} was under pressure in the last minutes (avg60 ${line.avg60.toFixed(1)} %, avg300 ${line.avg300.toFixed(1)} %) but less now (avg10 ${line.avg10.toFixed(1)} %)`);
    else if (r.contended && line.avg300 < input.threshold / 2) notes.push(`${r.resource} pressure is new: now ${(now ?? line.avg10).toFixed(1)} % against avg300 ${line.avg300.toFixed(1)} %`);
  }
  const agree = view !== null && notes.length === 0;
  return {
    id: 'intermittent',
    question: 'Is it intermittent?',
    answer:
      notes.length > 0
        ? `Possibly: ${notes.join('; ')}. Record it when it comes back: proctriage watch ${input.process.pid} --when 'psi:cpu.some.avg10>${input.threshold}' --capture DIR.`
        : agree
          ? 'No sign of it: this interval, avg10, avg60 and avg300 tell the same story. If the slowness comes and goes, record it with proctriage watch.'
          : 'Cannot tell without PSI history; record the next episode with proctriage watch.',
    evidence,
  };
}

function terminal(input: TreeInput): TreeResult | null {
  const { process: p, threads } = input;
  if (p.state === 'Z') {
    return {
      verdict: { kind: 'zombie', resource: null, cause: 'none', severity: 'warning', summary: `${name(p)} has exited and is a zombie: its parent (${p.ppid ?? '?'}) has not reaped it.`, facts: [noted('state', 'Z (zombie)', `/proc/${p.pid}/stat`)], culprits: [] },
      path: [{ id: 'waits', question: 'What are the threads waiting on?', answer: 'Nothing: the process is a zombie (state Z). Only its exit status is left.', evidence: [noted('state', 'Z (zombie)', `/proc/${p.pid}/stat`)] }],
      next: [{ command: `proctriage triage ${p.ppid ?? 'PPID'}`, why: 'the parent should call wait(): see what it is doing instead' }],
    };
  }
  const stopped = threads.filter((t) => t.wait.kind === 'stopped' || t.wait.kind === 'traced').length;
  if (threads.length > 0 && stopped === threads.length) {
    const traced = threads.some((t) => t.wait.kind === 'traced');
    const facts = [measured('threads stopped', stopped, 'count', `/proc/${p.pid}/task/*/stat`)];
    return {
      verdict: {
        kind: 'stopped',
        resource: null,
        cause: 'none',
        severity: 'problem',
        summary: traced ? `${name(p)} is held by a debugger or tracer: it will not run until the tracer lets it go.` : `${name(p)} is stopped (SIGSTOP/Ctrl-Z): it will not run until it gets SIGCONT.`,
        facts,
        culprits: [],
      },
      path: [{ id: 'waits', question: 'What are the threads waiting on?', answer: traced ? 'All threads are held by a tracer (state t).' : 'All threads are stopped by a signal (state T).', evidence: facts }],
      next: traced ? [{ command: `grep TracerPid /proc/${p.pid}/status`, why: 'which process traces it' }] : [{ command: `kill -CONT ${p.pid}`, why: 'resume it, once you know who stopped it and why (proctriage never sends signals)' }],
    };
  }
  return null;
}

/** Walk the decision tree: PSI now → resource → on/off-CPU → waits → intermittent; the verdict tells the process's own story first. */
export function walkTree(input: TreeInput): TreeResult {
  const ended = terminal(input);
  if (ended) return ended;
  const p = input.process;
  const a = activityOf(p.shares, input.threads);
  const contended = contendedNow(input);
  const path: TreeStep[] = [pressureStep(input, contended)];

  let finding: Finding;
  const hidden = input.threads.length > 0 && input.threads.every((t) => t.wait.kind === 'unknown');
  if (hidden) {
    finding = {
      kind: 'hidden',
      resource: null,
      cause: 'unknown',
      severity: 'warning',
      summary: `${name(p)} is sleeping, but its wait sites are hidden from this user: ${input.threads.length === 1 ? 'its thread' : `all ${input.threads.length} threads`} read wchan 0 and their syscall and stack files are denied. See "Could not see" for why and what would show them.`,
      facts: activityFacts(a, p.pid),
    };
  } else {
    const lock = lockFinding(input, a);
    const active = dominantActive(a);
    const activeFinding = active ? (active.what === 'disk' ? diskFinding(input, a) : active.what === 'kernel' ? kernelFinding(input, a) : cpuFinding(input, a, active.what)) : null;
    const pick = (): Finding => {
      if (lock && (!active || lock.weight >= active.value)) return lock.finding;
      if (activeFinding) return activeFinding;
      return offCpuFinding(input, a, contentionNote(contended, null, a));
    };
    finding = listenFinding(input) ?? memoryFinding(input, a) ?? throttleFinding(input, a) ?? pick();
  }
  const note = finding.kind === 'idle' || finding.kind === 'waiting' || finding.kind === 'waiting-on-children' || finding.kind === 'waiting-on-peer' || finding.kind === 'cannot-tell' ? '' : contentionNote(contended, finding.resource, a);

  path.push(resourceStep(finding, a, contended), cpuStep(input, a), waitsStep(input, a), intermittentStep(input));
  const stuck = finding.kind === 'waiting-on-children' ? '' : stuckChildren(input);
  const verdict: Verdict = {
    kind: finding.kind,
    resource: finding.resource,
    cause: finding.cause,
    severity: stuck && finding.severity === 'ok' ? 'warning' : finding.severity,
    summary: `${finding.summary}${stuck}${note}`,
    facts: finding.facts,
    culprits: finding.culprits ?? [],
  };
  const next = nextCommands(input, verdict, a);
  if (contentionNote(contended, finding.resource)) next.push({ command: 'proctriage top', why: 'what the rest of the machine is waiting on' });
  return { verdict, path, next };
}

/** A zombie it never reaps, or a stopped child: worth a sentence whatever the process itself does. */
function stuckChildren(input: TreeInput): string {
  const kids = input.childStates ?? [];
  const zombies = kids.filter((k) => k.state === 'Z');
  const stopped = kids.filter((k) => k.state === 'T' || k.state === 't');
  const parts: string[] = [];
  const who = (list: typeof kids) => list.slice(0, 3).map((k) => `${k.pid} (${k.comm})`).join(', ') + (list.length > 3 ? ', …' : '');
  if (zombies.length > 0) parts.push(`${zombies.length === 1 ? `Its child ${who(zombies)} is a zombie` : `${zombies.length} of its children are zombies (${who(zombies)})`}: exited, and ${input.process.comm} has not called wait() to reap ${zombies.length === 1 ? 'it' : 'them'}.`);
  if (stopped.length > 0) parts.push(`${stopped.length === 1 ? `Its child ${who(stopped)} is stopped` : `${stopped.length} of its children are stopped (${who(stopped)})`} (T): ${stopped.length === 1 ? 'it' : 'they'} will not finish until SIGCONT.`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/**
 * Contention on a resource other than the verdict's: a second cause when the process also waits
 * for it (runqueue time on a contended CPU, D time on contended io), else a note that it does not.
 */
function contentionNote(contended: readonly Contended[], resource: Resource | null, a?: Activity): string {
  const others = contended.filter((c) => psiResource(c.reading) !== resource);
  if (others.length === 0) return '';
  const alsoWaits = (c: Contended): string | null => {
    const r = psiResource(c.reading);
    if (!a) return null;
    if (r === 'cpu' && a.runnable >= RUNNABLE_MIN) return `it also waits ${(a.runnable * 1000).toFixed(0)} ms/s for a CPU`;
    if (r === 'io' && a.disk >= RECLAIM_MIN) return `it also waits in D on disk I/O (${avg(a.disk)} threads on average)`;
    if (r === 'memory' && a.reclaim >= RECLAIM_MIN) return `it also reclaims memory (${avg(a.reclaim)} threads on average)`;
    return null;
  };
  const felt = others.filter((c) => alsoWaits(c) !== null);
  const unfelt = others.filter((c) => alsoWaits(c) === null);
  const parts: string[] = [];
  for (const c of felt) parts.push(`${cap(alsoWaits(c)!)}: ${scopeWords(c)} is contended on ${c.reading.resource} (stalled ${stall(c.now)} % of this interval).`);
  if (unfelt.length > 0) {
    const list = unfelt.map((c) => `${scopeWords(c)} is contended on ${c.reading.resource} (stalled ${stall(c.now)} % of this interval)`).join(', and ');
    parts.push(`${cap(list)}, but this process is not waiting for ${unfelt.length === 1 ? 'it' : 'them'}.`);
  }
  return ` ${parts.join(' ')}`;
}

export type { CulpritQuery, TreeInput };
