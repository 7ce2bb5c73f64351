import { isKernelThreadFlags, parseStat, parseStatHead } from '../../parsers/stat.js';
import { numericNames } from '../../procfs/names.js';
import { ParseError } from '../../procfs/errors.js';
import { createProcFs, listCgroups, readTaskFile, type ProcFs, type TaskFile, type TextOrError } from '../../procfs/procfs.js';
import { readCgroupPressure, readSystemPressure } from '../../readers/pressure.js';
import { readArch } from '../../readers/host.js';
import { parseKernelRelease } from '../../kernel/version.js';
import { keepOpenBudget, openFilesLimit } from '../../readers/open-files.js';
import type { Arch } from '../../kernel/arch.js';
import { needsSyscall, needsWchan, WaitCache, type CachedWait, type ThreadTexts } from './classify-cached.js';
import { futexLockWord } from './lock-word.js';
import type { CgroupPressure, MachineSample, MachineSampler, MachineSamplerOptions, MachineThread } from './types.js';

export interface Task {
  readonly pid: number;
  readonly tids: number[];
  /** A single-threaded process's `<pid>/stat`, read while listing: it is its one thread's stat. */
  readonly leaderStat?: string;
}

/** What reading one task gave: its threads, and the task with only the threads still alive (null: none is). */
export interface TaskRead {
  readonly threads: readonly MachineThread[];
  readonly alive: Task | null;
  readonly vanished: number;
  readonly stacksRead: number;
  readonly filesRead: number;
  readonly unchanged: number;
}

/** What `finish` needs besides the sampler's own state. */
export interface SampleParts {
  readonly t0: number;
  readonly cpu0: NodeJS.CpuUsage;
  readonly times: { tMonoMs: number; tWallMs: number };
  readonly threads: readonly MachineThread[];
  readonly processes: number;
  readonly vanished: number;
  readonly stacksRead: number;
  readonly filesRead: number;
  readonly unchanged: number;
  readonly listRefreshed: boolean;
  /** Threads that shared the reading (only `top --once` shares it); default 1. */
  readonly readers?: number;
}

export interface SamplerCoreOptions extends MachineSamplerOptions {
  readonly arch?: Arch;
  /** Clock overrides, for replay: the capture's times instead of now. */
  readonly clock?: () => { tMonoMs: number; tWallMs: number };
}

export interface ListingOptions {
  /**
   * Read each process's `<pid>/stat` while listing, and list `task/` only where it shows more
   * than one thread: a single-threaded process's stat is its thread's, so a one-shot sample of a
   * machine of mostly single-threaded processes reads one file less, and lists one directory less,
   * for each of them.
   */
  readonly leaderStat?: boolean;
}

/** What an incremental sample remembers of a thread between samples. */
interface Memo {
  readonly schedstat: string;
  readonly thread: MachineThread;
  /** When its files were last read in full (a thread that has not run is re-read now and then: its name may be set from outside). */
  readonly readAtMs: number;
}

/**
 * Threads that have not run are still read in full about this often: another thread may rename
 * one (`/proc/TID/comm`) without it running. Spread over tids, so that they do not come due
 * together; rare enough to cost little (at 10,000 threads, a few dozen full reads a second).
 */
const REFRESH_MS = 300_000;
const refreshDue = (tid: number, memo: Memo, now: number) => now - memo.readAtMs >= REFRESH_MS * (1 + (tid % 16) / 16);

const ZERO_TALLY = { vanished: 0, stacksRead: 0, filesRead: 0, unchanged: 0 };

