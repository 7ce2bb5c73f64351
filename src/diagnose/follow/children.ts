import { classifySnapshot } from '../../classify/snapshot.js';
import type { Arch } from '../../kernel/arch.js';
import type { ChildSnapshot, ChildrenSnapshot } from '../../readers/children.js';
import type { ThreadSnapshot } from '../../readers/types.js';
import type { WaitCall } from '../../kernel/syscall-signatures.js';
import type { ChildFollow, ChildrenFollow } from './types.js';

function classify(t: ThreadSnapshot, arch: Arch) {
  return classifySnapshot(t, arch, null);
}

function childFollow(c: ChildSnapshot, arch: Arch): ChildFollow {
  const stat = c.stat.ok ? c.stat.value : null;
  const main = c.threads.find((t) => t.tid === c.pid) ?? c.threads[0];
  const wait = main ? classify(main, arch) : null;
  return {
    pid: c.pid,
    comm: stat?.comm ?? '?',
    state: stat?.state ?? '?',
    threadCount: c.threadCount,
    wait: wait ? { kind: wait.kind, function: wait.function, summary: wait.summary } : { kind: stat?.state === 'Z' ? 'zombie' : 'unknown', function: null, summary: 'not readable' },
    children: c.children.map((k) => childFollow(k, arch)),
  };
}

const KIND_VERB: Readonly<Record<string, string>> = {
  running: 'run',
  sleep: 'sleep in nanosleep',
  zombie: 'have exited (zombie, not yet reaped)',
  waitpid: 'wait for their own children',
  stopped: 'are stopped',
};

function waitsFor(call: WaitCall | null): string {
  const p = call?.waitPid ?? null;
  if (p === null || p === -1) return 'any child';
  if (p > 0) return `child ${p}`;
  if (p === 0) return 'any child in its process group';
  return `any child in process group ${-p}`;
}

/**
 * The children a waitpid thread can be woken by, each classified, grouped by comm and wait:
 * "32 children `sleep` sleep in nanosleep". A thread waiting for one pid shows only that child.
 */
export function followChildren(call: WaitCall | null, snap: ChildrenSnapshot, arch: Arch): ChildrenFollow {
  let list = snap.children;
  const only = call?.waitPid ?? null;
  // wait4 is process-wide: a thread can reap the children any thread of its process made.
  if (only !== null && only > 0) list = list.filter((c) => c.pid === only);
  const children = list.map((c) => childFollow(c, arch));
  const groups = new Map<string, { comm: string; kind: string; count: number }>();
  for (const c of children) {
    const key = `${c.comm}\0${c.wait.kind}`;
    const g = groups.get(key) ?? { comm: c.comm, kind: c.wait.kind, count: 0 };
    g.count++;
    groups.set(key, g);
  }
  const grouped = [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .map((g) => ({ ...g, label: `${g.count} ${g.count === 1 ? 'child' : 'children'} \`${g.comm}\` ${g.count === 1 ? verbOne(g.kind) : KIND_VERB[g.kind] ?? `wait in ${g.kind}`}` }));
  const target = waitsFor(call);
  const summary =
    children.length === 0
      ? `waits for ${target}, but none was found${snap.truncated ? ' (search cut short)' : ''}`
      : `waits for ${target}: ${grouped.map((g) => g.label).join(', ')}${snap.truncated ? ' (tree cut at the depth or count bound)' : ''}`;
  return { waitsFor: target, children, groups: grouped, source: snap.source, truncated: snap.truncated, summary };
}

function verbOne(kind: string): string {
  const many = KIND_VERB[kind];
  if (!many) return `waits in ${kind}`;
  return many.replace(/^run$/, 'runs').replace(/^sleep /, 'sleeps ').replace(/^wait /, 'waits ').replace(/^are /, 'is ').replace(/^have /, 'has ');
}
