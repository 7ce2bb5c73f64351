import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import type { CgroupEntry } from '../parsers/cgroup.js';
import { locateCgroups, type CgroupPlaces } from './cgroup-place.js';
import { readCpuController, type CgroupCpuSnapshot } from './cgroup-cpu.js';
import { readMemoryController, type CgroupMemorySnapshot } from './cgroup-memory.js';
import { readIoController, type CgroupIoSnapshot } from './cgroup-io.js';
import type { CgroupMemory } from './memory.js';

/**
 * The process's cgroup limits and counters, v1 or v2 (issue 10 point 5): where each controller
 * is, then its files. A controller that is not read is null, and `places` says why.
 */
export interface CgroupSnapshot {
  readonly places: CgroupPlaces;
  readonly cpu: CgroupCpuSnapshot | null;
  readonly memory: CgroupMemorySnapshot | null;
  readonly io: CgroupIoSnapshot | null;
}

export function readCgroups(fs: ProcFs, entries: ReadResult<readonly CgroupEntry[]>): CgroupSnapshot {
  const places = locateCgroups(fs, entries);
  return {
    places,
    cpu: readCpuController(fs, places.cpu, places.cpuacct),
    memory: readMemoryController(fs, places.memory),
    io: readIoController(fs, places.io),
  };
}

/** The v2 memory files in the shape of `FollowSnapshot.cgroupMemory`, taken from the reads above (null unless memory is on v2). */
export function v2MemoryOf(snapshot: CgroupSnapshot): CgroupMemory | null {
  const m = snapshot.memory;
  const own = m?.limits[0];
  if (m?.version !== 'v2' || !own || own.path !== m.path || own.high === null || m.events === null) return null;
  return { path: m.path, max: own.max, high: own.high, current: m.usage, events: m.events };
}
