import { closeSync, constants as fsConstants, fstatSync, openSync, readFileSync, statfsSync } from 'node:fs';
import { errnoOf, kindFromErrno, type ReadError } from './errors.js';

/** The per-thread files a machine sample reads, cheapest and most often read first. */
export const TASK_FILES = ['schedstat', 'stat', 'wchan', 'syscall', 'stack'] as const;
export type TaskFile = (typeof TASK_FILES)[number];

/** A file's text, or why it could not be read: no allocation for the common case. */
export type TextOrError = string | ReadError;

/** Reads a whole small file from an open fd (offset 0 when `fromStart`): procfs's bounded reader. */
export type FdReader = (fd: number, fromStart: boolean) => string;

const INDEX: Readonly<Record<TaskFile, number>> = { schedstat: 0, stat: 1, wchan: 2, syscall: 3, stack: 4 };
/** `stack` is read rarely (D state, an ambiguous wait channel): never kept. */
const KEEPABLE = 4;
const PROC_SUPER_MAGIC = 0x9fa0;
const ONCE = { encoding: 'utf8', flag: 'r' } as const;

function readError(err: unknown, path: string): ReadError {
  const errno = errnoOf(err);
  return { kind: kindFromErrno(errno, true), path, errno, message: errno ?? String(err) };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

/** Whether `root` is a procfs mount: then its task files are known to be small regular proc files. */
export function isProcfs(root: string): boolean {
  try {
    return statfsSync(root).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * The fast path of a whole-machine sample, as a capability of the live ProcFs:
 * `<root>/<pid>/task/<tid>/<file>` opened from numbers it builds itself (no path checks needed),
 * read through procfs's one shared buffer, errors as values. Up to `keep` fds stay open across
 * samples and are re-read at offset 0 (proc regenerates the text on every read from 0): an
 * open+read+close costs about 2.5× a re-read. `schedstat`, read for every thread every sample,
 * may use the whole allowance; the other files half of it, so that a big machine's first sample
 * does not spend it all before the last threads' `schedstat`. A thread that exits answers ESRCH
 * on its kept fds, which are then closed; a tid reused by a new thread gets fresh fds.
 * Files are opened non-blocking without following links; outside a procfs mount (a test tree)
 * each one must also be a regular file.
 */
export class TaskFiles {
  private readonly open = new Map<number, number[]>();
  private openCount = 0;
  /** Files opened since creation. */
  opens = 0;
  private readonly flags = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;
  private readonly checkType: boolean;


  constructor(
    private readonly root: string,
    private readonly keep: number,
    private readonly readFd: FdReader,
  ) {
    this.checkType = !isProcfs(root);
  }

  read(pid: number, tid: number, file: TaskFile): TextOrError {
    const index = INDEX[file];
    const kept = this.keep > 0 && index < KEEPABLE ? this.open.get(tid) : undefined;
    const keptFd = kept?.[index] ?? -1;
    if (keptFd >= 0) {
      try {
        return this.readFd(keptFd, true);
      } catch (err) {
        this.forget(tid);
        return readError(err, `${pid}/task/${tid}/${file}`);
      }
    }
    const path = `${this.root}/${pid}/task/${tid}/${file}`;
    if (this.keep === 0 && !this.checkType) {
      // A one-shot sample of a procfs: open, read and close in one call into Node (a third of the
      // cold cost of three calls through fs's argument checks). Proc task files are small regular
      // files, never links or FIFOs, so plain O_RDONLY is as safe here as the flags above.
      this.opens++;
      try {
        return readFileSync(path, ONCE);
      } catch (err) {
        return readError(err, `${pid}/task/${tid}/${file}`);
      }
    }
    let fd: number;
    try {
      fd = openSync(path, this.flags);
    } catch (err) {
      return readError(err, `${pid}/task/${tid}/${file}`);
    }
    this.opens++;
    let text: string;
    try {
      if (this.checkType && !fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
      text = this.readFd(fd, false);
    } catch (err) {
      closeSync(fd);
      return readError(err, `${pid}/task/${tid}/${file}`);
    }
    if (index < KEEPABLE && this.openCount < (index === 0 ? this.keep : this.keep / 2)) {
      const entry = kept ?? [-1, -1, -1, -1];
      entry[index] = fd;
      this.open.set(tid, entry);
      this.openCount++;
    } else {
      closeSync(fd);
    }
    return text;
  }

  /** Close the kept fds of every tid not in `live`. */
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

  private forget(tid: number): void {
    const entry = this.open.get(tid);
    if (!entry) return;
    for (const fd of entry) {
      if (fd >= 0) {
        closeQuietly(fd);
        this.openCount--;
      }
    }
    this.open.delete(tid);
  }
}
