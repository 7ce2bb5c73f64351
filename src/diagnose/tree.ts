import type { Evidence, NextCommand, PressureView, ProcessFacts, PsiReading, ThreadDiagnosis, TreeStep, Verdict, WaitGroup } from './types.js';
import type { WaitKind } from '../kernel/wait-kinds.js';
import { WAIT_KIND_INFO, type NextTemplate } from '../kernel/wait-kind-info.js';
import type { FutexGroup, MemoryView, NetworkView } from './follow/types.js';

/** What the tree looks at; all of it measured before the walk. */
export interface TreeInput {
  readonly process: ProcessFacts;
  readonly threads: readonly ThreadDiagnosis[];
  readonly groups: readonly WaitGroup[];
  readonly system: PressureView;
  readonly cgroup: PressureView | null;
  /** false for a single sample: no CPU %, no rates. */
  readonly haveRates: boolean;
  readonly threshold: number;
  readonly cpuCount: number;
  /** Futex waiters grouped by address, each a lock queue or a parked pool (follow/futex.ts). */
  readonly futexGroups: readonly FutexGroup[];
  readonly network?: NetworkView;
  readonly memory?: MemoryView;
}

export interface TreeResult {
  readonly verdict: Verdict;
  readonly path: TreeStep[];
  readonly next: NextCommand[];
}

/** Stuck on something slow rather than idle by design. */
const isBlocked = (kind: WaitKind): boolean => WAIT_KIND_INFO[kind].posture === 'blocked';
/** Usually idle by design (an event loop, a sleeping timer, a parked kernel thread). */
const isIdle = (kind: WaitKind): boolean => WAIT_KIND_INFO[kind].posture === 'idle';

const fmt = (n: number | null, digits = 1, unit = ''): string => (n === null ? 'n/a' : `${n.toFixed(digits)}${unit}`);

function psiEvidence(view: PressureView, r: PsiReading): Evidence[] {
  const where = view.scope === 'system' ? `/proc/pressure/${r.resource}` : `cgroup ${view.path ?? '/'} ${r.resource}.pressure`;
  const out: Evidence[] = [];
  if (r.some) out.push({ label: `${view.scope} ${r.resource} some avg10`, value: `${r.some.avg10.toFixed(2)} %`, source: where });
  else if (r.full) out.push({ label: `${view.scope} ${r.resource} full avg10`, value: `${r.full.avg10.toFixed(2)} %`, source: where });
  if (r.someIntervalPercent !== null) {
    out.push({ label: `${view.scope} ${r.resource} some, this interval`, value: `${r.someIntervalPercent.toFixed(2)} %`, source: `${where} (total)` });
  }
  return out;
}

function contendedResources(view: PressureView | null): PsiReading[] {
  if (!view || view.unavailable) return [];
  return view.readings.filter((r) => r.contended).sort((a, b) => (b.some?.avg10 ?? b.full?.avg10 ?? 0) - (a.some?.avg10 ?? a.full?.avg10 ?? 0));
}

function pressureStep(input: TreeInput): { step: TreeStep; contended: PsiReading[]; scope: string } {
  const { system, cgroup, threshold } = input;
  const evidence: Evidence[] = [];
  for (const view of [system, cgroup]) {
    if (!view) continue;
    if (view.unavailable) {
      evidence.push({ label: `${view.scope} PSI`, value: 'unavailable', source: view.unavailable });
      continue;
    }
    for (const r of view.readings) {
      if (r.unavailable) continue;
      evidence.push(...psiEvidence(view, r));
    }
  }
  const sys = contendedResources(system);
  const cg = contendedResources(cgroup);
  const contended = sys.length > 0 ? sys : cg;
  const scope = sys.length > 0 ? 'the system' : cg.length > 0 ? `its cgroup (${cgroup?.path ?? '/'})` : '';
  let answer: string;
  if (system.unavailable && (!cgroup || cgroup.unavailable)) {
    answer = `Unknown: ${system.unavailable}. Judging from the process alone.`;
  } else if (contended.length > 0) {
    answer = `Yes: ${scope} is contended on ${contended.map((r) => `${r.resource} (${(r.some ?? r.full)!.avg10.toFixed(1)} % > ${threshold} %)`).join(', ')}.`;
  } else {
    answer = `No: every PSI avg10 is at or below ${threshold} %; the slowness, if any, is in the process itself.`;
  }
  return {
    step: { id: 'pressure', question: `Is the system or the process's cgroup contended (PSI some avg10 > ${threshold} %)?`, answer, evidence },
    contended,
    scope,
  };
}

