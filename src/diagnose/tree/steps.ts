import type { Activity } from '../activity.js';
import { measured, noted } from '../evidence.js';
import type { TreeInput } from '../tree-input.js';
import type { Evidence, TreeStep } from '../types.js';
import { activityFacts, avg, type Finding } from './common.js';
import { psiResource, scopeWords, stallNow, type Contended } from './pressure.js';

export function resourceStep(finding: Finding, a: Activity, contended: readonly Contended[]): TreeStep {
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

export function describeResourceChoice(f: Finding): string {
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
    case 'not-accepting':
      return 'connections wait in its accept queue and nothing accepts them';
    default:
      return 'its threads wait on it';
  }
}

export function cpuStep(input: TreeInput, a: Activity): TreeStep {
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

export function waitsStep(input: TreeInput, a: Activity): TreeStep {
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

export function intermittentStep(input: TreeInput): TreeStep {
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
  // The three averages agree when each resource's avg10, avg60 and avg300 lie within a few points
  // of each other (a quarter of the threshold, at least one point): otherwise say how they differ.
  const spread = (l: { avg10: number; avg60: number; avg300: number }) => Math.max(l.avg10, l.avg60, l.avg300) - Math.min(l.avg10, l.avg60, l.avg300);
  const tolerance = Math.max(1, input.threshold / 4);
  const differing = (view?.readings ?? []).flatMap((r) => {
    const line = r.some ?? r.full;
    return line && spread(line) > tolerance ? [`${r.resource} ${line.avg10.toFixed(1)} / ${line.avg60.toFixed(1)} / ${line.avg300.toFixed(1)} %`] : [];
  });
  const agree = view !== null && notes.length === 0 && differing.length === 0;
  return {
    id: 'intermittent',
    question: 'Is it intermittent?',
    answer:
      notes.length > 0
        ? `Possibly: ${notes.join('; ')}. Record it when it comes back: proctriage watch ${input.process.pid} --when 'psi:cpu.some.avg10>${input.threshold}' --capture DIR.`
        : agree
          ? 'No sign of it: this interval, avg10, avg60 and avg300 tell the same story. If the slowness comes and goes, record it with proctriage watch.'
          : view !== null && notes.length === 0
            ? `No sign of it: avg10, avg60 and avg300 differ (${differing.join(', ')}) but show neither a burst that has passed nor pressure that is new. If the slowness comes and goes, record it with proctriage watch.`
            : 'Cannot tell without PSI history; record the next episode with proctriage watch.',
    evidence,
  };
}
