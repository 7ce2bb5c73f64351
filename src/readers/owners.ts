import type { ProcFs } from '../procfs/procfs.js';
import { parseFdInfo } from '../parsers/fdinfo.js';
import { parseFdTarget } from '../parsers/fd.js';
import { parseStat } from '../parsers/stat.js';
import { parseResult } from './parsed.js';

/** One process holding a pipe or socket inode through one of its fds. */
export interface InodeHolder {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number | null;
  readonly fd: number;
  /** From the fd's open flags: a pipe's read end is `read`, its write end `write`. */
  readonly access: 'read' | 'write' | 'read-write' | null;
}

/** Who holds which inode, found by reading `/proc/*\/fd` links within a budget. */
export interface InodeOwnerScan {
  readonly wanted: readonly number[];
  readonly holders: ReadonlyMap<number, readonly InodeHolder[]>;
  /**
   * `all`: every process was searched; `until-found`: it stopped once every inode had a holder
   * outside the target process; `cut`: the time or fd budget ran out first (not searched fully).
   */
  readonly searched: 'all' | 'until-found' | 'cut';
  readonly processesScanned: number;
  readonly fdsScanned: number;
}

export interface OwnerScanOptions {
  /** The process whose inodes these are: its neighbours by pid are searched first (pipelines, children). */
  readonly nearPid: number;
  readonly budgetMs?: number;
  readonly maxFds?: number;
  readonly now?: () => number;
  /** More inodes to note holders of when met on the way (unix peer candidates); the search does not wait for them. */
  readonly candidates?: ReadonlySet<number>;
}

export const OWNER_SCAN_BUDGET_MS = 200;
export const OWNER_SCAN_MAX_FDS = 20_000;

function accessOf(flags: number): InodeHolder['access'] {
  const mode = flags & 3;
  return mode === 0 ? 'read' : mode === 1 ? 'write' : mode === 2 ? 'read-write' : null;
}

/**
 * Search `/proc/<pid>/fd/*` for the given pipe and socket inodes, nearest pids first, through the
 * ProcFs (so a capture records what was searched). Bounded in time and in fds read.
 */
export function scanInodeOwners(fs: ProcFs, wanted: ReadonlySet<number>, options: OwnerScanOptions): InodeOwnerScan {
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.budgetMs ?? OWNER_SCAN_BUDGET_MS);
  const maxFds = options.maxFds ?? OWNER_SCAN_MAX_FDS;
  const holders = new Map<number, InodeHolder[]>();
  const result = (searched: InodeOwnerScan['searched'], processes: number, fds: number): InodeOwnerScan => ({
    wanted: [...wanted].sort((a, b) => a - b),
    holders,
    searched,
    processesScanned: processes,
    fdsScanned: fds,
  });
  if (wanted.size === 0) return result('all', 0, 0);
  const listing = fs.listDir('');
  if (!listing.ok) return result('cut', 0, 0);
  const near = options.nearPid;
  const pids = listing.value
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => Math.abs(a - near) - Math.abs(b - near) || a - b);
  const foundOutside = new Set<number>();
  let fdsScanned = 0;
  let processes = 0;
  for (const pid of pids) {
    if (now() > deadline || fdsScanned >= maxFds) return result('cut', processes, fdsScanned);
    const fds = fs.listDir(`${pid}/fd`);
    processes++;
    if (!fds.ok) continue;
    let who: { comm: string; ppid: number | null } | null = null;
    for (const name of fds.value) {
      if (++fdsScanned > maxFds) return result('cut', processes, fdsScanned);
      const link = fs.readLink(`${pid}/fd/${name}`);
      if (!link.ok) continue;
      const target = parseFdTarget(link.value);
      if (target.inode === null || !(wanted.has(target.inode) || options.candidates?.has(target.inode))) continue;
      const fd = Number(name);
      if (who === null) {
        const stat = parseResult(fs.readText(`${pid}/stat`), `${pid}/stat`, parseStat);
        who = stat.ok ? { comm: stat.value.comm, ppid: stat.value.ppid } : { comm: '?', ppid: null };
      }
      // Only a pipe's open flags say which end it is; a socket is read-write.
      const info = target.type === 'pipe' ? parseResult(fs.readText(`${pid}/fdinfo/${fd}`), `${pid}/fdinfo/${fd}`, parseFdInfo) : null;
      const list = holders.get(target.inode) ?? [];
      list.push({ pid, ...who, fd, access: info === null ? 'read-write' : info.ok ? accessOf(info.value.flags) : null });
      holders.set(target.inode, list);
      if (pid !== near && wanted.has(target.inode)) foundOutside.add(target.inode);
    }
    if (foundOutside.size === wanted.size) return result('until-found', processes, fdsScanned);
  }
  return result('all', processes, fdsScanned);
}
