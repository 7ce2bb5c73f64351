import { WAIT_KIND_INFO } from '../../kernel/wait-kind-info.js';
import type { WaitKind } from '../../kernel/wait-kinds.js';
import { idleByDesignSymbol } from '../../kernel/wait-sites.js';
import { inKinds, type Activity } from '../activity.js';
import { measured } from '../evidence.js';
import type { AcceptQueueInsight } from '../insights/types.js';
import { parkedLooksLikeConvoy } from '../runtime.js';
import type { TreeInput } from '../tree-input.js';
import type { ThreadDiagnosis } from '../types.js';
import { activityFacts, avg, cap, name, plural, type Finding } from './common.js';

export function childrenWords(waiters: readonly ThreadDiagnosis[]): { text: string; zombie: string | null } {
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

export function peerWords(t: ThreadDiagnosis): { text: string; pid: number | null } | null {
  const f = t.follow;
  if (!f || f.kind !== 'fd') return null;
  const target = f.target;
  if (target.type !== 'pipe' && target.type !== 'tcp' && target.type !== 'unix') return null;
  // A listening socket has no peer: a server waiting for connections is idle, not waiting on someone.
  if (target.type !== 'pipe' && target.listening) return null;
  const peer = target.peers.find((x) => x.pid !== undefined);
  if (!peer) return { text: f.summary, pid: null };
  const role = target.type === 'pipe' ? (peer.access === 'write' ? 'the writer' : peer.access === 'read' ? 'the reader' : 'the other end') : 'the other end';
  return { text: `${t.wait.syscall?.name ?? 'a read'} on fd ${f.target.fd} (${target.type}): ${role} is ${peer.comm} (pid ${peer.pid})`, pid: peer.pid };
}

export function offCpuFinding(input: TreeInput, a: Activity, contentionNote: string): Finding {
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
      summary: `${name(p)} is ${runtimeName} with ${avg(futexAvg)} threads on average parked in futex waits${a.running > 0.05 ? ` and ${avg(a.running)} running` : ''}. From /proc alone an idle pool and a lock convoy (threads queued on one monitor or lock whose holder sleeps) look the same: ${input.runtime === 'java' ? 'the JVM parks every waiting thread on a futex of its own' : 'CPython\'s waiters, queued on a lock or idle in a pool, sleep on one shared futex address with the same operation'}. Its own thread dump tells them apart.${contentionNote}`,
      facts,
    };
  }

  const waitpid = input.threads.filter((t) => t.wait.kind === 'waitpid');
  if (waitpid.length > 0 && topWait?.kind === 'waitpid') {
    const words = childrenWords(waitpid);
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

  const unaccepted = input.insights?.acceptQueues.find((q) => q.state === 'not-accepting' && queueHeld(q));
  if (unaccepted) {
    const before = unaccepted.queuedBefore !== null ? ` (${unaccepted.queuedBefore} at the interval's start)` : '';
    return {
      kind: 'not-accepting',
      resource: 'network',
      cause: 'own-work',
      severity: 'warning',
      summary: `${name(p)} does not accept the connections waiting for it: ${plural(unaccepted.queued, 'connection')} wait in the accept queue of ${unaccepted.local}${before}, and no thread of it or its family is in accept() or in an epoll watching it; its threads: ${waitList(a)}. Once the listen() backlog fills, new connections are dropped.${contentionNote}`,
      facts: [
        ...facts,
        measured(`accept queue of ${unaccepted.local}`, unaccepted.queued, 'count', `/proc/${p.pid}/net/tcp rx_queue of the LISTEN row`),
        measured('threads in accept() or in epoll on it', unaccepted.acceptingThreads, 'count', 'wchan, syscall, epoll fdinfo (the process and its family)'),
      ],
    };
  }

  const parkedPool = input.futexGroups.every((g) => g.style !== 'lock-queue') && running === 0;
  const idle = a.waits.every((w) => isIdleKind(w.kind) || (w.function !== null && idleByDesignSymbol(w.function)) || (w.kind === 'futex' && parkedPool));
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

/** The queue did not drain over the interval: not a connection caught between two accepts. */
export function queueHeld(q: AcceptQueueInsight): boolean {
  return q.queued > 0 && q.queuedBefore !== null && q.queued >= q.queuedBefore;
}

/** Waiting for work by design (WAIT_KIND_INFO's posture). */
export function isIdleKind(kind: WaitKind): boolean {
  return WAIT_KIND_INFO[kind].posture === 'idle';
}

export function waitList(a: Activity): string {
  return a.waits
    .slice(0, 4)
    .map((w) => (a.over === 'interval' ? `${avg(w.avgThreads)} threads in ${w.kind}${w.function ? ` (${w.function})` : ''}` : `${w.avgThreads} in ${w.kind}${w.function ? ` (${w.function})` : ''}`))
    .join(', ');
}

/** The follow answers worth a sentence: the main thread's wait target. */
export function onWhom(input: TreeInput): string {
  const main = input.threads.find((t) => t.tid === input.process.pid) ?? input.threads[0];
  const f = main?.follow;
  return f && f.kind !== 'futex' && f.kind !== 'children' ? ` Main thread: ${f.summary}.` : '';
}

// ---------------------------------------------------------------------------------------
// The walk