function count(threads: readonly ThreadDiagnosis[], pred: (t: ThreadDiagnosis) => boolean): number {
  return threads.reduce((n, t) => n + (pred(t) ? 1 : 0), 0);
}

type Resource = 'cpu' | 'memory' | 'io' | 'network';

const NETWORK_SITES = /^(sock|tcp|udp|unix)/;

function resourceFromProcess(input: TreeInput): { resource: Resource | null; evidence: Evidence[]; reason: string } {
  const { process: p, threads } = input;
  const evidence: Evidence[] = [
    { label: 'process CPU', value: input.haveRates ? `${fmt(p.cpuPercent)} % of one core` : 'n/a (one sample)', source: `/proc/${p.pid}/stat utime+stime` },
    { label: 'major faults', value: input.haveRates ? `${fmt(p.majorFaultsPerSec)} /s` : 'n/a', source: `/proc/${p.pid}/stat majflt` },
    { label: 'disk read / write', value: input.haveRates ? `${fmt(bytesPerSecK(p.readBytesPerSec))} / ${fmt(bytesPerSecK(p.writeBytesPerSec))} KiB/s` : 'n/a', source: `/proc/${p.pid}/io` },
  ];
  const dIo = count(threads, (t) => t.wait.kind === 'disk-io');
  const reclaim = count(threads, (t) => t.wait.kind === 'reclaim');
  const net = count(threads, (t) => t.wait.kind === 'socket' || (t.wait.site !== null && NETWORK_SITES.test(t.wait.site)));
  const onCpu = count(threads, (t) => t.state === 'R');
  if (reclaim > 0) evidence.push({ label: 'threads in memory reclaim', value: String(reclaim), source: 'wchan/stack' });
  if (dIo > 0) evidence.push({ label: 'threads waiting on disk I/O', value: String(dIo), source: 'wchan/stack' });
  if (net > 0) evidence.push({ label: 'threads waiting on sockets', value: String(net), source: 'wchan/syscall' });
  if (onCpu > 0) evidence.push({ label: 'threads running (R)', value: String(onCpu), source: 'stat' });
  const net2 = networkEvidence(input.network, input.haveRates, p.pid);
  const mem = memoryEvidence(input.memory, p.pid);
  evidence.push(...net2.evidence, ...mem.evidence);
  if (mem.pressing) return { resource: 'memory', evidence, reason: mem.pressing };
  if (reclaim > 0 || (p.majorFaultsPerSec ?? 0) > 100) return { resource: 'memory', evidence, reason: reclaim > 0 ? `${reclaim} thread(s) are reclaiming memory` : 'it takes many major page faults' };
  if (dIo > 0) return { resource: 'io', evidence, reason: `${dIo} thread(s) wait on disk I/O` };
  if ((p.cpuPercent ?? 0) >= 50 || onCpu > 0) return { resource: 'cpu', evidence, reason: onCpu > 0 ? `${onCpu} thread(s) are on or waiting for a CPU` : 'it burns CPU' };
  if (net > 0) return { resource: 'network', evidence, reason: `${net} thread(s) wait on sockets${net2.trouble ? `; ${net2.trouble}` : ''}` };
  if (net2.trouble) return { resource: 'network', evidence, reason: net2.trouble };
  return { resource: null, evidence, reason: 'no resource stands out' };
}

const rate = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : `${v.toFixed(1)} /s`);

