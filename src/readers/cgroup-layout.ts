import type { ProcFs } from '../procfs/procfs.js';
import { listCgroups } from '../procfs/procfs.js';
import { cgroupV1Controllers, parseMountinfo } from '../parsers/mountinfo.js';
import { parseResult } from './parsed.js';
import type { CgroupLayout, CgroupPressureGap } from './types.js';

export type { CgroupLayout, CgroupPressureGap } from './types.js';


export function readCgroupLayout(fs: ProcFs): CgroupLayout {
  const children = fs.cgroupRoot === null ? null : listCgroups(fs, '');
  const mounts = parseResult(fs.readText('self/mountinfo'), 'self/mountinfo', parseMountinfo);
  return {
    v2Root: fs.cgroupRoot,
    v2Children: children?.ok ? children.value.length : 0,
    v1Controllers: mounts.ok ? cgroupV1Controllers(mounts.value) : [],
  };
}

export function cgroupPressureGap(layout: CgroupLayout): CgroupPressureGap | null {
  if (layout.v2Root !== null) return layout.v2Children > 0 ? null : 'cgroup-v2-empty';
  return layout.v1Controllers.length > 0 ? 'cgroup-v1-only' : 'no-cgroup';
}
