import { closeSync, openSync, readdirSync } from 'node:fs';
import { errnoOf, kindFromErrno, type ReadError } from '../../procfs/errors.js';
import { numericNames } from '../../procfs/names.js';
import { parseLimits } from '../../parsers/limits.js';
import { createProcFs, DEFAULT_MAX_BYTES, READ_FLAGS, readFdBounded, refuseNotRegular, type ProcFs } from '../../procfs/procfs.js';
import type { TextOrError } from './classify-cached.js';

/** The per-thread files a machine sample reads. */
export type ThreadFile = 'stat' | 'wchan' | 'syscall' | 'stack';

/**
 * Where a machine sample gets its text: the fast live reader below, or any ProcFs
 * (a capture being replayed, a RecordingProcFs writing one).
 */
export interface MachineSource {
  /** Pids under the root, ascending; empty when the root cannot be listed. */
  listPids(): number[];
  /** Tids of a process; null when it vanished. */
  listTids(pid: number): number[] | null;
  read(pid: number, tid: number, file: ThreadFile): TextOrError;
  /** Forget (and close) per-thread state of every tid not in `live`. */
  retain(live: ReadonlySet<number>): void;
  close(): void;
  /** Files opened (and closed again) since creation. */
  readonly opens: number;
}


function readError(err: unknown, path: string): ReadError {
  const errno = errnoOf(err);
  return { kind: kindFromErrno(errno, true), path, errno, message: errno ?? String(err) };
}

const FILE_INDEX: Readonly<Record<ThreadFile, number>> = { stat: 0, wchan: 1, syscall: 2, stack: 3 };
/** Files worth keeping open across samples, in order of preference (every thread needs stat). */
const KEEPABLE = 3;

interface OpenFiles {
  /** fd per ThreadFile index (stat, wchan, syscall); -1 when not open. */
  readonly fds: number[];
}

/** Room left for the rest of the program (the dashboard, stdio, sockets) when fds are kept open. */
const FD_RESERVE = 256;

/** The soft RLIMIT_NOFILE from /proc/self/limits; 1024 when it cannot be read. */
export function openFilesLimit(procRoot = '/proc'): number {
  const text = createProcFs({ root: procRoot, cgroupRoot: null }).readText('self/limits');
  try {
    const limit = text.ok ? parseLimits(text.value)['Max open files'] : undefined;
    if (limit) return limit.soft ?? 1 << 20;
  } catch {
    // fall through
  }
  return 1024;
}

/** How many fds a sampler may keep open, within the open-files limit. */
export function keepOpenBudget(limit: number): number {
  return Math.max(0, limit - FD_RESERVE);
}

/**
 * The live fast path: `openSync`/`readSync` into one reused buffer, no path checks beyond the
 * numeric pid/tid it builds itself, errors as values. With `keepOpenFds` > 0 it keeps the
 * stat/wchan/syscall fds of threads open across samples and re-reads them at offset 0
 * (proc regenerates the text on every read from 0); a thread that exits answers ESRCH and its
 * fds are closed. A tid reused by a new thread gets a fresh fd: the old one keeps failing.
 */
export class FastProcSource implements MachineSource {
  private readonly open = new Map<number, OpenFiles>();
  private openCount = 0;
  opens = 0;
  /** Non-blocking, and each fd's type checked once when it is opened (never on a re-read): a FIFO under the root is refused, not waited on. */
  private readonly flags = READ_FLAGS;

  constructor(
    private readonly root = '/proc',
    private readonly keepOpenFds = 0,
  ) {}

  listPids(): number[] {
    try {
      return numericNames(readdirSync(this.root));
    } catch {
      return [];
    }
  }

  listTids(pid: number): number[] | null {
    try {
      return numericNames(readdirSync(`${this.root}/${pid}/task`));
    } catch {
      return null;
    }
  }

  read(pid: number, tid: number, file: ThreadFile): TextOrError {
    const index = FILE_INDEX[file];
    const kept = this.keepOpenFds > 0 && index < KEEPABLE ? this.open.get(tid) : undefined;
    const keptFd = kept?.fds[index] ?? -1;
    if (keptFd >= 0) {
      try {
        return this.readFd(keptFd, 0);
      } catch (err) {
        this.forget(tid);
        return readError(err, `${pid}/task/${tid}/${file}`);
      }
    }
    const path = `${this.root}/${pid}/task/${tid}/${file}`;
    let fd: number;
    try {
      fd = openSync(path, this.flags);
    } catch (err) {
      return readError(err, `${pid}/task/${tid}/${file}`);
    }
    this.opens++;
    let text: string;
    try {
      refuseNotRegular(fd);
      text = this.readFd(fd, null);
    } catch (err) {
      closeSync(fd);
      return readError(err, `${pid}/task/${tid}/${file}`);
    }
    if (index < KEEPABLE && this.openCount < this.keepOpenFds) {
      const entry = kept ?? { fds: [-1, -1, -1] };
      entry.fds[index] = fd;
      this.open.set(tid, entry);
      this.openCount++;
    } else {
      closeSync(fd);
    }
    return text;
  }

  /** Through procfs's bounded reader: the same shared buffer, size bound and one-read rule as every other /proc read. */
  private readFd(fd: number, position: number | null): string {
    return readFdBounded(fd, DEFAULT_MAX_BYTES, position !== null, true);
  }

  private forget(tid: number): void {
    const entry = this.open.get(tid);
    if (!entry) return;
    for (const fd of entry.fds) {
      if (fd >= 0) {
        closeQuietly(fd);
        this.openCount--;
      }
    }
    this.open.delete(tid);
  }

  retain(live: ReadonlySet<number>): void {
    for (const tid of [...this.open.keys()]) if (!live.has(tid)) this.forget(tid);
  }

  close(): void {
    for (const tid of [...this.open.keys()]) this.forget(tid);
  }

  /** fds currently kept open. */
  get keptOpen(): number {
    return this.openCount;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Any ProcFs (a capture, a recording wrapper): slower, but every read goes through it. */
export class ProcFsSource implements MachineSource {
  opens = 0;

  constructor(readonly fs: ProcFs) {}

  listPids(): number[] {
    const names = this.fs.listDir('');
    return names.ok ? numericNames(names.value) : [];
  }

  listTids(pid: number): number[] | null {
    const names = this.fs.listDir(`${pid}/task`);
    return names.ok ? numericNames(names.value) : null;
  }

  read(pid: number, tid: number, file: ThreadFile): TextOrError {
    this.opens++;
    const result = this.fs.readText(`${pid}/task/${tid}/${file}`);
    return result.ok ? result.value : result.error;
  }

  retain(): void {}

  close(): void {}
}
