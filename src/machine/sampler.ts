import { readdirSync } from 'node:fs';
import { arch as osArch } from 'node:os';
import { isKernelThreadFlags, parseStatHead } from '../parsers/stat.js';
import { ParseError } from '../procfs/errors.js';
import { createProcFs, type ProcFs } from '../procfs/procfs.js';
import { readCgroupPressure, readSystemPressure } from '../readers/pressure.js';
import { archFromNode } from '../session/host.js';
import type { Arch } from '../diagnose/wait-kinds.js';
import { needsSyscall, needsWchan, WaitCache, type ThreadTexts } from './classify-cached.js';
import { FastProcSource, keepOpenBudget, openFilesLimit, ProcFsSource, type MachineSource } from './source.js';
import type { CgroupPressure, MachineSample, MachineSampler, MachineSamplerOptions, MachineThread } from './types.js';

interface Task {
  readonly pid: number;
  readonly tids: number[];
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
  private stackDenied = false;
  private readonly cache: WaitCache;

  constructor(
    private readonly source: MachineSource,
    private readonly procFs: ProcFs,
    private readonly options: SamplerCoreOptions = {},
  ) {
    this.cache = new WaitCache(options.arch ?? archFromNode(osArch()));
  }

  sample(): MachineSample {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const times = this.options.clock?.() ?? { tMonoMs: t0, tWallMs: Date.now() };
    const listRefreshed = t0 - this.listedAtMs >= (this.options.listEveryMs ?? 0);
    if (listRefreshed) this.relist(t0);
    const opens0 = this.source.opens;

    const threads: MachineThread[] = [];
    let vanished = 0;
    let stacksRead = 0;
    const survivors: Task[] = [];
    for (const task of this.tasks) {
      const start = threads.length;
      let leaderComm: string | null = null;
      const liveTids: number[] = [];
      for (const tid of task.tids) {
        const texts = this.readThread(task.pid, tid);
        if (texts === null) {
          vanished++;
          continue;
        }
        liveTids.push(tid);
        let cached = this.cache.classify(texts);
        if (cached.needsStack && !this.stackDenied) {
          const stack = this.source.read(task.pid, tid, 'stack');
          stacksRead++;
          if (typeof stack !== 'string' && stack.kind === 'denied') this.stackDenied = true;
          cached = this.cache.classify({ ...texts, stack });
        }
        if (tid === task.pid) leaderComm = texts.comm;
        threads.push({ pid: task.pid, tid, comm: texts.comm, processComm: '', state: texts.state, isKernelThread: texts.isKernelThread, wait: cached.wait });
      }
      if (liveTids.length === 0) continue;
      survivors.push(liveTids.length === task.tids.length ? task : { pid: task.pid, tids: liveTids });
      const processComm = leaderComm ?? threads[start]!.comm;
      for (let i = start; i < threads.length; i++) threads[i] = { ...threads[i]!, processComm };
    }
    // Between listings, threads that vanished are not read again.
    this.tasks = survivors;

    const cgroupPressure = this.maybeCgroupPressure(t0);
    const pressure = readSystemPressure(this.procFs);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const excluded = this.options.excludePids ?? [];
    return {
      tMonoMs: times.tMonoMs,
      tWallMs: times.tWallMs,
      threads,
      pressure,
      cgroupPressure,
      stats: {
        processes: survivors.length,
        threads: threads.length,
        vanished,
        filesRead: this.source.opens - opens0,
        stacksRead,
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        listRefreshed,
      },
      ...(excluded.length > 0 ? { excludedPids: excluded } : {}),
    };
  }

  close(): void {
    this.source.close();
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
    const readSyscall = this.options.readSyscall === 'always' ? needsSyscall(head.state, isKernelThread) : this.cache.syscallMatters({ state: head.state, comm: head.comm, isKernelThread, wchan });
    const syscall = readSyscall ? this.source.read(pid, tid, 'syscall') : null;
    if (syscall !== null && typeof syscall !== 'string' && syscall.kind === 'vanished') return null;
    return { state: head.state, comm: head.comm, isKernelThread, wchan, syscall, stack: null };
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
export function createMachineSampler(options: MachineSamplerOptions = {}): MachineSampler {
  const root = options.procRoot ?? '/proc';
  const keep = Math.min(options.keepOpenFds ?? 0, keepOpenBudget(openFilesLimit(root)));
  return new MachineSamplerCore(new FastProcSource(root, keep), createProcFs({ root }), options);
}

/** A sampler over any ProcFs (a recording wrapper, a capture). */
export function createProcFsMachineSampler(fs: ProcFs, options: SamplerCoreOptions = {}): MachineSamplerCore {
  return new MachineSamplerCore(new ProcFsSource(fs), fs, options);
}
