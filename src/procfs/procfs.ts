import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  type Stats,
} from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { CaptureWalker } from './capture-walk.js';
import { errnoOf, fail, kindFromErrno, ok, type ReadError, type ReadErrorKind, type ReadResult } from './errors.js';
import { CGROUP_V1_CONTROLLERS, cgroupV1MountsByController, isCgroupV1Controller, placeUnderV1Mount, visibleCgroupMounts, type CgroupMount, type CgroupV1Controller } from './cgroup-mounts.js';
import { TaskFiles, type TaskFile, type TextOrError } from './task-files.js';
import { readPrefix, type TextPrefix } from './prefix.js';

export type { TaskFile, TextOrError } from './task-files.js';
export type { TextPrefix } from './prefix.js';

/**
 * The one object through which every reader sees `/proc`. Live, its root is `/proc`;
 * in replay and tests it is a captured sample directory. Reads are synchronous on
 * purpose: `openSync`/`readSync` into one reused buffer is ~7x cheaper than promises
 * for thousands of tiny files.
 */
export interface ProcFs {
  readonly mode: 'live' | 'fixture';
  /** Absolute path of the proc root (for messages only). */
  readonly root: string;
  /** cgroup v2 mount point (live) or the capture's `cgroup/` directory; null when none. */
  readonly cgroupRoot: string | null;
  /** Read a file below the proc root, e.g. `1234/task/1234/stat`. */
  readText(path: string, maxBytes?: number): ReadResult<string>;
  /** The text of a symlink below the proc root (never followed). */
  readLink(path: string): ReadResult<string>;
  /** Names in a directory below the proc root. */
  listDir(path: string): ReadResult<string[]>;
  /** Read a file below the cgroup v2 root, e.g. `system.slice/cpu.pressure`. */
  readCgroupText(path: string, maxBytes?: number): ReadResult<string>;
  /**
   * The cgroup v1 hierarchies it can read, by controller: the mount point (live) or the
   * capture's `cgroup-v1/<controller>` directory; a controller not listed is not mounted.
   */
  readonly cgroupV1Roots: Readonly<Partial<Record<CgroupV1Controller, string>>>;
  /**
   * Read a file of a cgroup v1 controller by the cgroup's path in its hierarchy (as
   * /proc/PID/cgroup names it, without the leading `/`), e.g. `('memory', 'a/b/memory.stat')`.
   */
  readCgroupV1Text(controller: CgroupV1Controller, path: string, maxBytes?: number): ReadResult<string>;
  /**
   * End of one sample: a ProcFs that keeps files open across samples closes those not read
   * since the last sweep (their thread is gone or no longer looked at).
   */
  sweep?(): void;
  /**
   * Capability: read `<pid>/task/<tid>/<file>` on a machine sample's fast path (no path checks,
   * fds kept open across samples where the live ProcFs was asked to). Without it, `readTaskFile`
   * below reads the same path through `readText`.
   */
  readTaskFile?(pid: number, tid: number, file: TaskFile): TextOrError;
  /** Capability: close the kept task fds of every tid not in `live` (the listing moved on). */
  retainTasks?(live: ReadonlySet<number>): void;
  /**
   * Capability: at most `maxBytes` from the start of a file below the proc root, and whether that
   * was all of it (a table that can be huge, such as net/tcp, read only as far as needed).
   */
  readTextPrefix?(path: string, maxBytes: number): ReadResult<TextPrefix>;
  /** Capability: the child cgroups (directories) of a cgroup v2 directory (`''`: the root). */
  listCgroups?(path: string): ReadResult<string[]>;
  /** Release what the ProcFs keeps open (kept fds). */
  close?(): void;
}

/** A task file through the fast path when the ProcFs has one, else through readText: every read goes through the ProcFs. */
export function readTaskFile(fs: ProcFs, pid: number, tid: number, file: TaskFile): TextOrError {
  if (fs.readTaskFile) return fs.readTaskFile(pid, tid, file);
  const result = fs.readText(`${pid}/task/${tid}/${file}`);
  return result.ok ? result.value : result.error;
}

