import type { ProcFs } from '../procfs/procfs.js';
import { fail, isSkipped, ok, skipped, type ReadError, type ReadResult } from '../procfs/errors.js';
import { parseCgroup } from '../parsers/cgroup.js';
import { parseChildren } from '../parsers/children.js';
import { parseFdInfo } from '../parsers/fdinfo.js';
import { parseFdTarget } from '../parsers/fd.js';
import { parseIo } from '../parsers/io.js';
import { parseLimits } from '../parsers/limits.js';
import { parseSchedStat, type SchedStat } from '../parsers/schedstat.js';
import { parseStack } from '../parsers/stack.js';
import { parseStat } from '../parsers/stat.js';
import { parseStatus, type ProcStatus } from '../parsers/status.js';
import { parseSyscall } from '../parsers/syscall.js';
import { parseWchan, type WchanInfo } from '../parsers/wchan.js';
import type { ProcStat } from '../parsers/stat.js';
import type { SyscallState } from '../parsers/syscall.js';
import type { FdSnapshot, ProcessSnapshot, ThreadSnapshot } from '../readers/types.js';
import { parseResult } from './parsed.js';
import { numericNames } from '../procfs/names.js';

function readParsed<T>(fs: ProcFs, path: string, parse: (text: string) => T): ReadResult<T> {
  return parseResult(fs.readText(path), path, parse);
}

/** What a thread showed before its stack was read: enough to decide whether the stack matters. */
export interface ThreadSoFar {
  readonly tid: number;
  readonly stat: ReadResult<ProcStat>;
  readonly wchan: ReadResult<WchanInfo>;
  readonly syscall: ReadResult<SyscallState>;
}

export interface ThreadReadOptions {
  /**
   * `stack` is root-only and the costliest file (the kernel unwinds the task for it): read it
   * for every thread (default), for none, or only where a policy says it decides something.
   */
  readonly stack?: boolean | ((thread: ThreadSoFar) => boolean);
  /** The thread a view shows in detail: its stack is always read. */
  readonly focusTid?: number | null;
  /** Per-thread `io` (default true); the process's own `io` is always read. */
  readonly threadIo?: boolean;
  /** Per-thread `children` (default true); the follow step reads them when a thread waits for children. */
  readonly children?: boolean;
  /** Per-thread `status` (default true): context switches; a tick between samples reads no more than the wait needs. */
  readonly status?: boolean;
  /**
   * The threads of the previous sample. A thread that has not run since then (its `schedstat`
   * run time and timeslice count are unchanged) cannot have changed its state, wait channel,
   * syscall, stack or counters — all of that changes only by running — so its files are not
   * read again: one small read instead of six for every idle thread.
   */
  readonly previous?: ReadonlyMap<number, ThreadSnapshot>;
}

function sameRun(a: ReadResult<SchedStat>, b: ReadResult<SchedStat>): boolean {
  return a.ok && b.ok && a.value.runNs === b.value.runNs && a.value.timeslices === b.value.timeslices;
}

/** What ENOENT on a file of a task that is still there means (see `optionalFile`). */
type Absence = Pick<ReadError, 'kind' | 'message'>;

/** A task file that only a kernel option provides. */
const NOT_IN_THIS_KERNEL: Absence = { kind: 'unsupported', message: 'not provided by this kernel (configuration option not set)' };
/** A process file every kernel has, absent from a proc root made by hand. */
const MISSING: Absence = { kind: 'io', message: 'not readable: missing' };

/**
 * Several task files exist only with a kernel option (`children`: CONFIG_PROC_CHILDREN,
 * `stack`: CONFIG_STACKTRACE, `wchan`: CONFIG_KALLSYMS, `schedstat`: CONFIG_SCHED_INFO).
 * ENOENT on one of them while the thread's stat was readable means "not in this kernel",
 * not "the thread exited"; on a process's `limits`, `cgroup` or `fd/` it means the proc root
 * lacks them (`absence`), and the rest is still diagnosed.
 */
function optionalFile<T>(result: ReadResult<T>, stillThere: () => boolean, absence: Absence = NOT_IN_THIS_KERNEL): ReadResult<T> {
  if (!result.ok && result.error.kind === 'vanished' && result.error.errno === 'ENOENT' && stillThere()) {
    return fail({ ...result.error, ...absence });
  }
  return result;
}

function wantsStack(options: ThreadReadOptions, thread: ThreadSoFar): boolean {
  if (thread.tid === options.focusTid) return true;
  const policy = options.stack ?? true;
  return typeof policy === 'function' ? policy(thread) : policy;
}

/** Any of its files says the thread went away while it was read: its files mix two moments. */
function threadVanished(t: ThreadSnapshot): boolean {
  return [t.stat, t.status, t.wchan, t.stack, t.syscall, t.io, t.schedstat, t.children].some((r) => !r.ok && r.error.kind === 'vanished');
}

export function readThreadChildren(fs: ProcFs, pid: number, tid: number): ReadResult<number[]> {
  return readParsed(fs, `${pid}/task/${tid}/children`, parseChildren);
}

