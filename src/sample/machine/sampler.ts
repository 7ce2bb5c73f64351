import { readdirSync } from 'node:fs';
import { isKernelThreadFlags, parseStatHead } from '../../parsers/stat.js';
import { ParseError } from '../../procfs/errors.js';
import { createProcFs, type ProcFs } from '../../procfs/procfs.js';
import { readCgroupPressure, readSystemPressure } from '../../readers/pressure.js';
import { readArch } from '../../readers/host.js';
import { parseKernelRelease } from '../../kernel/version.js';
import type { Arch } from '../../kernel/arch.js';
import { needsSyscall, needsWchan, WaitCache, type ThreadTexts } from './classify-cached.js';
import { FastProcSource, keepOpenBudget, openFilesLimit, ProcFsSource, type MachineSource } from './source.js';
import type { CgroupPressure, MachineSample, MachineSampler, MachineSamplerOptions, MachineThread, MachineWait } from './types.js';

export interface Task {
  readonly pid: number;
  readonly tids: number[];
}

/** What `finish` needs besides the sampler's own state. */
export interface SampleParts {
  readonly t0: number;
  readonly cpu0: NodeJS.CpuUsage;
  readonly times: { tMonoMs: number; tWallMs: number };
  readonly threads: MachineThread[];
  readonly processes: number;
  readonly vanished: number;
  readonly stacksRead: number;
  readonly filesRead: number;
  readonly listRefreshed: boolean;
  /** Threads that shared the reading (only `top --once` shares it); default 1. */
  readonly readers?: number;
}

export interface SamplerCoreOptions extends MachineSamplerOptions {
  readonly arch?: Arch;
  /** Clock overrides, for replay: the capture's times instead of now. */
  readonly clock?: () => { tMonoMs: number; tWallMs: number };
}

/**
 * One full-machine sample: list /proc (only when the listing is older than `listEveryMs`),
 * then per thread read stat (state, comm, flags), wchan (unless the state letter decides),
 * syscall (S and D user threads only) and stack (only where it changes the answer: D state
 * or a wait channel that does not decide), and classify with `classifyThread` through a
 * cache keyed on exactly its inputs. A thread or process that vanishes mid-sample is skipped.
 */
export class MachineSamplerCore implements MachineSampler {
  private tasks: Task[] = [];
  private listedAtMs = -Infinity;
  private cgroupAtMs = -Infinity;
  /**
   * Processes whose stack was refused: not asked again until they leave the listing. Per
   * process for root, who is refused only some (pid 1 in a container); anyone else is refused
   * every stack (it needs CAP_SYS_ADMIN), so one refusal stands for the whole machine.
   */
  private readonly stackDenied = new Set<number>();
  private stackDeniedEverywhere = false;
  private readonly cache: WaitCache;

  constructor(
    private readonly source: MachineSource,
    private readonly procFs: ProcFs,
    private readonly options: SamplerCoreOptions = {},
  ) {
    const release = procFs.readText('sys/kernel/osrelease');
    this.cache = new WaitCache(options.arch ?? readArch(procFs), release.ok ? parseKernelRelease(release.value) : null);
  }

  sample(): MachineSample {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const times = this.options.clock?.() ?? { tMonoMs: t0, tWallMs: Date.now() };
    const listRefreshed = t0 - this.listedAtMs >= (this.options.listEveryMs ?? 0);
    if (listRefreshed) this.relist(t0);
    const opens0 = this.source.opens;

    const threads: MachineThread[] = [];
    const tally = { vanished: 0, stacksRead: 0 };
    const survivors: Task[] = [];
    for (const task of this.tasks) {
      const survivor = this.sampleTask(task, threads, tally);
      if (survivor !== null) survivors.push(survivor);
    }
    // Between listings, threads that vanished are not read again.
    this.tasks = survivors;
    return this.finish({ t0, cpu0, times, threads, processes: survivors.length, vanished: tally.vanished, stacksRead: tally.stacksRead, filesRead: this.source.opens - opens0, listRefreshed });
  }

  /** Lists processes and threads now, for a caller that shares the tasks out (sampleMachineOnce). */
  listTasks(): readonly Task[] {
    this.relist(performance.now());
    return this.tasks;
  }

