import { ParseError } from '../procfs/errors.js';

/** One line of `/proc/<pid>/mountinfo`, as far as finding cgroup hierarchies goes. */
export interface MountEntry {
  readonly mountPoint: string;
  readonly fstype: string;
  /** Per-superblock options: for a cgroup v1 mount, its controllers (`rw,cpu,cpuacct`). */
  readonly superOptions: readonly string[];
}

/** show_mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescape(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue` (proc(5)). */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const dash = line.indexOf(' - ');
    const head = line.slice(0, dash < 0 ? 0 : dash).split(' ');
    const tail = line.slice(dash + 3).split(' ');
    if (dash < 0 || head.length < 6 || tail.length < 3) throw new ParseError(`not a mountinfo line: ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    out.push({ mountPoint: unescape(head[4]!), fstype: tail[0]!, superOptions: tail[2]!.split(',') });
  }
  return out;
}

/** The cgroup v1 controllers (include/linux/cgroup_subsys.h); other super options are mount flags. */
const V1_CONTROLLERS = new Set(['cpuset', 'cpu', 'cpuacct', 'io', 'blkio', 'memory', 'devices', 'freezer', 'net_cls', 'perf_event', 'net_prio', 'hugetlb', 'pids', 'rdma', 'misc', 'debug']);

/** cgroup v1 controllers mounted (`cpu`, `memory`, …; named hierarchies such as `name=systemd` left out). */
export function cgroupV1Controllers(mounts: readonly MountEntry[]): string[] {
  const names = new Set<string>();
  for (const m of mounts) {
    if (m.fstype !== 'cgroup') continue;
    for (const o of m.superOptions) if (V1_CONTROLLERS.has(o)) names.add(o);
  }
  return [...names].sort();
}