/** The head of a file through the capability when the ProcFs has it, else the whole file (bounded) as its head. */
export function readTextPrefix(fs: ProcFs, path: string, maxBytes: number): ReadResult<TextPrefix> {
  if (fs.readTextPrefix) return fs.readTextPrefix(path, maxBytes);
  const whole = fs.readText(path);
  return whole.ok ? ok({ text: whole.value, complete: true }) : whole;
}

/** The child cgroups of a cgroup v2 directory, or why not (no cgroup v2, or a ProcFs that cannot list them). */
export function listCgroups(fs: ProcFs, path: string): ReadResult<string[]> {
  if (fs.listCgroups) return fs.listCgroups(path);
  return fail({ kind: 'unsupported', path: `cgroup:${path}`, message: 'this view cannot list cgroup directories' });
}

/** No /proc text we read is near this; a bigger file is hostile or broken. */
export const DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

const READ_CHUNK = 64 * 1024;
let sharedBuffer = Buffer.allocUnsafe(READ_CHUNK);

function isUnderPid(path: string): boolean {
  const first = path.split('/', 1)[0] ?? '';
  return /^\d+$/.test(first) || first === 'self' || first === 'thread-self';
}

function errorFromException(err: unknown, path: string, kind?: ReadErrorKind): ReadError {
  const code = errnoOf(err);
  const message = err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err);
  return { kind: kind ?? kindFromErrno(code, isUnderPid(path)), path, errno: code, message };
}

/** Read a whole file through one reused buffer, refusing files larger than maxBytes. */
/**
 * A first read this short cannot have been cut off by /proc's seq_file paging (it fills at
 * least most of a page when more is to come), so it is the whole file: no second read() to
 * see end of file. That halves the syscalls of a sample of many small files.
 */
const SURELY_WHOLE = 2048;

/**
 * Read a whole file from an open fd through the shared buffer, at most maxBytes + 1 bytes: one
 * byte more than allowed is enough to know the file is too big, even when the shared buffer
 * is larger from an earlier call with a higher limit. `fromStart` re-reads a kept fd at offset 0
 * (proc regenerates the text on every read from 0).
 */
export function readFdBounded(fd: number, maxBytes: number, fromStart: boolean, trustShortRead: boolean): string {
  const limit = maxBytes + 1;
  let length = 0;
  for (;;) {
    if (length >= Math.min(sharedBuffer.length, limit)) {
      if (length >= limit) break;
      const bigger = Buffer.allocUnsafe(Math.min(sharedBuffer.length * 2, limit));
      sharedBuffer.copy(bigger, 0, 0, length);
      sharedBuffer = bigger;
    }
    const room = Math.min(sharedBuffer.length, limit) - length;
    const n = readSync(fd, sharedBuffer, length, room, fromStart ? length : null);
    if (n === 0) break;
    length += n;
    if (trustShortRead && length === n && n < Math.min(SURELY_WHOLE, room)) break;
  }
  if (length > maxBytes) {
    throw Object.assign(new Error(`larger than ${maxBytes} bytes; refusing to read it`), { code: 'EFBIG' });
  }
  return sharedBuffer.toString('utf8', 0, length);
}

/** What a file is when it is not a regular file (`a FIFO`, `a character device`, …); null for a regular file. */
export function notRegular(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symlink';
  return 'not a file';
}

/** The error for a file that is not a regular file: nothing but regular files is read. */
export function notRegularError(what: string): Error {
  return Object.assign(new Error(`not a regular file (${what}); refusing to read it`), { code: 'EINVAL' });
}

/**
 * Refuse an opened fd that is not a regular file. Every /proc, sysfs and cgroup file we read
 * fstat()s as a regular file (size 0 in /proc, 4096 in sysfs); a FIFO, a device or a socket
 * under a proc root or in a capture is hostile. Called once per open, never per re-read of a
 * kept fd. The open itself is O_NONBLOCK, so opening a FIFO does not wait for a writer.
 */
export function refuseNotRegular(fd: number): void {
  const what = notRegular(fstatSync(fd));
  if (what !== null) throw notRegularError(what);
}

