import { ownPids } from '../procfs/names.js';
import type { ProcFs } from '../procfs/procfs.js';
import { MachineLooks, machineUse, readAllCounters, type CountersSnapshot, type MachineUse } from '../sample/culprits.js';
import { createMachineSampler, type MachineSamplerCore } from '../sample/machine/sampler.js';
import { keepOpenBudget, openFilesLimit } from '../readers/open-files.js';
import { createProcFs } from '../procfs/procfs.js';

/** How often, and how dearly, the whole machine is looked at while one process is measured. */
export interface MachineWatchRate {
  /** Never more often than this (default 250 ms). */
  readonly minIntervalMs: number;
  /** Share of one core the machine-wide looks may use (default 0.15). */
  readonly duty: number;
}

const DEFAULT_RATE: MachineWatchRate = { minIntervalMs: 250, duty: 0.15 };

/**
 * What every other process does while one is triaged, so a contended resource's culprits can be
 * named: every process's counters (CPU, faults, RSS, io bytes) at the interval's ends, and
 * machine-wide looks in between (the machine sampler, the same one `top` uses) for the time each
 * spends in D on disk and in reclaim. proctriage's own process is left out.
 */
export class MachineWatch {
  private counters: CountersSnapshot | null = null;
  private looks = new MachineLooks();
  private sampler: MachineSamplerCore | null = null;
  private nextLookAt = 0;
  private readonly exclude: ReadonlySet<number>;

  constructor(
    private readonly fs: ProcFs,
    private readonly clockTicksPerSecond: number,
    private readonly pageKb: number,
    private readonly rate: MachineWatchRate = DEFAULT_RATE,
  ) {
    this.exclude = new Set(ownPids(fs.root));
  }

  /** Counters now; returns the use since the last call (null the first time). */
  mark(tMonoMs: number): MachineUse | null {
    const now = readAllCounters(this.fs, tMonoMs, this.exclude);
    const use = this.counters ? machineUse(this.counters, now, this.looks, this.clockTicksPerSecond, this.pageKb) : null;
    this.counters = now;
    this.looks = new MachineLooks();
    return use;
  }

  /** A machine-wide look if one is due: as often as `minIntervalMs`, never more than `duty` of the time. */
  maybeLook(tMonoMs: number): void {
    if (this.counters === null || tMonoMs < this.nextLookAt) return;
    this.sampler ??= createMachineSampler({ procRoot: this.fs.root, // A quarter of the open-files budget: the process's own looks keep theirs open too (cli/triage.ts).
      keepOpenFds: Math.floor(keepOpenBudget(openFilesLimit(createProcFs({ root: '/proc', cgroupRoot: null }))) / 4), listEveryMs: 1000, cgroupPressureEveryMs: Infinity, excludePids: [...this.exclude] });
    const sample = this.sampler.sample();
    this.looks.add(sample);
    this.nextLookAt = tMonoMs + Math.max(this.rate.minIntervalMs, sample.stats.cpuMs / this.rate.duty);
  }

  close(): void {
    this.sampler?.close();
    this.sampler = null;
  }
}