export function readThread(fs: ProcFs, pid: number, tid: number, options: ThreadReadOptions = {}): ThreadSnapshot {
  const dir = `${pid}/task/${tid}`;
  const before = options.previous?.get(tid);
  if (before) {
    const schedstat = readParsed(fs, `${dir}/schedstat`, parseSchedStat);
    if (sameRun(before.schedstat, schedstat) && !(isSkipped(before.stack) && tid === options.focusTid)) return { ...before, schedstat };
  }
  const stat = readParsed(fs, `${dir}/stat`, parseStat);
  // ENOENT on an optional file is "not in this kernel" only if the thread is still there:
  // it may have exited after its stat was read (checked once, and only when it matters).
  let stillThere: boolean | undefined;
  const alive = () => stat.ok && (stillThere ??= fs.listDir(dir).ok);
  const optional = <T>(name: string, parse: (text: string) => T) => optionalFile(readParsed(fs, `${dir}/${name}`, parse), alive);
  const status = options.status === false ? skipped<ProcStatus>(`${dir}/status`) : readParsed(fs, `${dir}/status`, parseStatus);
  const wchan = optional('wchan', parseWchan);
  const syscall = optional('syscall', parseSyscall);
  const wantStack = wantsStack(options, { tid, stat, wchan, syscall });
  return {
    tid,
    stat,
    status,
    wchan,
    stack: wantStack ? optional('stack', parseStack) : skipped(`${dir}/stack`),
    syscall,
    io: options.threadIo === false ? skipped(`${dir}/io`) : optional('io', parseIo),
    schedstat: optional('schedstat', parseSchedStat),
    children: options.children === false ? skipped(`${dir}/children`) : optional('children', parseChildren),
  };
}

/** fd types whose fdinfo says what a wait is on (epoll interest list, eventfd counter, timer, …). */
const FDINFO_WORTH_READING = new Set(['eventpoll', 'eventfd', 'timerfd', 'inotify', 'signalfd']);

export function readFds(fs: ProcFs, pid: number): ReadResult<FdSnapshot[]> {
  const listing = fs.listDir(`${pid}/fd`);
  if (!listing.ok) return listing;
  const fds: FdSnapshot[] = [];
  for (const fd of numericNames(listing.value)) {
    const link = fs.readLink(`${pid}/fd/${fd}`);
    if (!link.ok) {
      // An fd closed between the listing and the readlink is simply gone.
      if (link.error.kind === 'vanished') continue;
      return link;
    }
    const target = parseFdTarget(link.value);
    const info =
      target.type === 'anon_inode' && FDINFO_WORTH_READING.has(target.anonKind ?? '')
        ? readParsed(fs, `${pid}/fdinfo/${fd}`, parseFdInfo)
        : null;
    fds.push({ fd, target, info });
  }
  return ok(fds);
}

export interface ProcessReadOptions extends ThreadReadOptions {
  /** Read `fd/` and anon-inode `fdinfo/` (default true). */
  readonly fds?: boolean;
}

/** Every thread of a process, as it is now; a thread that exits while it is read is left out. */
/**
 * At most this many threads of one process are read (the lowest tids, the main thread first):
 * a real process rarely has more, and a proc root or capture with 100,000 `task/` entries must
 * not cost minutes and gigabytes. The report says how many were left out.
 */
export const MAX_THREADS_READ = 16_384;

export interface ThreadList {
  readonly threads: ReadResult<ThreadSnapshot[]>;
  /** How many `task/` entries were listed (more than were read when over MAX_THREADS_READ). */
  readonly listed: number;
}

/** Every thread of a process, as it is now (at most MAX_THREADS_READ); a thread that exits while it is read is left out. */
export function readThreads(fs: ProcFs, pid: number, options: ThreadReadOptions = {}): ThreadList {
  const tidList = fs.listDir(`${pid}/task`);
  if (!tidList.ok) return { threads: tidList, listed: 0 };
  const tids = numericNames(tidList.value);
  const threads = tids
    .slice(0, MAX_THREADS_READ)
    .map((tid) => readThread(fs, pid, tid, options))
    // A thread that exited between the listing and its last file is skipped, not reported
    // half-read: what it shows would mix the thread alive with the thread gone.
    .filter((t) => !threadVanished(t));
  return { threads: ok(threads), listed: tids.length };
}

export function readProcess(fs: ProcFs, pid: number, options: ProcessReadOptions = {}): ProcessSnapshot {
  const stat = readParsed(fs, `${pid}/stat`, parseStat);
  let dirListed: boolean | undefined;
  const stillThere = () => stat.ok && (dirListed ??= fs.listDir(String(pid)).ok);
  const { threads, listed } = readThreads(fs, pid, options);
  return {
    pid,
    exe: fs.readLink(`${pid}/exe`),
    stat,
    status: readParsed(fs, `${pid}/status`, parseStatus),
    io: readParsed(fs, `${pid}/io`, parseIo),
    limits: optionalFile(readParsed(fs, `${pid}/limits`, parseLimits), stillThere, MISSING),
    cgroup: optionalFile(readParsed(fs, `${pid}/cgroup`, parseCgroup), stillThere, MISSING),
    fds: options.fds === false ? fail({ kind: 'unsupported', path: `${pid}/fd`, message: 'not read' }) : optionalFile(readFds(fs, pid), stillThere, MISSING),
    threads,
    threadsListed: listed,
  };
}

export function readUptimeSeconds(fs: ProcFs): ReadResult<number> {
  return readParsed(fs, 'uptime', (text) => {
    const first = text.trim().split(/\s+/)[0] ?? '';
    if (!/^\d+(\.\d+)?$/.test(first)) throw new Error(`uptime is not a number: ${JSON.stringify(first)}`);
    return Number(first);
  });
}

/** Does a pid directory exist at all (cheap check before a triage)? */
export function processExists(fs: ProcFs, pid: number): ReadResult<true> {
  const stat = fs.readText(`${pid}/stat`);
  return stat.ok ? ok(true) : stat;
}