/** Network branch evidence: sockets by state, queued bytes, and the namespace's TCP trouble counters. */
function networkEvidence(view: NetworkView | undefined, haveRates: boolean, pid: number): { evidence: Evidence[]; trouble: string | null } {
  if (!view || view.sockets === null) return { evidence: [], trouble: null };
  const s = view.sockets;
  if (s.tcp + s.udp + s.unix + s.other === 0) return { evidence: [], trouble: null };
  const states = Object.entries(view.byState).map(([k, v]) => `${k} ${v}`).join(', ');
  const evidence: Evidence[] = [
    { label: 'sockets', value: `${s.tcp} TCP, ${s.udp} UDP, ${s.unix} unix${states ? ` (${states})` : ''}`, source: `/proc/${pid}/fd + /proc/${pid}/net/{tcp,tcp6,udp,udp6,unix}` },
    { label: 'socket queues (send / receive)', value: `${view.sendQueueBytes} / ${view.recvQueueBytes} bytes`, source: `/proc/${pid}/net/tcp tx_queue:rx_queue` },
  ];
  const r = view.rates;
  if (haveRates && r) {
    evidence.push({ label: 'TCP retransmits (namespace)', value: `${rate(r.retransSegsPerSec)}${r.outSegsPerSec ? ` of ${rate(r.outSegsPerSec)} sent` : ''}`, source: `/proc/${pid}/net/snmp Tcp RetransSegs` });
    evidence.push({ label: 'listen overflows / drops (namespace)', value: `${rate(r.listenOverflowsPerSec)} / ${rate(r.listenDropsPerSec)}`, source: `/proc/${pid}/net/netstat TcpExt ListenOverflows, ListenDrops` });
  } else {
    evidence.push({ label: 'TCP retransmits / listen overflows since boot', value: `${view.totals.retransSegs ?? 'n/a'} / ${view.totals.listenOverflows ?? 'n/a'}`, source: `/proc/${pid}/net/snmp, netstat` });
  }
  const trouble: string[] = [];
  if ((r?.listenOverflowsPerSec ?? 0) > 0 || (r?.listenDropsPerSec ?? 0) > 0) trouble.push(`listen queues overflow (${rate(r?.listenOverflowsPerSec)} overflows, ${rate(r?.listenDropsPerSec)} drops)`);
  if ((r?.retransSegsPerSec ?? 0) > 0 && (r?.outSegsPerSec ?? 0) > 0 && r!.retransSegsPerSec! / r!.outSegsPerSec! > 0.02) trouble.push(`TCP retransmits ${((r!.retransSegsPerSec! / r!.outSegsPerSec!) * 100).toFixed(1)} % of segments sent`);
  if (view.sendQueueBytes > 1 << 20) trouble.push(`${view.sendQueueBytes} bytes wait in its send queues (the peers do not read fast enough)`);
  return { evidence, trouble: trouble.length > 0 ? trouble.join('; ') : null };
}

/** Memory branch evidence: RSS, swap, memory PSI, the cgroup's limits and its memory.events. */
function memoryEvidence(view: MemoryView | undefined, pid: number): { evidence: Evidence[]; pressing: string | null } {
  if (!view) return { evidence: [], pressing: null };
  const kb = (v: number | null) => (v === null ? 'n/a' : `${(v / 1024).toFixed(1)} MiB`);
  const mib = (v: number | null) => (v === null ? 'max' : `${(v / 1048576).toFixed(1)} MiB`);
  const evidence: Evidence[] = [
    { label: 'RSS / swap', value: `${kb(view.rssKb)} / ${kb(view.swapKb)}`, source: `/proc/${pid}/status VmRSS, VmSwap` },
  ];
  if (view.psiSomeAvg10 !== null) evidence.push({ label: 'memory PSI some / full avg10', value: `${view.psiSomeAvg10.toFixed(2)} / ${view.psiFullAvg10?.toFixed(2) ?? 'n/a'} %`, source: '/proc/pressure/memory' });
  const cg = view.cgroup;
  let pressing: string | null = null;
  if (cg && cg.unavailable === null) {
    evidence.push({ label: 'cgroup memory current / high / max', value: `${mib(cg.currentBytes)} / ${mib(cg.highBytes)} / ${mib(cg.maxBytes)}`, source: `cgroup ${cg.path} memory.{current,high,max}` });
    const ev = cg.events ?? {};
    const delta = cg.eventsInInterval;
    evidence.push({ label: 'cgroup memory events oom / oom_kill / high', value: `${ev.oom ?? 0} / ${ev.oom_kill ?? 0} / ${ev.high ?? 0}${delta ? ` (+${delta.oom ?? 0} / +${delta.oom_kill ?? 0} / +${delta.high ?? 0} this interval)` : ''}`, source: `cgroup ${cg.path} memory.events` });
    if (delta && ((delta.oom_kill ?? 0) > 0 || (delta.oom ?? 0) > 0)) pressing = `its cgroup hit the OOM killer during the measurement (memory.events oom_kill +${delta.oom_kill ?? 0})`;
    else if (delta && (delta.high ?? 0) > 0) pressing = `its cgroup is throttled above memory.high (${delta.high} events this interval)`;
    else if (cg.maxBytes !== null && cg.currentBytes !== null && cg.currentBytes >= cg.maxBytes * 0.95) pressing = `its cgroup uses ${mib(cg.currentBytes)} of memory.max ${mib(cg.maxBytes)}`;
  } else if (cg) {
    evidence.push({ label: 'cgroup memory limits', value: 'n/a', source: cg.unavailable ?? '' });
  }
  return { evidence, pressing };
}

