import type { Activity } from './activity.js';
import type { TreeInput } from './tree-input.js';
import { threadDumpCommand } from './runtime.js';
import type { NextCommand, ThreadDiagnosis, Verdict } from './types.js';

/** The first other process a list of culprits names: the one to triage next. */
function topOther(verdict: Verdict): { pid: number; comm: string } | null {
  for (const list of verdict.culprits) for (const c of list.top) if (!c.isTarget) return { pid: c.pid, comm: c.comm };
  return null;
}

/** The processes at the other end of the waits "On whom" resolved: pipe writers, socket peers. */
function peers(threads: readonly ThreadDiagnosis[], self: number): { pid: number; comm: string }[] {
  const out = new Map<number, string>();
  for (const t of threads) {
    const f = t.follow;
    if (f?.kind !== 'fd') continue;
    const target = f.target;
    if (target.type === 'pipe' || target.type === 'tcp' || target.type === 'unix') for (const p of target.peers) if (p.pid !== self) out.set(p.pid, p.comm);
  }
  return [...out].map(([pid, comm]) => ({ pid, comm }));
}

/** One child per (comm, wait): triaging one `sleep` of 32 says what all of them do. */
function children(threads: readonly ThreadDiagnosis[]): { pid: number; comm: string; kind: string }[] {
  const seen = new Map<string, { pid: number; comm: string; kind: string }>();
  for (const t of threads) {
    if (t.follow?.kind !== 'children') continue;
    for (const c of t.follow.children.children) {
      const key = `${c.comm}\0${c.wait.kind}`;
      if (!seen.has(key)) seen.set(key, { pid: c.pid, comm: c.comm, kind: c.wait.kind });
    }
  }
  return [...seen.values()];
}

const triage = (pid: number, comm: string, why: string): NextCommand => ({ command: `proctriage triage ${pid}`, why: `${comm} (${pid}): ${why}` });

/**
 * What to run next for this verdict, using what was found: the peer or child to triage, the
 * runtime's own thread dump, the cgroup file to read. A command that cannot help (a profiler
 * for a process that uses no CPU) is never suggested.
 */
