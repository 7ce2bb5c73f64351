import type { ProcFs } from '../procfs/procfs.js';
import { isSkipped, type ReadResult } from '../procfs/errors.js';
import { parseChildren } from '../parsers/children.js';
import { parseFdInfo } from '../parsers/fdinfo.js';
import { parseFdTarget } from '../parsers/fd.js';
import { parseStat } from '../parsers/stat.js';
import { parseSyscall, type SyscallState } from '../parsers/syscall.js';
import { numericNames } from '../procfs/names.js';
import type { FdSnapshot, ProcessSnapshot } from './types.js';
import { parseResult } from './parsed.js';

/**
 * A process of the target's family (its children, its parent, its siblings) that holds one of
 * its listening sockets or watches one with epoll: a pre-fork server's master and workers,
 * nginx's workers. Only what the herd and accept-queue insights need is kept.
 */
export interface FamilyProcess {
  readonly pid: number;
  readonly comm: string | null;
  /** Its fds holding one of the listening sockets, and its epoll fds (with their fdinfo). */
  readonly fds: readonly FdSnapshot[];
  /** Every thread's `syscall` (at most MAX_THREADS): who waits in epoll_wait or accept, on which fd. */
  readonly threads: readonly { readonly tid: number; readonly syscall: ReadResult<SyscallState> }[];
}

export interface ListenFamily {
  /** The listening socket inodes searched for (the target's LISTEN rows). */
  readonly inodes: readonly number[];
  readonly processes: readonly FamilyProcess[];
  /** Family processes whose fds were read. */
  readonly searched: number;
  /** A bound (processes, fds, time) stopped the search before every family process was read. */
  readonly cut: boolean;
}

export interface ListenFamilyOptions {
  readonly budgetMs?: number;
  readonly maxFds?: number;
  readonly now?: () => number;
}

/** Bounds: a family bigger than this is a fork bomb or a supervisor of everything (pid 1). */
const MAX_PROCESSES = 32;
const MAX_THREADS = 64;
const MAX_FDS = 20_000;
const BUDGET_MS = 100;

function childrenOfTask(fs: ProcFs, pid: number, tid: number): number[] {
  const r = parseResult(fs.readText(`${pid}/task/${tid}/children`), `${pid}/task/${tid}/children`, parseChildren);
  return r.ok ? r.value : [];
}

/** A process's children from its threads' `children` files (the first 16 threads). */
function childrenOf(fs: ProcFs, pid: number): number[] {
  const tids = fs.listDir(`${pid}/task`);
  if (!tids.ok) return [];
  return numericNames(tids.value).slice(0, 16).flatMap((tid) => childrenOfTask(fs, pid, tid));
}

/**
 * Who else may share the target's listening sockets: the processes a pre-fork server is made of.
 * Its children (from the threads' `children` files already read), and — unless its parent is
 * init or kthreadd, whose children are the whole machine — its parent and siblings. Nearest
 * first; never the target itself.
 */
function familyOf(fs: ProcFs, proc: ProcessSnapshot): number[] {
  const threads = proc.threads.ok ? proc.threads.value : [];
  // A light sample skips the children files: read them for the first threads only (forks come from few).
  const own = threads.flatMap((t, i) => (t.children.ok ? t.children.value : isSkipped(t.children) && i < 16 ? childrenOfTask(fs, proc.pid, t.tid) : []));
  const ppid = proc.stat.ok ? proc.stat.value.ppid : 0;
  const relatives = ppid > 2 ? [ppid, ...childrenOf(fs, ppid)] : [];
  return [...new Set([...own, ...relatives])].filter((p) => p !== proc.pid);
}

/**
 * Read the family's fds for the given listening socket inodes and epoll instances, and, for the
 * processes that hold or watch one, every thread's `syscall`. Through the ProcFs, so a capture
 * holds what was searched. Bounded in processes, fds and time.
 */
export function readListenFamily(fs: ProcFs, proc: ProcessSnapshot, inodes: ReadonlySet<number>, options: ListenFamilyOptions = {}): ListenFamily {
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.budgetMs ?? BUDGET_MS);
  const maxFds = options.maxFds ?? MAX_FDS;
  const family = familyOf(fs, proc);
  const processes: FamilyProcess[] = [];
  let fdsRead = 0;
  let searched = 0;
  let cut = family.length > MAX_PROCESSES;
  for (const pid of family.slice(0, MAX_PROCESSES)) {
    if (now() > deadline || fdsRead >= maxFds) {
      cut = true;
      break;
    }
    const listing = fs.listDir(`${pid}/fd`);
    searched++;
    if (!listing.ok) continue;
    const fds: FdSnapshot[] = [];
    let holds = false;
    for (const fd of numericNames(listing.value)) {
      if (++fdsRead > maxFds) {
        cut = true;
        break;
      }
      const link = fs.readLink(`${pid}/fd/${fd}`);
      if (!link.ok) continue;
      const target = parseFdTarget(link.value);
      if (target.inode !== null && target.type === 'socket' && inodes.has(target.inode)) {
        holds = true;
        fds.push({ fd, target, info: null });
      } else if (target.anonKind === 'eventpoll') {
        fds.push({ fd, target, info: parseResult(fs.readText(`${pid}/fdinfo/${fd}`), `${pid}/fdinfo/${fd}`, parseFdInfo) });
      }
    }
    // An epoll instance watching the socket is one whose tfd lines name its inode (4.13+) or,
    // on older kernels, an fd of this process that holds it.
    const heldFds = new Set(fds.filter((f) => f.target.type === 'socket').map((f) => f.fd));
    const watches = fds.some((f) => f.info?.ok && (f.info.value.epoll ?? []).some((w) => (w.ino !== null ? inodes.has(w.ino) : heldFds.has(w.tfd))));
    if (!holds && !watches) continue;
    const stat = parseResult(fs.readText(`${pid}/stat`), `${pid}/stat`, parseStat);
    const tids = fs.listDir(`${pid}/task`);
    const threads = (tids.ok ? numericNames(tids.value) : []).slice(0, MAX_THREADS).map((tid) => ({
      tid,
      syscall: parseResult(fs.readText(`${pid}/task/${tid}/syscall`), `${pid}/task/${tid}/syscall`, parseSyscall),
    }));
    processes.push({ pid, comm: stat.ok ? stat.value.comm : null, fds: fds.filter((f) => f.target.type === 'socket' || f.info?.ok), threads });
  }
  return { inodes: [...inodes].sort((a, b) => a - b), processes, searched, cut };
}