function bytesPerSecK(v: number | null): number | null {
  return v === null ? null : v / 1024;
}

function nextFor(resource: Resource | null, pid: number, cgroupPath: string | null): NextCommand[] {
  const cg = cgroupPath && cgroupPath !== '/' ? `/sys/fs/cgroup${cgroupPath}` : '/sys/fs/cgroup';
  switch (resource) {
    case 'cpu':
      return [
        { command: 'top -H -o %CPU', why: 'see which threads of the machine use the CPUs' },
        { command: `perf top -p ${pid}`, why: 'see which functions this process burns CPU in' },
        { command: `cat ${cg}/cpu.stat`, why: 'check CPU quota throttling (nr_throttled, throttled_usec)' },
      ];
    case 'memory':
      return [
        { command: 'vmstat 1', why: 'watch swapping (si/so) and free memory' },
        { command: `cat ${cg}/memory.events`, why: 'check oom/oom_kill/high events of the cgroup' },
        { command: `grep -E 'VmRSS|VmSwap' /proc/${pid}/status`, why: "the process's resident and swapped memory" },
      ];
    case 'io':
      return [
        { command: 'iostat -x 1', why: 'see device utilisation, queue depth and latency (r_await/w_await)' },
        { command: `pidstat -d -p ${pid} 1`, why: "this process's disk reads and writes over time" },
        { command: 'biolatency', why: 'block I/O latency histogram (bcc/bpftrace tools)' },
      ];
    case 'network':
      return [
        { command: `ss -tnpi | grep 'pid=${pid},'`, why: "this process's TCP connections, queues and RTT" },
        { command: 'nstat -az | grep -iE "retrans|overflow|drop"', why: 'retransmits and listen overflows system-wide' },
      ];
    default:
      return [];
  }
}

function groupsLine(groups: readonly WaitGroup[], filter: (g: WaitGroup) => boolean): string {
  return groups.filter(filter).map((g) => `${g.count} in ${g.kind}${g.function ? ` (${g.function})` : ''}`).join(', ');
}

function offCpuNext(groups: readonly WaitGroup[], input: TreeInput): NextCommand[] {
  const pid = input.process.pid;
  const kinds = new Set(groups.map((g) => g.kind));
  const waiters = input.threads.filter((t) => t.wait.kind === 'waitpid').length;
  // Only threads queued on a lock call for lock-hunting tools; a parked pool is idle by design.
  const lockQueue = input.futexGroups.some((g) => g.style === 'lock-queue');
  // ss only helps when there are sockets to look at (fds unreadable: maybe there are).
  const mayHaveSockets = input.process.fdCount === null || (input.process.fdTypes.socket ?? 0) > 0;
  const applies = (t: NextTemplate): boolean => t.when === 'always' || (t.when === 'lock-queue' ? lockQueue : mayHaveSockets);
  const templates = [...kinds].flatMap((kind) => WAIT_KIND_INFO[kind].next.filter(applies));
  const out = templates
    .sort((a, b) => a.order - b.order)
    .map((t) => ({ command: t.command.replaceAll('{pid}', String(pid)), why: t.why.replaceAll('{waiters}', waiters > 1 ? 'these threads wait' : 'it waits') }));
  if (out.length === 0) out.push({ command: `offcputime -p ${pid}`, why: 'where the threads sleep, with user and kernel stacks (bcc tools)' });
  return dedupe(out);
}

