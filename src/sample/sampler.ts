import type { ProcFs } from '../procfs/procfs.js';
import type { ReadError } from '../procfs/errors.js';
import { cgroupV2Path } from '../parsers/cgroup.js';
import { readCgroupPressure, readSystemPressure } from '../readers/pressure.js';
import { readProcess, readUptimeSeconds, type ProcessReadOptions } from '../readers/process.js';
import { readFollow, type FollowReadOptions } from '../readers/follow.js';
import { readAccess } from '../readers/access.js';
import type { Sample } from './types.js';

export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

export interface SampleOptions extends ProcessReadOptions {
  /** Follow the waits (socket tables, peers, children, cgroup memory); `false` skips it. Default: follow, uncached. */
  readonly follow?: FollowReadOptions | false;
}

/** One instant of a process: its files, its threads' files, PSI for the system and its cgroup, and what its waits are on. */
export function takeSample(fs: ProcFs, pid: number, options: SampleOptions = {}, clock = { mono: monotonicMs, wall: Date.now }): Sample {
  const tMonoMs = clock.mono();
  const tWallMs = clock.wall();
  const processSnapshot = readProcess(fs, pid, options);
  const cgroupPath = processSnapshot.cgroup.ok ? cgroupV2Path(processSnapshot.cgroup.value) : null;
  return {
    tMonoMs,
    tWallMs,
    uptimeSeconds: readUptimeSeconds(fs),
    process: processSnapshot,
    systemPressure: readSystemPressure(fs),
    access: readAccess(fs, pid),
    cgroupPath,
    // The root cgroup's pressure is the system's: read it once, as system pressure.
    cgroupPressure: cgroupPath !== null && cgroupPath !== '/' && fs.cgroupRoot !== null ? readCgroupPressure(fs, cgroupPath) : null,
    ...(options.follow === false || !processSnapshot.stat.ok ? {} : { follow: readFollow(fs, processSnapshot, cgroupPath, options.follow ?? {}) }),
  };
}

/**
 * True when the process went away while this sample was being read: any of the files every
 * process has says so (`io` is left out: without CONFIG_TASK_IO_ACCOUNTING it is absent), so a
 * sample read half before and half after the exit is never diagnosed.
 */
export function processVanished(sample: Sample): boolean {
  return vanishedError(sample) !== null;
}

/** The read that says the process went away (see `processVanished`), or null. */
export function vanishedError(sample: Sample): ReadError | null {
  const p = sample.process;
  for (const r of [p.stat, p.status, p.threads, p.limits, p.cgroup, p.fds]) if (!r.ok && r.error.kind === 'vanished') return r.error;
  return null;
}