/**
 * One full-machine sample: list /proc (when the listing is older than `listEveryMs`, and with
 * `relistOnForks` only when a task was created since), then per thread read stat (state, comm,
 * flags), wchan (unless the state letter decides), syscall (only where the state and wait
 * channel leave the wait open) and stack (only where it changes the answer: D state or a wait
 * channel that does not decide), and classify with `classifyThread` through a cache keyed on
 * exactly its inputs. A thread or process that vanishes mid-sample is skipped.
 *
 * Incremental (`incremental`): `schedstat` is read first; a thread whose `schedstat` is what it
 * was at the last sample has not run since (its run time, runqueue wait and timeslice count
 * change only when it is scheduled), and a thread that has not run cannot have changed its
 * state, wait channel, syscall or stack: its last reading stands and nothing else is read. One
 * small read instead of two or three for every idle thread. The one thing it can miss: a thread
 * woken but not yet given a CPU still shows its old wait until it has run (a runqueue delay).
 *
 * Every read goes through the ProcFs (the live one keeps task fds open: `readTaskFile`), and
 * `sample(through)` reads through a wrapper of it for one sample (a recorder).
 */
export class MachineSamplerCore implements MachineSampler {
  private tasks: Task[] = [];
  private listedAtMs = -Infinity;
  private forksAtListing: string | null = null;
  private cgroupAtMs = -Infinity;
  /**
   * Processes whose stack was refused: not asked again until they leave the listing. Per
   * process for root, who is refused only some (pid 1 in a container); anyone else is refused
   * every stack (it needs CAP_SYS_ADMIN), so one refusal stands for the whole machine.
   */
  private readonly stackDenied = new Set<number>();
  private stackDeniedEverywhere = false;
  private readonly cache: WaitCache;
  private readonly memos = new Map<number, Memo>();
  /**
   * Incremental: processes with a thread that ran since the last listing. Only a thread that runs
   * can create a thread (clone), so the next listing lists the tasks of these processes again,
   * and of new ones; the others keep their tids.
   */
  private readonly ranSinceListing = new Set<number>();
  private readonly arch: Arch;

  /** `ownsFs`: the sampler made its ProcFs (and closes it); a ProcFs handed in is its owner's to close. */
  constructor(
    private readonly fs: ProcFs,
    private readonly options: SamplerCoreOptions = {},
    private readonly ownsFs = false,
  ) {
    this.arch = options.arch ?? readArch(fs);
    const release = fs.readText('sys/kernel/osrelease');
    this.cache = new WaitCache(this.arch, release.ok ? parseKernelRelease(release.value) : null);
  }

  sample(through: ProcFs = this.fs): MachineSample {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const times = this.options.clock?.() ?? { tMonoMs: t0, tWallMs: Date.now() };
    const listRefreshed = this.listingDue(t0, through);
    if (listRefreshed) this.relist(t0, through);

    const threads: MachineThread[] = [];
    const tally = { ...ZERO_TALLY };
    const alive: Task[] = [];
    for (const task of this.tasks) {
      const read = this.readTask(task, through, times.tMonoMs);
      for (const t of read.threads) threads.push(t);
      tally.vanished += read.vanished;
      tally.stacksRead += read.stacksRead;
      tally.filesRead += read.filesRead;
      tally.unchanged += read.unchanged;
      if (read.alive !== null) alive.push(read.alive);
    }
    // Between listings, threads that vanished are not read again.
    this.tasks = alive;
    return this.finish({ t0, cpu0, times, threads, processes: alive.length, listRefreshed, ...tally }, through);
  }

  /** Lists processes and threads now, for a caller that shares the tasks out (sampleMachineOnce). */
  listTasks(through: ProcFs = this.fs, listing: ListingOptions = {}): readonly Task[] {
    this.relist(performance.now(), through, listing);
    return this.tasks;
  }