function intermittentStep(input: TreeInput): TreeStep {
  const evidence: Evidence[] = [];
  let spikes: string[] = [];
  const view = input.system.unavailable ? null : input.system;
  if (view) {
    for (const r of view.readings) {
      const line = r.some ?? r.full;
      if (!line) continue;
      evidence.push({ label: `${r.resource} avg10 / avg60 / avg300`, value: `${line.avg10.toFixed(2)} / ${line.avg60.toFixed(2)} / ${line.avg300.toFixed(2)} %`, source: `/proc/pressure/${r.resource}` });
      // A recent window far from the long one means the pressure comes and goes.
      if (Math.max(line.avg60, line.avg300) > input.threshold / 2 && line.avg10 < Math.max(line.avg60, line.avg300) / 2) {
        spikes.push(`${r.resource} was under pressure in the last minutes (avg60 ${line.avg60.toFixed(1)} %, avg300 ${line.avg300.toFixed(1)} %) but less now (avg10 ${line.avg10.toFixed(1)} %)`);
      } else if (line.avg10 > input.threshold && line.avg10 > 2 * line.avg300) {
        spikes.push(`${r.resource} pressure is recent: avg10 ${line.avg10.toFixed(1)} % against avg300 ${line.avg300.toFixed(1)} %`);
      }
    }
  }
  spikes = [...new Set(spikes)];
  return {
    id: 'intermittent',
    question: 'Is it intermittent?',
    answer:
      spikes.length > 0
        ? `Possibly: ${spikes.join('; ')}. Capture while it happens: proctriage capture ${input.process.pid} -o DIR --samples 10.`
        : view
          ? 'No sign in PSI history: avg10, avg60 and avg300 agree. A one-shot triage sees one moment; if it comes and goes, capture during it.'
          : 'Cannot tell without PSI history; capture during the next episode.',
    evidence,
  };
}

