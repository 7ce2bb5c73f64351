import type { ProcFs } from '../procfs/procfs.js';
import type { ReadError, ReadResult } from '../procfs/errors.js';
import type { CgroupV1Controller } from '../procfs/cgroup-mounts.js';
import { cgroupV1Path, cgroupV2Path, parseCgroupControllers, type CgroupEntry } from '../parsers/cgroup.js';
import { parseResult } from './parsed.js';

/** The resources whose limits proctriage reads, by their v2 names (v1 calls io `blkio`). */
export type CgroupResource = 'cpu' | 'memory' | 'io';

/** Why a controller's files of the process's cgroup are not read. */
export type CgroupUnavailableReason =
  /** /proc/PID/cgroup could not be read. */
  | 'no-cgroup-file'
  /** A v1 hierarchy carries the controller but no mount of it is visible here (or the capture holds none); or no v2 mount. */
  | 'not-mounted'
  /** The cgroup lies outside what this cgroup namespace or mount shows (`/..` in its path). */
  | 'outside-view'
  /** Neither a v1 hierarchy nor the process's v2 cgroup offers the controller. */
  | 'not-enabled'
  /** The process is in the root cgroup, which has no limit files (decided from the reads, not the path). */
  | 'root-cgroup'
  /** The v2 `cgroup.controllers` file could not be read (see `error`). */
  | 'unreadable';

/** Where one controller's files of the process's cgroup are, or why they are not read. */
export interface CgroupPlace {
  /** Which hierarchy serves the controller for this process; null when none does. */
  readonly version: 'v1' | 'v2' | null;
  /** The cgroup's path in that hierarchy, as /proc/PID/cgroup shows it. */
  readonly path: string | null;
  /** v1: the controller to read through (`blkio` for io); null on v2. */
  readonly v1Controller: CgroupV1Controller | null;
  readonly unavailable: CgroupUnavailableReason | null;
  /** The failed read behind `no-cgroup-file` or `unreadable`. */
  readonly error?: ReadError;
}

export interface CgroupPlaces {
  /** The `0::` line's path, null without cgroup v2 membership. */
  readonly v2Path: string | null;
  /** The v2 cgroup's `cgroup.controllers`; null when not read (every controller is on v1, no v2 path or mount). */
  readonly v2Controllers: ReadResult<readonly string[]> | null;
  readonly cpu: CgroupPlace;
  /** v1 only: `cpuacct.usage` (on v2 the CPU used is in `cpu.stat`). */
  readonly cpuacct: CgroupPlace;
  readonly memory: CgroupPlace;
  readonly io: CgroupPlace;
}

/** A ProcFs path of a file of the cgroup at `cgroupPath` (`/a/b` + `cpu.max` → `a/b/cpu.max`). */
export function cgroupFilePath(cgroupPath: string, file: string): string {
  const dir = cgroupPath.replace(/^\/+|\/+$/g, '');
  return dir === '' ? file : `${dir}/${file}`;
}

/** The cgroup and its ancestors below the root, nearest first: `/a/b` → [`/a/b`, `/a`] (at most `max`). */
export function cgroupAncestry(cgroupPath: string, max = 16): string[] {
  const parts = cgroupPath.split('/').filter((p) => p !== '');
  const out: string[] = [];
  for (let n = parts.length; n > 0 && out.length < max; n--) out.push(`/${parts.slice(0, n).join('/')}`);
  return out;
}

/** The v1 controller of each resource: v1 calls io `blkio`. */
export const V1_CONTROLLER: Readonly<Record<CgroupResource | 'cpuacct', CgroupV1Controller>> = { cpu: 'cpu', cpuacct: 'cpuacct', memory: 'memory', io: 'blkio' };

const unavailable = (version: CgroupPlace['version'], path: string | null, reason: CgroupUnavailableReason, error?: ReadError): CgroupPlace => ({
  version,
  path,
  v1Controller: null,
  unavailable: reason,
  ...(error ? { error } : {}),
});

/**
 * Where the process's cpu, cpuacct, memory and io files are: a controller on a v1 hierarchy
 * (a `N:cpu,cpuacct:/path` line of /proc/PID/cgroup) is read there, through the ProcFs's v1
 * mounts; otherwise from the v2 cgroup (`0::/path`) when its `cgroup.controllers` lists it.
 * A controller bound to a v1 hierarchy is never available on v2, so the two never compete.
 */
export function locateCgroups(fs: ProcFs, entries: ReadResult<readonly CgroupEntry[]>): CgroupPlaces {
  if (!entries.ok) {
    const none = unavailable(null, null, 'no-cgroup-file', entries.error);
    return { v2Path: null, v2Controllers: null, cpu: none, cpuacct: none, memory: none, io: none };
  }
  const v2Path = cgroupV2Path(entries.value);
  // Read only when a controller is not on v1 (on a hybrid machine, never).
  let v2Controllers: ReadResult<readonly string[]> | null = null;
  const controllersOfV2 = (path: string): ReadResult<readonly string[]> => {
    const file = cgroupFilePath(path, 'cgroup.controllers');
    v2Controllers ??= parseResult(fs.readCgroupText(file), `cgroup:${file}`, parseCgroupControllers);
    return v2Controllers;
  };

  // The root ('/') is read like any cgroup: inside a cgroup namespace (a container) it is the
  // container's own cgroup, with its limits; the real root simply has no limit files.
  const place = (resource: CgroupResource | 'cpuacct'): CgroupPlace => {
    const v1Controller = V1_CONTROLLER[resource];
    const v1Path = cgroupV1Path(entries.value, v1Controller);
    if (v1Path !== null) {
      if (fs.cgroupV1Roots[v1Controller] === undefined) return unavailable('v1', v1Path, 'not-mounted');
      if (v1Path.includes('/..')) return unavailable('v1', v1Path, 'outside-view');
      return { version: 'v1', path: v1Path, v1Controller, unavailable: null };
    }
    if (resource === 'cpuacct' || v2Path === null) return unavailable(null, null, 'not-enabled');
    if (fs.cgroupRoot === null) return unavailable('v2', v2Path, 'not-mounted');
    if (v2Path.includes('/..')) return unavailable('v2', v2Path, 'outside-view');
    const controllers = controllersOfV2(v2Path);
    if (!controllers.ok) return unavailable('v2', v2Path, 'unreadable', controllers.error);
    if (!controllers.value.includes(resource)) return unavailable(null, v2Path, 'not-enabled');
    return { version: 'v2', path: v2Path, v1Controller: null, unavailable: null };
  };
  const cpu = place('cpu');
  const cpuacct = place('cpuacct');
  const memory = place('memory');
  const io = place('io');
  return { v2Path, v2Controllers, cpu, cpuacct, memory, io };
}
