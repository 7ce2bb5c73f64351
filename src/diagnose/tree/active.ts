import { inKinds, type Activity } from '../activity.js';
import { culpritLists, culpritWords, targetShare } from '../culprits.js';
import { formatBytes, measured, noted, pct } from '../evidence.js';
import type { TreeInput } from '../tree-input.js';
import { activityFacts, avg, BLOCKED_MIN, BLOCKED_OVER_RUNNABLE, cap, name, plural, RUNNABLE_MIN, RUNNABLE_SHARE_MIN, RUNNING_MIN, SOURCE_SHARE, type Finding } from './common.js';
import { contendedNow, psiResource, scopeWords } from './pressure.js';

export function lockFinding(input: TreeInput, a: Activity): { finding: Finding; weight: number } | null {
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

export interface Active {
  readonly what: 'disk' | 'kernel' | 'runnable' | 'running';
  readonly value: number;
}

export function dominantActive(a: Activity): Active | null {
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

const CALL_WORDS: Readonly<Record<string, string>> = {
  fsync: 'fsync()',
  fdatasync: 'fdatasync()',
  'o-sync-write': 'O_SYNC writes',
  'o-dsync-write': 'O_DSYNC writes',
  'sync-file-range': 'sync_file_range()',
  sync: 'sync()',
  msync: 'msync()',
  'buffered-write': 'buffered writes throttled in balance_dirty_pages',
  unknown: 'a durability wait',
};

/** Its durable writes, named on the ladder (insights/durability.ts): what each costs and that batching saves. */
function durabilityWords(input: TreeInput): string {
  const d = input.insights?.durability;
  const first = d?.threads[0];
  if (!d || !first) return '';
  if (first.call === 'buffered-write') return ' It writes faster than the disk drains: the kernel throttles its buffered writes (balance_dirty_pages), not a sync of its own.';
  const how = `${CALL_WORDS[first.call] ?? first.call}${first.openFlags?.direct ? ' on an O_DIRECT fd' : ''}`;
  const rate = d.syncsPerSec !== null ? `${d.syncsPerSec.toFixed(0)} durable writes/s${d.syncsBasis === 'one-sync-per-write' ? ' (likely: one sync per write)' : ''}` : null;
  const cost = d.msPerSync !== null ? `about ${d.msPerSync.toFixed(1)} ms of waiting each` : null;
  const size = d.bytesPerWrite !== null ? `${formatBytes(d.bytesPerWrite)} per write` : null;
  const numbers = [rate, cost, size].filter((x) => x !== null).join(', ');
  return ` It waits for durability: ${how}${numbers ? ` — ${numbers}` : ''}. Each sync waits for the device; batching writes per sync (group commit) pays that wait once for many.`;
}

export function diskFinding(input: TreeInput, a: Activity): Finding {
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
      return { kind: 'disk-io', resource: 'io', cause: 'own-work', severity: 'problem', summary: `${name(p)} is blocked on its own disk I/O and is the source of the io pressure: ${pct(mine)} of the ${culprits![0]!.by} of every process in this interval is its own. ${cap(share)}${io}. ${cap(scopeWords(contended))} stalled on io ${contended.now.toFixed(1)} % of the interval.${durabilityWords(input)}`, facts, culprits: culprits! };
    }
    return { kind: 'disk-io', resource: 'io', cause: 'other-processes', severity: 'problem', summary: `${name(p)} is slowed by io contention: ${share}${io}, while ${scopeWords(contended)} stalled on io ${contended.now.toFixed(1)} % of this interval${culprits && culprits[0] ? `; the most ${culprits[0].by} comes from ${culpritWords(culprits)}` : ''}.${durabilityWords(input)}`, facts, culprits: culprits ?? [] };
  }
  return {
    kind: 'disk-io',
    resource: 'io',
    cause: 'own-work',
    severity: a.disk >= 0.5 ? 'problem' : 'warning',
    summary: `${name(p)} is blocked on its own disk I/O: ${share}${io}. Nothing else contends for the disk now (no io pressure in this interval): the device's latency for what it asks is the limit.${durabilityWords(input)}`,
    facts,
  };
}

export function kernelFinding(input: TreeInput, a: Activity): Finding {
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

export function cpuFinding(input: TreeInput, a: Activity, what: 'running' | 'runnable'): Finding {
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