/** Walk the decision tree: PSI → resource → on/off-CPU → waits → intermittent, with evidence at each step. */
export function walkTree(input: TreeInput): TreeResult {
  const { process: p, threads, groups } = input;
  const path: TreeStep[] = [];
  const next: NextCommand[] = [];

  if (p.state === 'Z') {
    return {
      verdict: { kind: 'zombie', resource: null, severity: 'warning', summary: `${p.comm} (${p.pid}) has exited and is a zombie: its parent (${p.ppid ?? '?'}) has not reaped it.` },
      path: [{ id: 'waits', question: 'What are the threads waiting on?', answer: 'Nothing: the process is a zombie (state Z). Only its exit status is left.', evidence: [{ label: 'state', value: 'Z (zombie)', source: `/proc/${p.pid}/stat` }] }],
      next: [{ command: `proctriage triage ${p.ppid ?? 'PPID'}`, why: 'the parent should call wait(): see what it is doing instead' }],
    };
  }

  const pressure = pressureStep(input);
  path.push(pressure.step);

  const stopped = count(threads, (t) => t.wait.kind === 'stopped' || t.wait.kind === 'traced');
  if (threads.length > 0 && stopped === threads.length) {
    const traced = threads.some((t) => t.wait.kind === 'traced');
    path.push({ id: 'waits', question: 'What are the threads waiting on?', answer: traced ? 'All threads are held by a tracer (state t).' : 'All threads are stopped by a signal (state T).', evidence: [{ label: 'threads stopped', value: `${stopped} of ${threads.length}`, source: `/proc/${p.pid}/task/*/stat` }] });
    return {
      verdict: { kind: 'stopped', resource: null, severity: 'problem', summary: traced ? `${p.comm} (${p.pid}) is held by a debugger or tracer: it will not run until the tracer lets it go.` : `${p.comm} (${p.pid}) is stopped (SIGSTOP/Ctrl-Z): it will not run until it gets SIGCONT.` },
      path,
      next: traced
        ? [{ command: `grep TracerPid /proc/${p.pid}/status`, why: 'which process traces it' }]
        : [{ command: `kill -CONT ${p.pid}`, why: 'resume it, once you know who stopped it and why (proctriage never sends signals)' }],
    };
  }

  // Resource: from PSI when contended, otherwise from the process's own evidence.
  const fromProcess = resourceFromProcess(input);
  let resource: Resource | null;
  if (pressure.contended.length > 0) {
    const top = pressure.contended[0]!.resource;
    resource = top === 'irq' ? 'cpu' : top;
    path.push({ id: 'resource', question: 'Which resource?', answer: `${resource.toUpperCase()}: the most contended in ${pressure.scope}${top === 'irq' ? ' (interrupt handling takes CPU time)' : ''}.`, evidence: fromProcess.evidence });
  } else {
    resource = fromProcess.resource;
    path.push({ id: 'resource', question: 'Which resource?', answer: resource ? `${resource.toUpperCase()} for this process: ${fromProcess.reason}.` : `None stands out for this process: ${fromProcess.reason}.`, evidence: fromProcess.evidence });
  }

  // On-CPU or off-CPU.
  const running = count(threads, (t) => t.wait.kind === 'running');
  const cpu = p.cpuPercent;
  const runqueue = p.runqueueDelayMsPerSec;
  const cpuEvidence: Evidence[] = [
    { label: 'threads running or runnable', value: `${running} of ${threads.length}`, source: `/proc/${p.pid}/task/*/stat` },
    { label: 'process CPU', value: cpu === null ? 'n/a (one sample)' : `${cpu.toFixed(1)} % of one core (${input.cpuCount} cores)`, source: `/proc/${p.pid}/stat` },
  ];
  if (runqueue !== null) cpuEvidence.push({ label: 'runqueue delay', value: `${runqueue.toFixed(1)} ms/s`, source: `/proc/${p.pid}/task/*/schedstat` });
  const onCpu = (cpu !== null && cpu >= 50) || (cpu === null && running > 0 && running >= threads.length / 2);
  const starved = runqueue !== null && runqueue >= 100;
  path.push({
    id: 'cpu',
    question: 'On-CPU or off-CPU?',
    answer: starved
      ? `Waiting for a CPU: its threads spent ${runqueue.toFixed(0)} ms per second runnable but not running.`
      : onCpu
        ? `On-CPU: ${cpu !== null ? `${cpu.toFixed(0)} % of one core` : `${running} thread(s) running`}.`
        : `Off-CPU: ${threads.length - running} of ${threads.length} threads are sleeping${cpu !== null ? ` and it used ${cpu.toFixed(1)} % of one core` : ''}.`,
    evidence: cpuEvidence,
  });

  const offCpuGroups = groups.filter((g) => g.kind !== 'running');
  const blocked = offCpuGroups.filter((g) => isBlocked(g.kind));
  const unknownCount = count(threads, (t) => t.wait.kind === 'unknown');
  path.push({
    id: 'waits',
    question: 'What are the threads waiting on?',
    answer: offCpuGroups.length === 0 ? 'Nothing: every thread is running.' : groups.map((g) => g.label).join(', ') + '.',
    evidence: offCpuGroups.slice(0, 8).map((g) => ({ label: g.label, value: `tids ${g.tids.slice(0, 6).join(', ')}${g.tids.length > 6 ? ', …' : ''}`, source: 'wchan, stack, syscall' })),
  });

  path.push(intermittentStep(input));

  // A contended machine slows a process only if the process wants the contended resource:
  // an idle process on a busy machine is idle, and the verdict says so, with the contention as a note.
  const feels = pressure.contended.length > 0 && feelsContention(resource, input, running, runqueue);
  const contentionNote =
    pressure.contended.length > 0 && !feels
      ? ` ${pressure.scope[0]?.toUpperCase()}${pressure.scope.slice(1)} is contended on ${pressure.contended.map((r) => `${r.resource} (PSI ${(r.some ?? r.full)!.avg10.toFixed(1)} %)`).join(', ')}, but this process is not waiting for it.`
      : '';
  if (contentionNote) {
    next.push({ command: 'proctriage top', why: 'what the rest of the machine is waiting on' });
    const step = path.findIndex((x) => x.id === 'resource');
    if (step >= 0) {
      const own = fromProcess.resource ? `${fromProcess.resource.toUpperCase()}: ${fromProcess.reason}` : fromProcess.reason;
      path[step] = { ...path[step]!, answer: `${path[step]!.answer} This process does not wait for it; for the process itself: ${own}.` };
    }
    resource = fromProcess.resource;
  }

  let verdict: Verdict;
  if (feels) {
    verdict = { kind: 'system-contended', resource, severity: 'problem', summary: `${pressure.scope[0]?.toUpperCase()}${pressure.scope.slice(1)} is short of ${resource?.toUpperCase()}: PSI shows tasks stalled on it. ${p.comm} (${p.pid}) is slowed by contention, not only by its own work.` };
    next.push(...nextFor(resource, p.pid, input.cgroup?.path ?? null));
  } else if (starved) {
    verdict = { kind: 'runqueue-wait', resource: 'cpu', severity: 'problem', summary: `${p.comm} (${p.pid}) waits for CPUs: ${runqueue.toFixed(0)} ms/s in the runqueue. Check CPU quota (cpu.max) and other busy processes.${onWhom(input)}` };
    next.push(...nextFor('cpu', p.pid, input.cgroup?.path ?? null));
  } else if (onCpu) {
    verdict = { kind: 'on-cpu', resource: 'cpu', severity: 'warning', summary: `${p.comm} (${p.pid}) is busy on CPU (${cpu !== null ? `${cpu.toFixed(0)} % of one core` : `${running} running thread(s)`}): profile where it spends the time.${onWhom(input)}` };
    next.push({ command: `perf top -p ${p.pid}`, why: 'which functions use the CPU' }, { command: `perf record -g -p ${p.pid} -- sleep 10`, why: 'a call-graph profile to read with perf report' });
  } else if (blocked.length > 0) {
    verdict = { kind: 'off-cpu-blocked', resource, severity: 'problem', summary: `${p.comm} (${p.pid}) is blocked off-CPU: ${groupsLine(groups, (g) => isBlocked(g.kind))}.` };
    next.push(...offCpuNext(groups, input), ...nextFor(resource, p.pid, input.cgroup?.path ?? null));
  } else if (unknownCount === threads.length && threads.length > 0) {
    verdict = { kind: 'unknown', resource: null, severity: 'warning', summary: `${p.comm} (${p.pid}) is sleeping, but its wait sites are hidden from this user: run as root or as the process's owner.` };
    next.push({ command: `sudo proctriage triage ${p.pid}`, why: 'root can read wchan, syscall and stack of every thread' });
  } else {
    // Futex waiters count as an idle pool when they are parked (condvar-style) and nothing runs:
    // threads queued on a mutex are waiting for its holder, which is not idle. A group is a lock
    // queue or a parked pool by its op and the CPU evidence (follow/futex.ts).
    const parkedPool = input.futexGroups.every((g) => g.style !== 'lock-queue') && running === 0;
    const idle = offCpuGroups.every((g) => isIdle(g.kind) || (g.kind === 'futex' && parkedPool));
    const main = offCpuGroups[0];
    verdict = {
      kind: idle ? 'off-cpu-idle' : 'off-cpu-waiting',
      resource,
      severity: idle ? 'ok' : 'warning',
      summary: idle
        ? `${p.comm} (${p.pid}) is idle, waiting for work: ${groupsLine(groups, (g) => g.kind !== 'running')}. Nothing in the kernel holds it back.${onWhom(input)}`
        : `${p.comm} (${p.pid}) is off-CPU, waiting: ${groupsLine(groups, (g) => g.kind !== 'running')}.${main ? ` ${main.kind === 'waitpid' ? 'Look at the children it waits for.' : main.kind === 'futex' ? 'The lock owner is in user space: look at the other threads.' : main.kind === 'pipe' || main.kind === 'socket' ? 'It waits for its peer: look at the other end.' : ''}` : ''}${onWhom(input)}`,
    };
    next.push(...offCpuNext(groups, input));
  }
  if (contentionNote) verdict = { ...verdict, summary: verdict.summary + contentionNote };
  return { verdict, path, next: dedupe(next) };
}

