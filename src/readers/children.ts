import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import { parseStat, type ProcStat } from '../parsers/stat.js';
import type { ThreadSnapshot } from '../readers/types.js';
import { parseResult } from './parsed.js';
import { readThread } from './process.js';

/** A child process as the follow step saw it: its threads (to classify) and, to a bounded depth, its own children. */
export interface ChildSnapshot {
  readonly pid: number;
  readonly stat: ReadResult<ProcStat>;
  /** Its threads, at most `maxThreadsPerChild` of them. */
  readonly threads: readonly ThreadSnapshot[];
  readonly threadCount: number;
  readonly children: readonly ChildSnapshot[];
}

export interface ChildrenSnapshot {
  /** `task-children`: `/proc/PID/task/TID/children` (CONFIG_PROC_CHILDREN); `ppid-scan`: every `/proc/*\/stat` searched for its ppid. */
  readonly source: 'task-children' | 'ppid-scan';
  /** Which thread created which child (only `task-children` knows). */
  readonly byThread: ReadonlyMap<number, readonly number[]> | null;
  readonly children: readonly ChildSnapshot[];
  /** A bound was hit (depth, process count, or the scan's time budget): the tree is partial. */
  readonly truncated: boolean;
}

export interface ChildTreeOptions {
  readonly maxDepth?: number;
  readonly maxProcesses?: number;
  readonly maxThreadsPerChild?: number;
  readonly budgetMs?: number;
  readonly now?: () => number;
  /** A ppid → children map from an earlier scan (the live session caches it for a few seconds). */
  readonly ppidMap?: ReadonlyMap<number, readonly number[]>;
}

export const CHILD_DEPTH = 3;
export const CHILD_MAX_PROCESSES = 64;

/** ppid → child pids from every `/proc/*\/stat`, within a time budget. */
export function scanParents(fs: ProcFs, budgetMs = 200, now: () => number = () => performance.now()): { map: Map<number, number[]>; complete: boolean } {
  const deadline = now() + budgetMs;
  const map = new Map<number, number[]>();
  const listing = fs.listDir('');
  if (!listing.ok) return { map, complete: false };
  for (const name of listing.value) {
    if (!/^\d+$/.test(name)) continue;
    if (now() > deadline) return { map, complete: false };
    const stat = parseResult(fs.readText(`${name}/stat`), `${name}/stat`, parseStat);
    if (!stat.ok) continue;
    const list = map.get(stat.value.ppid) ?? [];
    list.push(Number(name));
    map.set(stat.value.ppid, list);
  }
  for (const list of map.values()) list.sort((a, b) => a - b);
  return { map, complete: true };
}

function numeric(names: readonly string[]): number[] {
  return names.filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
}

/**
 * The children of a process, their threads, and theirs, to a bounded depth and count. Uses
 * `task/*\/children` when the kernel has it (the threads were read already), else a ppid scan.
 */
export function readChildTree(fs: ProcFs, pid: number, threads: readonly ThreadSnapshot[], options: ChildTreeOptions = {}): ChildrenSnapshot {
  const maxDepth = options.maxDepth ?? CHILD_DEPTH;
  const maxProcesses = options.maxProcesses ?? CHILD_MAX_PROCESSES;
  const maxThreads = options.maxThreadsPerChild ?? 16;
  const haveTaskChildren = threads.length > 0 && threads.every((t) => t.children.ok);
  let ppidMap: ReadonlyMap<number, readonly number[]> | null = null;
  let truncated = false;
  if (!haveTaskChildren) {
    if (options.ppidMap) ppidMap = options.ppidMap;
    else {
      const scan = scanParents(fs, options.budgetMs ?? 200, options.now);
      ppidMap = scan.map;
      truncated ||= !scan.complete;
    }
  }
  const childrenOf = (p: number, ts: readonly ThreadSnapshot[]): number[] =>
    ppidMap ? [...(ppidMap.get(p) ?? [])] : [...new Set(ts.flatMap((t) => (t.children.ok ? t.children.value : [])))].sort((a, b) => a - b);

  let budget = maxProcesses;
  const visit = (p: number, depth: number): ChildSnapshot | null => {
    if (budget <= 0) {
      truncated = true;
      return null;
    }
    budget--;
    const stat = parseResult(fs.readText(`${p}/stat`), `${p}/stat`, parseStat);
    const tids = fs.listDir(`${p}/task`);
    const tidList = tids.ok ? numeric(tids.value) : [];
    const snaps = tidList.slice(0, maxThreads).map((tid) => readThread(fs, p, tid)).filter((t) => t.stat.ok);
    let kids: ChildSnapshot[] = [];
    const below = childrenOf(p, snaps);
    if (below.length > 0 && depth >= maxDepth) truncated = true;
    else kids = below.map((c) => visit(c, depth + 1)).filter((c): c is ChildSnapshot => c !== null);
    return { pid: p, stat, threads: snaps, threadCount: tidList.length, children: kids };
  };
  const top = childrenOf(pid, threads);
  const children = top.map((c) => visit(c, 1)).filter((c): c is ChildSnapshot => c !== null);
  const byThread = haveTaskChildren ? new Map(threads.map((t) => [t.tid, t.children.ok ? t.children.value : []] as const)) : null;
  return { source: haveTaskChildren ? 'task-children' : 'ppid-scan', byThread, children, truncated };
}