/** Open flags of every read: never through a final symlink, never waiting (a FIFO). */
export const READ_FLAGS = fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK;

/**
 * Open, check the type, read at most maxBytes, close. `trustShortRead`: the file is the
 * kernel's (/proc, sysfs), which answers a whole small file in one read.
 */
export function readBounded(fullPath: string, flags: number, maxBytes: number, trustShortRead: boolean): string {
  const fd = openSync(fullPath, flags);
  try {
    refuseNotRegular(fd);
    return readFdBounded(fd, maxBytes, false, trustShortRead);
  } finally {
    closeSync(fd);
  }
}

/**
 * Files re-read every sample and worth keeping open: per task, per process, the machine's, and
 * the cgroup's (v1 and v2 files are kernfs seq_files: a read from offset 0 shows them afresh).
 */
const KEEPABLE_PATH = /^(?:\d+\/(?:task\/\d+\/)?(?:stat|status|wchan|syscall|schedstat|io|limits|cgroup)|\d+\/net\/(?:snmp|netstat|unix|tcp6?|udp6?)|pressure\/(?:cpu|memory|io|irq)|uptime|cgroup(?:-v1:[a-z]+\/|:).*)$/;

/**
 * Keeps up to `limit` /proc files open across samples and re-reads them at offset 0: an
 * open+read+close costs about 2.5x a pread on a kept fd. A kept fd of a task that exited
 * fails (ESRCH) and is dropped; the caller then opens the path afresh and gets the real answer.
 */
class KeptFiles {
  private readonly fds = new Map<string, { fd: number; used: boolean }>();

  constructor(private readonly limit: number) {}