/** Threads of the process that want the contended resource: running or queued for CPU, reclaiming, or in disk I/O. */
function feelsContention(resource: Resource | null, input: TreeInput, running: number, runqueueMsPerSec: number | null): boolean {
  const { process: p, threads } = input;
  switch (resource) {
    case 'cpu':
      return running > 0 || (runqueueMsPerSec ?? 0) >= 10 || (p.cpuPercent ?? 0) >= 5;
    case 'memory':
      return count(threads, (t) => t.wait.kind === 'reclaim') > 0 || (p.majorFaultsPerSec ?? 0) > 0;
    case 'io':
      return count(threads, (t) => t.wait.kind === 'disk-io' || t.state === 'D') > 0 || (p.readBytesPerSec ?? 0) + (p.writeBytesPerSec ?? 0) > 0;
    default:
      return true;
  }
}

/** The follow answers worth a sentence in the verdict: lock queues, then the main thread's wait target. */
function onWhom(input: TreeInput): string {
  const parts: string[] = [];
  for (const g of input.futexGroups) if (g.style === 'lock-queue' && g.count > 1) parts.push(`${g.summary[0]!.toUpperCase()}${g.summary.slice(1)}.`);
  const main = input.threads.find((t) => t.tid === input.process.pid) ?? input.threads[0];
  const f = main?.follow;
  if (f && f.kind !== 'futex') parts.push(`Main thread: ${f.summary}.`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

function dedupe(next: NextCommand[]): NextCommand[] {
  const seen = new Set<string>();
  return next.filter((n) => (seen.has(n.command) ? false : (seen.add(n.command), true)));
}