  /** Reads and classifies every thread of one task. */
  readTask(task: Task, through: ProcFs = this.fs, tMonoMs = performance.now()): TaskRead {
    let leaderComm: string | null = null;
    const found: MachineThread[] = [];
    const tally = { ...ZERO_TALLY };
    // Built only once a thread has gone: most samples lose none.
    let liveTids: number[] | null = null;
    const unchangedBefore = tally.unchanged;
    for (let i = 0; i < task.tids.length; i++) {
      const tid = task.tids[i]!;
      const thread = this.readThread(task.pid, tid, through, tMonoMs, tally, tid === task.pid ? task.leaderStat : undefined);
      if (thread === null) {
        tally.vanished++;
        liveTids ??= task.tids.slice(0, i);
        continue;
      }
      if (tid === task.pid) leaderComm = thread.comm;
      liveTids?.push(tid);
      found.push(thread);
    }
    // Threads read again carry their own comm as their process's until the leader's is known;
    // a task read from its memo alone already holds them as they were.
    if (tally.unchanged - unchangedBefore < found.length) {
      const processComm = leaderComm ?? found[0]?.processComm ?? '';
      for (let i = 0; i < found.length; i++) {
        const t = found[i]!;
        if (t.processComm === processComm) continue;
        found[i] = { ...t, processComm };
        if (this.options.incremental) this.rememberComm(found[i]!);
      }
    }
    const alive = found.length === 0 ? null : liveTids === null ? task : { pid: task.pid, tids: liveTids };
    return { threads: found, alive, ...tally };
  }


  /** The sample around threads read by sample() or by several readers sharing one listing. */
  finish(parts: SampleParts, through: ProcFs = this.fs): MachineSample {
    const cgroupPressure = this.maybeCgroupPressure(parts.t0, through);
    const pressure = readSystemPressure(through);
    const wallMs = performance.now() - parts.t0;
    const cpu = process.cpuUsage(parts.cpu0);
    const excluded = this.options.excludePids ?? [];
    return {
      tMonoMs: parts.times.tMonoMs,
      tWallMs: parts.times.tWallMs,
      threads: parts.threads,
      pressure,
      cgroupPressure,
      stats: {
        processes: parts.processes,
        threads: parts.threads.length,
        vanished: parts.vanished,
        filesRead: parts.filesRead,
        stacksRead: parts.stacksRead,
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        listRefreshed: parts.listRefreshed,
        readers: parts.readers ?? 1,
        ...(this.options.incremental ? { unchanged: parts.unchanged } : {}),
      },
      ...(excluded.length > 0 ? { excludedPids: excluded } : {}),
    };
  }

  /** Closes what the sampler's own ProcFs keeps open. */
  close(): void {
    if (this.ownsFs) this.fs.close?.();
  }

  private listingDue(now: number, through: ProcFs): boolean {
    if (now - this.listedAtMs < (this.options.listEveryMs ?? 0)) return false;
    if (!this.options.relistOnForks || this.forksAtListing === null) return true;
    return forkCount(through) !== this.forksAtListing;
  }

  private relist(now: number, through: ProcFs, listing: ListingOptions = {}): void {
    if (this.options.relistOnForks) this.forksAtListing = forkCount(through);
    const filter = this.options.pids ? new Set(this.options.pids) : null;
    const excluded = new Set(this.options.excludePids);
    const tasks: Task[] = [];
    const live = new Set<number>();
    const known = this.options.incremental ? new Map(this.tasks.map((t) => [t.pid, t])) : null;
    const pids = through.listDir('');
    for (const pid of pids.ok ? numericNames(pids.value) : []) {
      if ((filter && !filter.has(pid)) || excluded.has(pid)) continue;
      const idle = this.ranSinceListing.has(pid) ? undefined : known?.get(pid);
      let tids = idle?.tids;
      const leaderStat = listing.leaderStat ? singleThreadStat(through, pid) : null;
      if (leaderStat !== null) tids = [pid];
      if (tids === undefined) {
        const names = through.listDir(`${pid}/task`);
        tids = names.ok ? numericNames(names.value) : [];
      }
      if (tids.length === 0) continue;
      tasks.push(leaderStat !== null ? { pid, tids, leaderStat } : { pid, tids });
      for (const tid of tids) live.add(tid);
    }
    this.ranSinceListing.clear();
    through.retainTasks?.(live);
    for (const pid of this.stackDenied) if (!live.has(pid)) this.stackDenied.delete(pid);
    for (const tid of this.memos.keys()) if (!live.has(tid)) this.memos.delete(tid);
    this.tasks = tasks;
    this.listedAtMs = now;
  }