export function nextCommands(input: TreeInput, verdict: Verdict, a: Activity): NextCommand[] {
  const pid = input.process.pid;
  const out: NextCommand[] = [];
  const burnsCpu = a.running >= 0.05 || (input.process.cpuPercent ?? 0) >= 5;
  const other = topOther(verdict);
  switch (verdict.kind) {
    case 'on-cpu':
      if (burnsCpu) out.push({ command: `perf top -p ${pid}`, why: 'which functions use the CPU' }, { command: `perf record -g -p ${pid} -- sleep 10`, why: 'a call-graph profile to read with perf report' });
      if (input.runtime === 'java' || input.runtime === 'python' || input.runtime === 'node') out.push(threadDumpCommand(input.runtime, pid));
      break;
    case 'waiting-for-cpu':
      if (verdict.cause === 'own-work') {
        out.push({ command: `perf top -p ${pid}`, why: 'which functions its threads burn the CPUs in' });
      } else if (other) out.push(triage(other.pid, other.comm, 'the biggest other user of the CPUs in this interval'));
      out.push({ command: 'top -H -o %CPU', why: 'which threads of the machine hold the CPUs now' });
      break;
    case 'cpu-throttled': {
      const cpu = input.limits?.cpu;
      out.push({ command: `cat ${cpu?.statFile ?? '/sys/fs/cgroup/cpu.stat'}`, why: 'nr_throttled and throttled time grow while the quota holds it back (the path where the controller is usually mounted)' });
      out.push({ command: 'raise the quota: cgroup v2 cpu.max, v1 cpu.cfs_quota_us (docker --cpus, systemd CPUQuota=, Kubernetes limits.cpu)', why: 'or make it use less CPU' });
      break;
    }
    case 'disk-io':
      if (verdict.cause === 'other-processes' && other) out.push(triage(other.pid, other.comm, 'the biggest other user of the disk in this interval'));
      out.push({ command: 'iostat -x 1', why: 'the device behind the D-state threads: utilisation, queue depth and latency (r_await/w_await)' });
      out.push({ command: `pidstat -d -p ${pid} 1`, why: "this process's disk reads and writes over time" });
      out.push({ command: 'biolatency', why: 'block I/O latency histogram (bcc tools)' });
      break;
    case 'memory': {
      const mem = input.limits?.memory;
      if (verdict.cause === 'own-cgroup-limit' && mem) out.push({ command: `cat ${mem.statFile}`, why: 'what fills the limit: anon (not reclaimable without swap) against file (page cache)' });
      if (verdict.cause === 'other-processes' && other) out.push(triage(other.pid, other.comm, 'the process that faults or grows most in this interval'));
      out.push({ command: 'vmstat 1', why: 'swapping (si/so) and free memory' }, { command: `grep -E 'VmRSS|VmSwap' /proc/${pid}/status`, why: "the process's resident and swapped memory" });
      break;
    }
    case 'kernel-blocked':
      out.push({ command: `cat /proc/${pid}/task/*/stack`, why: 'kernel stacks of the D-state threads (root): which lock or event each waits for' });
      break;
    case 'dropping-connections':
    case 'not-accepting': {
      const listen = input.network?.listening.find((l) => l.acceptQueue > 0);
      const port = listen?.local.split(':').pop();
      out.push({ command: port ? `ss -lnt 'sport = :${port}'` : 'ss -lnt', why: 'Recv-Q is the accept queue now, Send-Q the backlog it may hold (not visible in /proc)' });
      out.push({ command: 'sysctl net.core.somaxconn', why: 'the cap on every listen() backlog' });
      out.push(threadDumpCommand(input.runtime, pid));
      break;
    }
    case 'lock-contention':
    case 'cannot-tell':
      out.push(threadDumpCommand(input.runtime, pid));
      if (input.runtime !== 'unknown') out.push({ command: `offcputime -p ${pid}`, why: 'where the threads sleep, with user and kernel stacks (bcc tools)' });
      break;
    case 'waiting-on-children':
      for (const c of children(input.threads).slice(0, 3)) out.push(triage(c.pid, c.comm, `a child it waits for (${c.kind})`));
      out.push({ command: `ps --ppid ${pid} -o pid,stat,wchan:32,comm`, why: 'all its children' });
      break;
    case 'waiting-on-peer':
    case 'waiting':
      for (const p of peers(input.threads, pid).slice(0, 3)) out.push(triage(p.pid, p.comm, 'the other end of what it waits on'));
      if (a.byKind.has('futex')) out.push(threadDumpCommand(input.runtime, pid));
      if (out.length === 0 && a.byKind.has('pipe')) out.push({ command: `ls -l /proc/${pid}/fd`, why: 'which pipe it reads: the writer was not found in /proc; `lsof` on the pipe inode may find it in another pid namespace' });
      if ((a.byKind.has('socket') || a.byKind.has('epoll')) && (input.process.fdTypes.socket ?? 0) > 0) out.push({ command: `ss -tnpi | grep 'pid=${pid},'`, why: 'the sockets it waits on: peers, queues, RTT' });
      if (out.length === 0) out.push(threadDumpCommand(input.runtime, pid));
      break;
    case 'idle':
      out.push({ command: `proctriage watch ${pid} --when 'cpu>50' --when 'state:D>500ms' --capture DIR`, why: 'if it is slow only at times: record the moment it happens' });
      break;
    case 'hidden':
      // What would show the waits depends on who reads: the "could not see" facts say it (diagnose.ts).
      break;
    case 'stopped':
    case 'zombie':
    case 'exited':
      break;
  }
  const seen = new Set<string>();
  return out.filter((n) => (seen.has(n.command) ? false : (seen.add(n.command), true)));
}
