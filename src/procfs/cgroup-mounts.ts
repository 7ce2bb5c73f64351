import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the cgroup hierarchies are mounted, so that a ProcFs can open a cgroup's files. This
 * lives beside the ProcFs (not in src/parsers) because the ProcFs needs it to know its own
 * roots, and the procfs layer sits below the parsers.
 */

/** The cgroup v1 controllers proctriage reads (limits and throttling). */
export const CGROUP_V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'blkio'] as const;
export type CgroupV1Controller = (typeof CGROUP_V1_CONTROLLERS)[number];

export function isCgroupV1Controller(name: string): name is CgroupV1Controller {
  return (CGROUP_V1_CONTROLLERS as readonly string[]).includes(name);
}

export interface CgroupMount {
  readonly fstype: 'cgroup' | 'cgroup2';
  readonly mountPoint: string;
  /**
   * The path of the hierarchy mounted there (mountinfo field 4): `/`, unless only a subtree is
   * bind-mounted (a container) or a cgroup namespace hides the rest.
   */
  readonly root: string;
  /** v1: the super options (`rw`, `cpu`, `cpuacct`, `name=systemd`, …); v2: []. */
  readonly options: readonly string[];
}

/** show_mountinfo (fs/proc_namespace.c) escapes space, tab, newline and backslash as \ooo. */
function unescapeMountinfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The cgroup and cgroup2 mounts of a mountinfo text: `ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS
 * [OPTIONAL…] - FSTYPE SOURCE SUPER_OPTS`. Lines of another shape are skipped: this is our own
 * mount table, not input to judge.
 */
export function cgroupMountsFrom(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const [fstype, , superOptions = ''] = line.slice(dash + 3).split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const fields = line.slice(0, dash).split(' ');
    const root = fields[3];
    const mountPoint = fields[4];
    if (root === undefined || mountPoint === undefined) continue;
    mounts.push({
      fstype,
      mountPoint: unescapeMountinfo(mountPoint),
      root: unescapeMountinfo(root),
      options: fstype === 'cgroup' ? superOptions.split(',') : [],
    });
  }
  return mounts;
}

/** PROC_SUPER_MAGIC (include/uapi/linux/magic.h). */
const PROC_SUPER_MAGIC = 0x9fa0;

/**
 * The cgroup mounts this process can open, when `procRoot` is a real procfs: its
 * `self/mountinfo` then describes our own mount namespace, under `--proc-root /host/proc` as
 * under `/proc`. A directory that is not a procfs (a copied tree, a test layout) has no
 * mounts: its mountinfo, if any, would name paths of another machine.
 */
export function visibleCgroupMounts(procRoot: string): CgroupMount[] {
  try {
    if (procRoot !== '/proc' && statfsSync(procRoot).type !== PROC_SUPER_MAGIC) return [];
    return cgroupMountsFrom(readFileSync(join(procRoot, 'self', 'mountinfo'), 'utf8'));
  } catch {
    // no mountinfo (or no such root): no cgroup files to read
    return [];
  }
}

/**
 * The v1 mounts by controller: the first mount of a hierarchy carrying it (a co-mounted
 * `cpu,cpuacct` hierarchy serves both). Several mounts of one hierarchy (bind mounts) are
 * kept in order, so the one whose root holds the cgroup can be chosen.
 */
export function cgroupV1MountsByController(mounts: readonly CgroupMount[]): Partial<Record<CgroupV1Controller, readonly CgroupMount[]>> {
  const out: Partial<Record<CgroupV1Controller, CgroupMount[]>> = {};
  for (const m of mounts) {
    if (m.fstype !== 'cgroup') continue;
    for (const option of m.options) if (isCgroupV1Controller(option)) (out[option] ??= []).push(m);
  }
  return out;
}

/**
 * Where a file of a cgroup is under a v1 mount: the mount point plus the cgroup path (as
 * /proc/PID/cgroup names it, without the leading `/`) less the mount's root. Null when no
 * mount holds that cgroup (it lies outside the subtree mounted here).
 */
export function placeUnderV1Mount(mounts: readonly CgroupMount[], path: string): { readonly mountPoint: string; readonly relative: string } | null {
  let best: { mountPoint: string; relative: string; rootLength: number } | null = null;
  for (const m of mounts) {
    const root = m.root.replace(/^\/+|\/+$/g, '');
    let relative: string;
    if (root === '') relative = path;
    else if (path === root) relative = '';
    else if (path.startsWith(`${root}/`)) relative = path.slice(root.length + 1);
    else continue;
    if (best === null || root.length > best.rootLength) best = { mountPoint: m.mountPoint, relative, rootLength: root.length };
  }
  return best && { mountPoint: best.mountPoint, relative: best.relative };
}