  /**
   * null when the thread is gone (or its stat is unreadable: without a state there is nothing to
   * say). Incremental: the thread's last reading when its schedstat says it has not run.
   */
  private readThread(pid: number, tid: number, fs: ProcFs, now: number, tally: typeof ZERO_TALLY, leaderStat?: string): MachineThread | null {
    let schedstat: string | null = null;
    if (this.options.incremental) {
      tally.filesRead++;
      const text = readTaskFile(fs, pid, tid, 'schedstat');
      if (typeof text === 'string') {
        const memo = this.memos.get(tid);
        // (A tid reused by another thread has another schedstat: its run time starts again.)
        if (memo !== undefined && memo.schedstat === text && !refreshDue(tid, memo, now)) {
          tally.unchanged++;
          return memo.thread;
        }
        schedstat = text;
      } else {
        this.memos.delete(tid);
        if (text.kind === 'vanished') return null;
        // No schedstat (CONFIG_SCHED_INFO off, or refused): read in full every time.
      }
    }
    return this.readInFull(pid, tid, fs, now, tally, schedstat, leaderStat);
  }

  private readInFull(pid: number, tid: number, fs: ProcFs, now: number, tally: typeof ZERO_TALLY, schedstat: string | null, leaderStat?: string): MachineThread | null {
    const read = (file: TaskFile): TextOrError => {
      if (file === 'stat' && leaderStat !== undefined) return leaderStat;
      tally.filesRead++;
      return readTaskFile(fs, pid, tid, file);
    };
    const texts = this.readTexts(read);
    if (texts === null) {
      this.memos.delete(tid);
      return null;
    }
    if (this.options.incremental) this.ranSinceListing.add(pid);
    const wait = this.classify(pid, texts, read, tally);
    const lockWord = this.options.lockWords && wait.wait.kind === 'futex' ? this.lockWordOf(texts, read) : null;
    const thread: MachineThread = {
      pid,
      tid,
      comm: texts.comm,
      processComm: texts.comm,
      state: texts.state,
      isKernelThread: texts.isKernelThread,
      wait: wait.wait,
      ...(this.options.incremental ? { stillSinceMs: now } : {}),
      ...(lockWord !== null ? { lockWord } : {}),
    };
    if (schedstat !== null) this.memos.set(tid, { schedstat, thread, readAtMs: now });
    return thread;
  }

  /** stat, then wchan and syscall where they matter; null when the thread is gone. */
  private readTexts(read: (file: TaskFile) => TextOrError): ThreadTexts | null {
    const stat = read('stat');
    if (typeof stat !== 'string') return null;
    let head;
    try {
      head = parseStatHead(stat);
    } catch (err) {
      if (err instanceof ParseError) return null;
      throw err;
    }
    const isKernelThread = isKernelThreadFlags(head.flags);
    const wchan = needsWchan(head.state) ? read('wchan') : null;
    if (wchan !== null && typeof wchan !== 'string' && wchan.kind === 'vanished') return null;
    const texts = { state: head.state, comm: head.comm, isKernelThread, wchan, syscall: null, stack: null } as const satisfies ThreadTexts;
    const readSyscall = this.options.readSyscall === 'always' ? needsSyscall(head.state, isKernelThread) : this.cache.syscallMatters(texts);
    if (!readSyscall) return texts;
    const syscall = read('syscall');
    if (typeof syscall !== 'string' && syscall.kind === 'vanished') return null;
    return { ...texts, syscall };
  }

