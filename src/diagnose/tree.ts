import { activityOf } from './activity.js';
import { measured, noted } from './evidence.js';
import { nextCommands } from './next.js';
import type { TreeInput } from './tree-input.js';
import { activityFacts, name, type Finding, type TreeResult } from './tree/common.js';
import { cpuFinding, diskFinding, dominantActive, kernelFinding, lockFinding } from './tree/active.js';
import { offCpuFinding, queueHeld } from './tree/off-cpu.js';
import { listenFinding, memoryFinding, throttleFinding } from './tree/own-limits.js';
import { contendedNow, contentionNote, pressureStep } from './tree/pressure.js';
import { cpuStep, intermittentStep, resourceStep, waitsStep } from './tree/steps.js';
import type { TreeStep, Verdict } from './types.js';
import type { CulpritQuery } from './culprits.js';

/**
 * The decision tree: PSI now → the resource the process waits on → on/off-CPU → waits →
 * intermittent. The verdict is the first finding that holds, in this order: stopped or gone,
 * hidden, a full accept queue, its cgroup's own limits, where its time went (a lock queue, D
 * state, the runqueue, a CPU), then off the CPU (tree/*.ts hold each kind of finding).
 */

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
  const queues = finding.kind === 'dropping-connections' || finding.kind === 'not-accepting' ? null : queueNote(input);
  const herd = herdNote(input);
  const raise = stuck !== '' || queues !== null || herd?.worthActing === true;
  const verdict: Verdict = {
    kind: finding.kind,
    resource: finding.resource,
    cause: finding.cause,
    severity: raise && finding.severity === 'ok' ? 'warning' : finding.severity,
    summary: `${finding.summary}${stuck}${queues ?? ''}${herd?.text ?? ''}${note}`,
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

/** A queue that grows with nothing (or too little) accepting: it has not overflowed yet, but it will. */
function queueNote(input: TreeInput): string | null {
  const q = input.insights?.acceptQueues.find((x) => x.state === 'not-accepting' && queueHeld(x)) ?? input.insights?.acceptQueues.find((x) => x.state === 'falling-behind');
  if (!q) return null;
  const before = q.queuedBefore !== null ? ` (${q.queuedBefore} at the interval's start)` : '';
  if (q.state === 'not-accepting') return ` ${q.queued} connection${q.queued === 1 ? '' : 's'} wait${q.queued === 1 ? 's' : ''} in the accept queue of ${q.local}${before} and no thread of it or its family accepts: once the listen() backlog fills, new connections are dropped.`;
  return ` The accept queue of ${q.local} grows: ${q.queued} waiting${before}, though ${q.acceptingThreads} thread${q.acceptingThreads === 1 ? '' : 's'} accept${q.acceptingThreads === 1 ? 's' : ''}; at this pace it will fill and drop connections.`;
}

/** At this many needless wake-ups a second a herd costs CPU worth acting on (each wake-up is a context switch and a failed accept). */
const HERD_WAKEUPS_WORTH_ACTING = 100;

/** Several waiters woken for each new connection (insights/herd.ts): said with what it costs now. */
function herdNote(input: TreeInput): { text: string; worthActing: boolean } | null {
  const h = input.insights?.herds.find((x) => x.judgement === 'thundering-herd');
  if (!h) return null;
  const rate = h.needlessWakeupsPerSec;
  const cost = rate === null ? '' : h.passiveOpensPerSec === 0 ? ' No connection arrived in this interval, so it costs nothing now.' : ` At ${h.passiveOpensPerSec?.toFixed(1)} connections/s that is up to ${rate.toFixed(0)} needless wake-ups/s.`;
  const fix = ' EPOLLEXCLUSIVE on each watch, SO_REUSEPORT or one accepting thread wakes one.';
  return { text: ` Each new connection on ${h.local} wakes ${h.wokenPerConnection} of its ${h.waiters} waiters (a thundering herd${h.separateInstances === 'likely' ? ', likely: /proc cannot tell separate epoll instances from one inherited' : ''}).${cost}${fix}`, worthActing: rate !== null && rate >= HERD_WAKEUPS_WORTH_ACTING };
}

export type { CulpritQuery, TreeInput, TreeResult };
