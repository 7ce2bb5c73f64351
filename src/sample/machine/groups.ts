import type { WaitKind } from '../../kernel/wait-kinds.js';
import { WAIT_KIND_INFO } from '../../kernel/wait-kind-info.js';
import type { Group, GroupKey, MachineSample, MachineThread, MachineWindow } from './types.js';

/** `kind|function|comm`: the map key of a group. */
export function groupKeyOf(key: GroupKey): string {
  return `${key.kind}|${key.function ?? ''}|${key.comm}`;
}

export function threadGroupKey(thread: MachineThread): GroupKey {
  return { kind: thread.wait.kind, function: thread.wait.function, comm: thread.comm };
}

/** 0 running, 1 D state (uninterruptible), 2 the rest. */
export function groupRank(kind: WaitKind): number {
  if (kind === 'running') return 0;
  return WAIT_KIND_INFO[kind].dState ? 1 : 2;
}

interface Acc {
  readonly key: GroupKey;
  total: number;
  max: number;
  seen: number;
  readonly pids: Set<number>;
}

/**
 * The distribution over a window: for each (wait kind, kernel function, comm), the sum over
 * samples of its threads divided by the number of samples (average active threads). Pure.
 * Running first, then D-state kinds, then by average descending, then by key.
 */
export function groupWindow(samples: readonly Pick<MachineSample, 'threads' | 'tMonoMs'>[]): MachineWindow {
  const acc = new Map<string, Acc>();
  let threadTotal = 0;
  for (const sample of samples) {
    const perSample = new Map<string, number>();
    for (const thread of sample.threads) {
      const key = threadGroupKey(thread);
      const id = groupKeyOf(key);
      let a = acc.get(id);
      if (a === undefined) {
        a = { key, total: 0, max: 0, seen: 0, pids: new Set() };
        acc.set(id, a);
      }
      a.total++;
      a.pids.add(thread.pid);
      perSample.set(id, (perSample.get(id) ?? 0) + 1);
    }
    for (const [id, n] of perSample) {
      const a = acc.get(id)!;
      a.seen++;
      if (n > a.max) a.max = n;
    }
    threadTotal += sample.threads.length;
  }
  const n = samples.length;
  const groups: Group[] = [...acc.entries()].map(([key, a]) => ({
    ...a.key,
    key,
    avgActive: n === 0 ? 0 : a.total / n,
    maxThreads: a.max,
    samplesSeen: a.seen,
    pids: [...a.pids].sort((x, y) => x - y),
  }));
  groups.sort(compareGroups);
  const first = samples[0];
  const last = samples[n - 1];
  return {
    samples: n,
    durationMs: first && last ? last.tMonoMs - first.tMonoMs : 0,
    groups,
    avgThreads: n === 0 ? 0 : threadTotal / n,
  };
}

export function compareGroups(a: Group, b: Group): number {
  return groupRank(a.kind) - groupRank(b.kind) || b.avgActive - a.avgActive || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** A process's share of one group over a window: the group's drill-down. */
export interface GroupProcess {
  readonly pid: number;
  readonly comm: string;
  /** Average threads of this process in the group, over the window's samples. */
  readonly avgActive: number;
}

export function processesInGroup(samples: readonly Pick<MachineSample, 'threads'>[], key: string): GroupProcess[] {
  const byPid = new Map<number, { comm: string; total: number }>();
  for (const sample of samples) {
    for (const t of sample.threads) {
      if (groupKeyOf(threadGroupKey(t)) !== key) continue;
      const row = byPid.get(t.pid) ?? { comm: t.processComm, total: 0 };
      row.total++;
      byPid.set(t.pid, row);
    }
  }
  const n = Math.max(1, samples.length);
  return [...byPid.entries()]
    .map(([pid, row]) => ({ pid, comm: row.comm, avgActive: row.total / n }))
    .sort((a, b) => b.avgActive - a.avgActive || a.pid - b.pid);
}