  /** The cached classification, with the stack read where it decides (and is not refused). */
  private classify(pid: number, texts: ThreadTexts, read: (file: TaskFile) => TextOrError, tally: typeof ZERO_TALLY): CachedWait {
    const cached = this.cache.classify(texts);
    if (!cached.needsStack || this.stackDeniedEverywhere || this.stackDenied.has(pid)) return cached;
    const stack = read('stack');
    tally.stacksRead++;
    if (typeof stack !== 'string' && stack.kind === 'denied') {
      if (process.geteuid?.() === 0) this.stackDenied.add(pid);
      else this.stackDeniedEverywhere = true;
    }
    return this.cache.classify({ ...texts, stack });
  }

  private lockWordOf(texts: ThreadTexts, read: (file: TaskFile) => TextOrError): string | null {
    const syscall = texts.syscall ?? read('syscall');
    return typeof syscall === 'string' ? futexLockWord(syscall, this.arch) : null;
  }

  /** Keep the memo's thread as shown (its process's comm filled in), so an unchanged thread is reused as is. */
  private rememberComm(thread: MachineThread): void {
    const memo = this.memos.get(thread.tid);
    if (memo !== undefined && memo.thread !== thread && memo.thread.pid === thread.pid) this.memos.set(thread.tid, { ...memo, thread });
  }

  private maybeCgroupPressure(now: number, through: ProcFs): readonly CgroupPressure[] | null {
    const every = this.options.cgroupPressureEveryMs ?? 1000;
    if (!Number.isFinite(every) || now - this.cgroupAtMs < every) return null;
    this.cgroupAtMs = now;
    return readTopLevelCgroupPressure(through);
  }
}

/** `<pid>/stat` when it shows a single thread (then it is that thread's stat), else null. */
function singleThreadStat(fs: ProcFs, pid: number): string | null {
  const text = fs.readText(`${pid}/stat`);
  if (!text.ok) return null;
  try {
    return parseStat(text.value).numThreads === 1 ? text.value : null;
  } catch {
    return null;
  }
}

/** The `processes` line of /proc/stat: tasks created since boot, in every pid namespace; null when unreadable. */
function forkCount(fs: ProcFs): string | null {
  const stat = fs.readText('stat');
  if (!stat.ok) return null;
  const at = stat.value.indexOf('\nprocesses ');
  return at < 0 ? null : stat.value.slice(at + 11, stat.value.indexOf('\n', at + 11));
}

/** PSI of the cgroup v2 root's direct children (system.slice, user.slice, …); null without cgroup v2. */
export function readTopLevelCgroupPressure(fs: ProcFs): readonly CgroupPressure[] | null {
  if (fs.cgroupRoot === null) return null;
  const listing = listCgroups(fs, '');
  if (!listing.ok) return null;
  return listing.value.map((path) => ({ path, pressure: readCgroupPressure(fs, path) }));
}

export interface LiveSamplerOptions extends MachineSamplerOptions {
  /** A ProcFs to read through instead of the live one made here (tests, a capture). */
  readonly fs?: ProcFs;
  /** The cgroup v2 root of the live ProcFs (default: found in mountinfo for /proc). */
  readonly cgroupRoot?: string | null;
}

/**
 * The one recipe for a machine sampler: over the live proc root (task fds kept open within
 * RLIMIT_NOFILE when `keepOpenFds` asks for it), or over any ProcFs (a capture).
 */
export function createMachineSampler(options: LiveSamplerOptions & Pick<SamplerCoreOptions, 'arch' | 'clock'> = {}): MachineSamplerCore {
  if (options.fs) return new MachineSamplerCore(options.fs, options);
  const root = options.procRoot ?? '/proc';
  const keep = options.keepOpenFds ? Math.min(options.keepOpenFds, keepOpenBudget(openFilesLimit(createProcFs({ root })))) : 0;
  // PSI files are re-read every sample: kept open too.
  const fs = createProcFs({ root, keepTaskFiles: keep, keepOpen: keep > 0 ? 64 : 0, ...(options.cgroupRoot !== undefined ? { cgroupRoot: options.cgroupRoot } : {}) });
  return new MachineSamplerCore(fs, options, true);
}
