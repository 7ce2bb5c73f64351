import type { ProcFs } from '../procfs/procfs.js';
import { isSkipped, mapResult, type ReadResult } from '../procfs/errors.js';
import { numericNames } from '../procfs/names.js';
import type { ChildrenSnapshot } from './children.js';
import type { ProcessSnapshot } from './types.js';
import { readThreadChildren } from './process.js';

/**
 * What says how many fd tables a process and its children hold. /proc has no marker of a shared
 * table (no files_struct id): threads made with CLONE_FILES list the same `task/TID/fd`, so a
 * few threads' listings are compared with the process's; each child's table is counted apart.
 */
export interface FdTableReads {
  /** Other threads' fd numbers (`task/TID/fd`, names only, never the links), at most MAX_THREADS. */
  readonly threadListings: readonly { readonly tid: number; readonly fds: ReadResult<number[]> }[];
  /** Each child's fd count (`CHILD/fd`, names only), at most MAX_CHILDREN. */
  readonly childFds: readonly { readonly pid: number; readonly count: ReadResult<number> }[];
}

/** Enough threads to see a table that differs, few enough for a 1 s dashboard. */
const MAX_THREADS = 8;
const MAX_CHILDREN = 64;

/** Its children: the follow step's tree when a thread waits for them, else the threads' `children` files. */
function childPids(fs: ProcFs, proc: ProcessSnapshot, tree: ChildrenSnapshot | null): number[] {
  if (tree) return tree.children.map((c) => c.pid);
  const threads = proc.threads.ok ? proc.threads.value : [];
  const lists = threads.map((t) => (t.children.ok ? t.children.value : isSkipped(t.children) && t.tid === proc.pid ? valueOrEmpty(readThreadChildren(fs, proc.pid, t.tid)) : []));
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

const valueOrEmpty = (r: ReadResult<number[]>): number[] => (r.ok ? r.value : []);

export function readFdTables(fs: ProcFs, proc: ProcessSnapshot, tree: ChildrenSnapshot | null): FdTableReads {
  const threads = proc.threads.ok ? proc.threads.value : [];
  // Spread over the thread list: a thread started differently is as likely last as first.
  const others = threads.filter((t) => t.tid !== proc.pid);
  const step = Math.max(1, Math.ceil(others.length / MAX_THREADS));
  const picked = others.filter((_, i) => i % step === 0).slice(0, MAX_THREADS);
  const threadListings = picked.map((t) => ({ tid: t.tid, fds: mapResult(fs.listDir(`${proc.pid}/task/${t.tid}/fd`), numericNames) }));
  const childFds = childPids(fs, proc, tree)
    .slice(0, MAX_CHILDREN)
    .map((pid) => ({ pid, count: mapResult(fs.listDir(`${pid}/fd`), (names) => numericNames(names).length) }));
  return { threadListings, childFds };
}
