import type { ProcFs } from '../procfs/procfs.js';
import { listCgroups } from '../procfs/procfs.js';
import { cgroupMountsFrom, type CgroupMount } from '../procfs/cgroup-mounts.js';
import type { CgroupLayout, CgroupPressureGap } from './types.js';

export type { CgroupLayout, CgroupPressureGap } from './types.js';

/** The cgroup v1 controllers (include/linux/cgroup_subsys.h); other super options are mount flags. */
const V1_CONTROLLERS = new Set(['cpuset', 'cpu', 'cpuacct', 'io', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc', 'debug']);

/** cgroup v1 controllers mounted (`cpu`, `memory`, …; named hierarchies such as `name=systemd` left out). */
function cgroupV1Controllers(mounts: readonly CgroupMount[]): string[] {
  const names = new Set<string>();
  for (const m of mounts) if (m.fstype === 'cgroup') for (const o of m.options) if (V1_CONTROLLERS.has(o)) names.add(o);
  return [...names].sort();
}

export function readCgroupLayout(fs: ProcFs): CgroupLayout {
  const children = fs.cgroupRoot === null ? null : listCgroups(fs, '');
  const mountinfo = fs.readText('self/mountinfo');
  return {
    v2Root: fs.cgroupRoot,
    v2Children: children?.ok ? children.value.length : 0,
    v1Controllers: mountinfo.ok ? cgroupV1Controllers(cgroupMountsFrom(mountinfo.value)) : [],
  };
}

export function cgroupPressureGap(layout: CgroupLayout): CgroupPressureGap | null {
  if (layout.v2Root !== null) return layout.v2Children > 0 ? null : 'cgroup-v2-empty';
  return layout.v1Controllers.length > 0 ? 'cgroup-v1-only' : 'no-cgroup';
}
