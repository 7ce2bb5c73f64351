import type { MachineUse, ProcessUse } from '../sample/culprits.js';
import type { Culprit, CulpritList, Resource, Unit } from './types.js';

export type CulpritQuery = Exclude<Resource, 'network'>;

interface Measurer {
  readonly by: string;
  readonly source: string;
  readonly unit: Unit;
  /** Null: this measure was not taken (no machine-wide looks, io unreadable). */
  value(p: ProcessUse, use: MachineUse): number | null;
}

const LOOKS = 'every thread\'s state and wait, looked at during the interval (the machine sampler)';

/** What each resource's users are compared by, most telling first. */
const MEASURERS: Readonly<Record<CulpritQuery, readonly Measurer[]>> = {
  cpu: [{ by: 'CPU time', unit: 'ms', source: 'utime+stime of every /proc/PID/stat, at both ends of the interval', value: (p) => p.cpuMs }],
  io: [
    // Average threads in D on disk: the time it made the disk wait, whoever wrote the bytes.
    { by: 'time in D state on disk', unit: 'threads', source: LOOKS, value: (p, use) => (use.looks > 0 ? p.diskLooks / use.looks : null) },
    { by: 'bytes read and written', unit: 'bytes', source: 'read_bytes + write_bytes of every /proc/PID/io, at both ends (root only for other users)', value: (p) => p.ioBytes },
  ],
  memory: [
    { by: 'major faults', unit: 'count', source: 'majflt of every /proc/PID/stat, at both ends of the interval', value: (p) => p.majorFaults },
    { by: 'resident memory growth', unit: 'bytes', source: 'rss of every /proc/PID/stat, at both ends of the interval', value: (p) => Math.max(0, p.rssGrowthKb) * 1024 },
    { by: 'time in memory reclaim', unit: 'threads', source: LOOKS, value: (p, use) => (use.looks > 0 ? p.reclaimLooks / use.looks : null) },
  ],
};

function listBy(use: MachineUse, targetPid: number, resource: CulpritQuery, m: Measurer, top: number): CulpritList | null {
  const values: { p: ProcessUse; v: number }[] = [];
  for (const p of use.processes) {
    const v = m.value(p, use);
    if (v !== null && v > 0) values.push({ p, v });
  }
  if (values.length === 0) return null;
  const total = values.reduce((n, x) => n + x.v, 0);
  values.sort((a, b) => b.v - a.v || a.p.pid - b.p.pid);
  const pick = values.slice(0, top);
  const target = values.find((x) => x.p.pid === targetPid);
  if (target && !pick.includes(target)) pick.push(target);
  const culprits: Culprit[] = pick.map((x) => ({
    pid: x.p.pid,
    comm: x.p.comm,
    sharePercent: (x.v / total) * 100,
    measure: { value: x.v, unit: m.unit },
    isTarget: x.p.pid === targetPid,
  }));
  return { resource, by: m.by, top: culprits, source: m.source };
}

/** The top users of a resource over the interval, one list per measure that was taken, with the target's place among them. */
export function culpritLists(use: MachineUse, targetPid: number, resource: CulpritQuery, top = 5): CulpritList[] {
  return MEASURERS[resource].flatMap((m) => listBy(use, targetPid, resource, m, top) ?? []);
}

/** The target's share (%) of the resource's use by the most telling measure taken; null when nobody used any. */
export function targetShare(lists: readonly CulpritList[]): number | null {
  const first = lists[0];
  if (!first) return null;
  return first.top.find((c) => c.isTarget)?.sharePercent ?? 0;
}

/** "dd (412) 92 %, kworker/u4:1 (88) 5 %": the first list's top three. */
export function culpritWords(lists: readonly CulpritList[]): string {
  const first = lists[0];
  if (!first) return '';
  return first.top
    .slice(0, 3)
    .map((c) => `${c.comm} (${c.pid}) ${c.sharePercent.toFixed(0)} %`)
    .join(', ');
}