  /**
   * Reads and classifies every thread of one task, appending them to `out`; returns the task
   * with only the threads still alive, or null when none is.
   */
  sampleTask(task: Task, out: MachineThread[], tally: { vanished: number; stacksRead: number }): Task | null {
    let leaderComm: string | null = null;
    const liveTids: number[] = [];
    const texts: ThreadTexts[] = [];
    const waits: MachineWait[] = [];
    for (const tid of task.tids) {
      const thread = this.readThread(task.pid, tid);
      if (thread === null) {
        tally.vanished++;
        continue;
      }
      let cached = this.cache.classify(thread);
      if (cached.needsStack && !this.stackDeniedEverywhere && !this.stackDenied.has(task.pid)) {
        const stack = this.source.read(task.pid, tid, 'stack');
        tally.stacksRead++;
        if (typeof stack !== 'string' && stack.kind === 'denied') {
          if (process.geteuid?.() === 0) this.stackDenied.add(task.pid);
          else this.stackDeniedEverywhere = true;
        }
        cached = this.cache.classify({ ...thread, stack });
      }
      if (tid === task.pid) leaderComm = thread.comm;
      liveTids.push(tid);
      texts.push(thread);
      waits.push(cached.wait);
    }
    if (liveTids.length === 0) return null;
    const processComm = leaderComm ?? texts[0]!.comm;
    for (let i = 0; i < liveTids.length; i++) {
      const thread = texts[i]!;
      out.push({ pid: task.pid, tid: liveTids[i]!, comm: thread.comm, processComm, state: thread.state, isKernelThread: thread.isKernelThread, wait: waits[i]! });
    }
    return liveTids.length === task.tids.length ? task : { pid: task.pid, tids: liveTids };
  }

  /** The sample around threads read by sample() or by several readers sharing one listing. */
  finish(parts: SampleParts): MachineSample {
    const cgroupPressure = this.maybeCgroupPressure(parts.t0);
    const pressure = readSystemPressure(this.procFs);
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
      },
      ...(excluded.length > 0 ? { excludedPids: excluded } : {}),
    };
  }

  close(): void {
    this.source.close();
  }

  /** Files opened by this sampler's source so far. */
  get opens(): number {
    return this.source.opens;
  }

  private relist(now: number): void {
    const filter = this.options.pids ? new Set(this.options.pids) : null;
    const excluded = new Set(this.options.excludePids);
    const tasks: Task[] = [];
    const live = new Set<number>();
    for (const pid of this.source.listPids()) {
      if ((filter && !filter.has(pid)) || excluded.has(pid)) continue;
      const tids = this.source.listTids(pid);
      if (tids === null || tids.length === 0) continue;
      tasks.push({ pid, tids });
      for (const tid of tids) live.add(tid);
    }
    this.source.retain(live);
    for (const pid of this.stackDenied) if (!live.has(pid)) this.stackDenied.delete(pid);
    this.tasks = tasks;
    this.listedAtMs = now;
  }

  /** null when the thread is gone (or its stat is unreadable: without a state there is nothing to say). */
  private readThread(pid: number, tid: number): ThreadTexts | null {
    const stat = this.source.read(pid, tid, 'stat');
    if (typeof stat !== 'string') return null;
    let head;
    try {
      head = parseStatHead(stat);
    } catch (err) {
      if (err instanceof ParseError) return null;
      throw err;
    }
    const isKernelThread = isKernelThreadFlags(head.flags);
    const wchan = needsWchan(head.state) ? this.source.read(pid, tid, 'wchan') : null;
    if (wchan !== null && typeof wchan !== 'string' && wchan.kind === 'vanished') return null;
    const texts = { state: head.state, comm: head.comm, isKernelThread, wchan, syscall: null, stack: null } as const satisfies ThreadTexts;
    const readSyscall = this.options.readSyscall === 'always' ? needsSyscall(head.state, isKernelThread) : this.cache.syscallMatters(texts);
    if (!readSyscall) return texts;
    const syscall = this.source.read(pid, tid, 'syscall');
    if (typeof syscall !== 'string' && syscall.kind === 'vanished') return null;
    return { ...texts, syscall };
  }

  private maybeCgroupPressure(now: number): readonly CgroupPressure[] | null {
    const every = this.options.cgroupPressureEveryMs ?? 1000;
    if (!Number.isFinite(every) || now - this.cgroupAtMs < every) return null;
    this.cgroupAtMs = now;
    return readTopLevelCgroupPressure(this.procFs);
  }
}

/** PSI of the cgroup v2 root's direct children (system.slice, user.slice, …); null without cgroup v2. */
export function readTopLevelCgroupPressure(fs: ProcFs): readonly CgroupPressure[] | null {
  if (fs.cgroupRoot === null) return null;
  let names: string[];
  try {
    names = readdirSync(fs.cgroupRoot, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return null;
  }
  return names.map((path) => ({ path, pressure: readCgroupPressure(fs, path) }));
}

/** The live sampler: the fast reader, fds kept open within RLIMIT_NOFILE when asked. */
export function createMachineSampler(options: MachineSamplerOptions = {}): MachineSamplerCore {
  const root = options.procRoot ?? '/proc';
  const keep = Math.min(options.keepOpenFds ?? 0, keepOpenBudget(openFilesLimit(root)));
  return new MachineSamplerCore(new FastProcSource(root, keep), createProcFs({ root }), options);
}

/** A sampler over any ProcFs (a recording wrapper, a capture). */
export function createProcFsMachineSampler(fs: ProcFs, options: SamplerCoreOptions = {}): MachineSamplerCore {
  return new MachineSamplerCore(new ProcFsSource(fs), fs, options);
}