  read(fullPath: () => string, key: string, flags: number, maxBytes: number): string {
    const kept = this.fds.get(key);
    if (kept) {
      try {
        kept.used = true;
        return readFdBounded(kept.fd, maxBytes, true, true);
      } catch {
        this.drop(key);
      }
    }
    if (this.fds.size >= this.limit || !KEEPABLE_PATH.test(key)) return readBounded(fullPath(), flags, maxBytes, true);
    const fd = openSync(fullPath(), flags);
    try {
      refuseNotRegular(fd);
      const text = readFdBounded(fd, maxBytes, true, true);
      this.fds.set(key, { fd, used: true });
      return text;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  closeAll(): void {
    for (const key of [...this.fds.keys()]) this.drop(key);
  }

  sweep(): void {
    for (const [key, entry] of this.fds) {
      if (entry.used) entry.used = false;
      else this.drop(key);
    }
  }

  private drop(key: string): void {
    const entry = this.fds.get(key);
    if (!entry) return;
    this.fds.delete(key);
    try {
      closeSync(entry.fd);
    } catch {
      // already closed: nothing to release
    }
  }
}

function checkRelative(path: string): string | null {
  // Runs before every read: no split, no allocation.
  if (path.startsWith('/') || path === '..' || path.startsWith('../') || path.endsWith('/..') || path.includes('/../')) {
    return `path ${JSON.stringify(path)} leaves the root`;
  }
  return null;
}

export interface LiveProcFsOptions {
  root?: string;
  /** cgroup v2 mount point; when omitted it is the first cgroup2 mount of `cgroupMounts`. */
  cgroupRoot?: string | null;
  /** The cgroup mounts to read through; when omitted, those of `<root>/self/mountinfo` when the root is a procfs. */
  cgroupMounts?: readonly CgroupMount[];
  /**
   * Keep up to this many per-task files open across samples (a dashboard sampling every
   * second); 0, the default, opens and closes every file. Call `sweep()` after each sample.
   */
  keepOpen?: number;
  /** Keep up to this many fds of `readTaskFile` open across samples (a machine feed); default 0. */
  keepTaskFiles?: number;
}

export function createProcFs(options: LiveProcFsOptions = {}): ProcFs {
  const root = options.root ?? '/proc';
  const mounts = options.cgroupMounts ?? visibleCgroupMounts(root);
  const cgroupRoot = options.cgroupRoot !== undefined ? options.cgroupRoot : (mounts.find((m) => m.fstype === 'cgroup2')?.mountPoint ?? null);
  const v1 = cgroupV1MountsByController(mounts);
  const flags = READ_FLAGS;

  /** Every method refuses an absolute path or a `..` before it touches the file system. */
  // The full path is built only when needed: a kept-open file is re-read without it.
  const under = <T>(base: string, path: string, op: (full: () => string) => T): ReadResult<T> => {
    const bad = checkRelative(path);
    if (bad) return fail({ kind: 'io', path, message: bad });
    try {
      return ok(op(() => join(base, path)));
    } catch (err) {
      return fail(errorFromException(err, path));
    }
  };
  const readUnder = (base: string, path: string, maxBytes: number) => under(base, path, (full) => readBounded(full(), flags, maxBytes, true));
  const kept = options.keepOpen ? new KeptFiles(options.keepOpen) : null;
  const tasks = new TaskFiles(root, options.keepTaskFiles ?? 0, (fd, fromStart) => readFdBounded(fd, DEFAULT_MAX_BYTES, fromStart, true));
  const noCgroup = (path: string) => fail<never>({ kind: 'unsupported', path: `cgroup:${path}`, message: 'no cgroup v2 hierarchy is mounted' });

  return {
    mode: 'live',
    root,
    cgroupRoot,
    readTaskFile: (pid, tid, file) => tasks.read(pid, tid, file),
    retainTasks: (live) => tasks.retain(live),
    readTextPrefix: (path, maxBytes) => under(root, path, (full) => readPrefix(full(), flags, maxBytes)),
    listCgroups: (path) => (cgroupRoot === null ? noCgroup(path) : under(cgroupRoot, path, (full) => subdirectories(full()))),
    close: () => {
      tasks.close();
      kept?.closeAll();
    },
    readText: kept
      ? (path, maxBytes = DEFAULT_MAX_BYTES) => under(root, path, (full) => kept.read(full, path, flags, maxBytes))
      : (path, maxBytes = DEFAULT_MAX_BYTES) => readUnder(root, path, maxBytes),
    ...(kept ? { sweep: () => kept.sweep() } : {}),
    readLink: (path) => under(root, path, (full) => readlinkSync(full())),
    listDir: (path) => under(root, path, (full) => readdirSync(full())),
    readCgroupText(path, maxBytes = DEFAULT_MAX_BYTES) {
      if (cgroupRoot === null) return noCgroup(path);
      const result = kept ? under(cgroupRoot, path, (full) => kept.read(full, `cgroup:${path}`, flags, maxBytes)) : readUnder(cgroupRoot, path, maxBytes);
      return result.ok ? result : fail({ ...result.error, path: `cgroup:${path}`, kind: result.error.kind === 'vanished' ? 'unsupported' : result.error.kind });
    },
    cgroupV1Roots: Object.fromEntries(CGROUP_V1_CONTROLLERS.flatMap((c) => (v1[c]?.[0] ? [[c, v1[c][0].mountPoint]] : []))),
    readCgroupV1Text(controller, path, maxBytes = DEFAULT_MAX_BYTES) {
      const label = `cgroup-v1:${controller}/${path}`;
      const hierarchy = v1[controller];
      if (!hierarchy) return fail({ kind: 'unsupported', path: label, message: `no cgroup v1 hierarchy with the ${controller} controller is mounted` });
      const bad = checkRelative(path);
      if (bad) return fail({ kind: 'io', path: label, message: bad });
      const place = placeUnderV1Mount(hierarchy, path);
      if (!place) return fail({ kind: 'unsupported', path: label, message: `the cgroup lies outside the part of the ${controller} hierarchy mounted here` });
      const result = kept ? under(place.mountPoint, place.relative, (full) => kept.read(full, label, flags, maxBytes)) : readUnder(place.mountPoint, place.relative, maxBytes);
      return result.ok ? result : fail({ ...result.error, path: label, kind: result.error.kind === 'vanished' ? 'unsupported' : result.error.kind });
    },
  };
}

/** The cgroup2 mount point from mountinfo (field 5 is the mount point, fstype follows ` - `). */
export function findCgroup2Mount(procRoot: string): string | null {
  try {
    const text = readBounded(join(procRoot, 'self', 'mountinfo'), READ_FLAGS, DEFAULT_MAX_BYTES, false);
    for (const line of text.split('\n')) {
      const dash = line.indexOf(' - ');
      if (dash < 0) continue;
      const fstype = line.slice(dash + 3).split(' ', 1)[0];
      if (fstype === 'cgroup2') {
        const mountPoint = line.slice(0, dash).split(' ')[4];
        // show_mountinfo escapes space, tab, newline and backslash as \ooo octal.
        if (mountPoint) return mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
      }
    }
  } catch {
    // no mountinfo: treat as no cgroup v2
  }
  return null;
}

/** A file a capture could not read, recorded so that replay re-raises the same error. */
export interface RecordedError {
  readonly kind: ReadErrorKind;
  readonly errno?: string;
  readonly message: string;
}

export interface FixtureProcFsOptions {
  /** A sample directory holding `proc/` and optionally `cgroup/` and `cgroup-v1/`. */
  sampleDir: string;
  /** Keys are `proc/<path>`, `cgroup/<path>` or `cgroup-v1/<controller>/<path>`. */
  recordedErrors?: Readonly<Record<string, RecordedError>>;
}

/**
 * A ProcFs over a capture. It never follows a symlink out of the sample directory and never
 * looks at anything outside it: every path is checked lexically, its directories are walked
 * one component at a time with lstat (links inside the capture resolved by hand, links out
 * refused where they are met: `CaptureWalker`), the file itself is lstat'ed and refused unless
 * it is a regular file (a FIFO or a device node is never opened), and opened with O_NOFOLLOW
 * and O_NONBLOCK.
 */
/** The parts of a capture sample: `proc/`, `cgroup/` (v2) and `cgroup-v1/<controller>/`. */
type Area = 'proc' | 'cgroup' | 'cgroup-v1';

/** How a path names itself in errors: `1234/stat`, `cgroup:a/cpu.pressure`, `cgroup-v1:memory/a/memory.stat`. */
function labelOf(area: Area, path: string): string {
  return area === 'proc' ? path : `${area}:${path}`;
}

export function createFixtureProcFs(options: FixtureProcFsOptions): ProcFs {
  const sampleDir = resolvePath(options.sampleDir);
  const procRoot = join(sampleDir, 'proc');
  const cgroupDir = join(sampleDir, 'cgroup');
  const hasCgroup = safeIsDir(cgroupDir);
  const v1Dir = join(sampleDir, 'cgroup-v1');
  const v1Roots = Object.fromEntries(CGROUP_V1_CONTROLLERS.flatMap((c) => (safeIsDir(join(v1Dir, c)) ? [[c, join(v1Dir, c)]] : [])));
  const recorded = options.recordedErrors ?? {};
  const walker = new CaptureWalker(sampleDir);

  /** The file's directory walked inside the capture, then the file (or directory) itself lstat'ed, never followed. */
  const resolve = (area: Area, path: string): { full: string; st: Stats } | { error: ReadError } => {
    const label = labelOf(area, path);
    const bad = checkRelative(path);
    if (bad) return { error: { kind: 'io', path: label, message: bad } };
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const name = parts.pop();
    const dir = walker.dir([area, ...parts]);
    if (!dir.ok) {
      return { error: dir.why === 'outside' ? { kind: 'io', path: label, message: 'the capture links outside itself; refusing to follow' } : missingError(area, label, dir.error) };
    }
    const full = name === undefined ? dir.dir : join(dir.dir, name);
    try {
      return { full, st: lstatSync(full) };
    } catch (err) {
      return { error: missingError(area, label, err) };
    }
  };

  const missingError = (area: Area, label: string, err: unknown): ReadError => {
    const code = errnoOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return { kind: 'io', path: label, errno: code, message: 'missing from the capture (the fixture is partial)' };
    }
    return errorFromException(err, label, area !== 'proc' ? 'io' : undefined);
  };

  const recordedFor = (key: string, label: string): ReadError | null => {
    // A recorded error on a directory (a thread that vanished) covers everything under it.
    let probe = key;
    for (;;) {
      const hit = recorded[probe];
      if (hit) return { kind: hit.kind, path: label, errno: hit.errno, message: hit.message };
      const slash = probe.lastIndexOf('/');
      if (slash <= 0) return null;
      probe = probe.slice(0, slash);
    }
  };

  /** A recorded error, else `op` on the path resolved below the area; a throw means missing or unreadable. */
  const inArea = <T>(area: Area, path: string, op: (full: string, st: Stats, label: string) => ReadResult<T>): ReadResult<T> => {
    const label = labelOf(area, path);
    const rec = recordedFor(`${area}/${path}`, label);
    if (rec) return fail(rec);
    if (area === 'cgroup' && !hasCgroup) {
      return fail({ kind: 'unsupported', path: label, message: 'the capture holds no cgroup v2 files' });
    }
    const where = resolve(area, path);
    if ('error' in where) return fail(where.error);
    try {
      return op(where.full, where.st, label);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ELOOP') return fail({ kind: 'io', path: label, errno: code, message: 'is a symlink in the capture; refusing to follow' });
      if (code === 'EFBIG' || code === 'EINVAL') return fail({ kind: 'malformed', path: label, errno: code, message: (err as Error).message });
      return fail(missingError(area, label, err));
    }
  };

  const readArea = (area: Area, path: string, maxBytes: number): ReadResult<string> =>
    inArea(area, path, (full, st) => {
      if (st.isSymbolicLink()) throw Object.assign(new Error('a symlink'), { code: 'ELOOP' });
      // Refused before it is opened: opening a device may do something, a FIFO may wait.
      const what = notRegular(st);
      if (what !== null) throw notRegularError(what);
      return ok(readBounded(full, READ_FLAGS, maxBytes, false));
    });

  return {
    mode: 'fixture',
    root: procRoot,
    cgroupRoot: hasCgroup ? cgroupDir : null,
    readText: (path, maxBytes = DEFAULT_MAX_BYTES) => readArea('proc', path, maxBytes),
    readCgroupText: (path, maxBytes = DEFAULT_MAX_BYTES) => readArea('cgroup', path, maxBytes),
    cgroupV1Roots: v1Roots,
    readCgroupV1Text(controller, path, maxBytes = DEFAULT_MAX_BYTES) {
      const full = `${controller}/${path}`;
      const rec = recordedFor(`cgroup-v1/${full}`, labelOf('cgroup-v1', full));
      if (rec) return fail(rec);
      // The controller name becomes a directory name: only the known ones, never a path.
      if (!isCgroupV1Controller(controller) || !(controller in v1Roots)) {
        return fail({ kind: 'unsupported', path: labelOf('cgroup-v1', full), message: `the capture holds no cgroup v1 ${controller} files (not mounted where it was taken)` });
      }
      return readArea('cgroup-v1', full, maxBytes);
    },
    readLink: (path) =>
      inArea('proc', path, (full, st) => {
        if (!st.isSymbolicLink()) return fail({ kind: 'malformed', path, message: 'expected a symlink in the capture' });
        return ok(readlinkSync(full));
      }),
    listCgroups: (path) => {
      const label = `cgroup:${path}`;
      const rec = recordedFor(`cgroup/${path}`, label);
      if (rec) return fail(rec);
      if (!hasCgroup) return fail({ kind: 'unsupported', path: label, message: 'the capture holds no cgroup v2 files' });
      const where = resolve('cgroup', path);
      if ('error' in where) return fail(where.error);
      if (where.st.isSymbolicLink()) return fail({ kind: 'io', path: label, message: 'is a symlink in the capture; refusing to follow' });
      try {
        return ok(subdirectories(where.full));
      } catch (err) {
        return fail(missingError('cgroup', label, err));
      }
    },
    listDir: (path) =>
      inArea('proc', path, (full, st) => {
        if (st.isSymbolicLink()) return fail({ kind: 'io', path, message: 'is a symlink in the capture; refusing to follow' });
        return ok(readdirSync(full));
      }),
  };
}

/** Names of the directories (never links) in a directory, sorted. */
function subdirectories(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

function safeIsDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
