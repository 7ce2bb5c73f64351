import type { ProcFs } from '../procfs/procfs.js';
import type { Arch } from '../kernel/arch.js';
import { readArch } from './host.js';
import { waitCall } from './wait-call.js';
import { readChildTree, type ChildrenSnapshot } from './children.js';
import { readCgroupMemory, type CgroupMemory } from './memory.js';
import { readCgroups, v2MemoryOf, type CgroupSnapshot } from './cgroup.js';
import { readNetCounters, readNetTables, skippedNetCounters, type NetCounters, type NetTables } from './net.js';
import { scanInodeOwners, type InodeOwnerScan } from './owners.js';
import type { ProcessSnapshot } from '../readers/types.js';
import { isSkipped } from '../procfs/errors.js';
import { parseStat } from '../parsers/stat.js';
import { parseResult } from './parsed.js';
import { readThreadChildren } from './process.js';
import { readInsightInputs, type InsightReads } from './insight-reads.js';

/**
 * What the follow step read beyond the process itself, to say what each wait is *on*: the
 * namespace's socket tables and counters, the cgroup's memory files, who holds the other
 * end of a pipe or socket, and the children a waitpid waits for. Read through the same ProcFs
 * as the rest of the sample, so captures hold it and replay reads it back.
 */
export interface FollowSnapshot {
  readonly arch: Arch;
  /** null when the process has no socket fds (or its fds could not be read). */
  readonly net: NetTables | null;
  readonly netCounters: NetCounters;
  /** null without a cgroup v2 path or mount. */
  readonly cgroupMemory: CgroupMemory | null;
  /** The cgroup's CPU, memory and io limits and counters, v1 or v2 (readFollow always reads it; optional for hand-built snapshots). */
  readonly cgroup?: CgroupSnapshot;
  /** null when no wait needed a peer search. */
  readonly owners: InodeOwnerScan | null;
  /** null when no thread waits for children. */
  readonly children: ChildrenSnapshot | null;
  /**
   * The state of each of its children (at most 64), from the threads' `children` files: a zombie
   * it never reaps or a stopped child is named in its verdict even when it waits for neither.
   * null when the children files were not read (a light sample).
   */
  readonly childStates?: readonly { readonly pid: number; readonly comm: string; readonly state: string }[] | null;
  /** What the seed-knowledge insights read: smaps_rollup, the listening sockets' family, fd tables, file flags (absent in older captures). */
  readonly insight?: InsightReads;
}

/**
 * Where a session keeps the expensive searches between samples (session/follow-cache.ts): a
 * capture or a replay passes none, so each of its samples holds its own search.
 */
export interface FollowSearchCache {
  owners(wanted: ReadonlySet<number>, search: () => InodeOwnerScan): InodeOwnerScan;
  ppidMap(fs: ProcFs): ReadonlyMap<number, readonly number[]>;
}

export interface FollowReadOptions {
  readonly arch?: Arch;
  readonly cache?: FollowSearchCache;
}

/** Inodes whose holders we want: pipes and unix sockets a thread waits on (directly or through epoll), their unix neighbours, loopback TCP peers. */
function wantedInodes(proc: ProcessSnapshot, arch: Arch, net: NetTables | null): { wanted: Set<number>; candidates: Set<number> } {
  const fds = proc.fds.ok ? proc.fds.value : [];
  const byFd = new Map(fds.map((f) => [f.fd, f]));
  const waited = new Set<number>();
  for (const t of proc.threads.ok ? proc.threads.value : []) {
    const call = waitCall(t.syscall, arch);
    if (call?.fd == null) continue;
    const fd = byFd.get(call.fd);
    if (!fd) continue;
    if (call.epoll && fd.info?.ok && fd.info.value.epoll) {
      for (const target of fd.info.value.epoll.slice(0, 256)) {
        const watched = byFd.get(target.tfd);
        if (watched?.target.inode != null) waited.add(watched.target.inode);
      }
    } else if (fd.target.inode !== null) waited.add(fd.target.inode);
  }
  const wanted = new Set<number>();
  const candidates = new Set<number>();
  const unix = net?.unix.ok ? new Map(net.unix.value.map((r) => [r.inode, r])) : new Map();
  const tcp = net ? [...(net.inet.tcp.ok ? net.inet.tcp.value : []), ...(net.inet.tcp6.ok ? net.inet.tcp6.value : [])] : [];
  const tcpByInode = new Map(tcp.map((r) => [r.inode, r]));
  for (const inode of waited) {
    const fd = fds.find((f) => f.target.inode === inode);
    // A pipe the process holds both ends of (a self-pipe wakeup) needs no search.
    if (fd?.target.type === 'pipe' && fds.filter((f) => f.target.inode === inode).length < 2) wanted.add(inode);
    const row = unix.get(inode);
    if (row) {
      wanted.add(inode);
      for (const n of [inode - 1, inode + 1]) if (unix.get(n)?.state === 'connected') wanted.add(n);
      // When no neighbour is the peer: every connected, unnamed socket of the same type not held by the process itself.
      if (row.state === 'connected') {
        const own = new Set(fds.map((f) => f.target.inode));
        for (const r of unix.values()) if (r.state === 'connected' && r.type === row.type && r.path === null && !own.has(r.inode) && candidates.size < 5000) candidates.add(r.inode);
      }
    }
    const conn = tcpByInode.get(inode);
    if (conn && conn.state === 'ESTABLISHED' && /^(127\.|::1$|::ffff:127\.)/.test(conn.remote.address)) {
      const peer = tcp.find((r) => r.local.port === conn.remote.port && r.remote.port === conn.local.port && r.local.address === conn.remote.address);
      if (peer && peer.inode !== 0) wanted.add(peer.inode);
    }
  }
  return { wanted, candidates };
}

function waitsForChildren(proc: ProcessSnapshot, arch: Arch): boolean {
  return (proc.threads.ok ? proc.threads.value : []).some((t) => {
    const call = waitCall(t.syscall, arch);
    if (call) return call.waitsForChild;
    return t.wchan.ok && t.wchan.value.base === 'do_wait';
  });
}

export function readFollow(fs: ProcFs, proc: ProcessSnapshot, cgroupPath: string | null, options: FollowReadOptions = {}): FollowSnapshot {
  const arch = options.arch ?? readArch(fs);
  const pid = proc.pid;
  const socketInodes = new Set((proc.fds.ok ? proc.fds.value : []).flatMap((f) => (f.target.type === 'socket' && f.target.inode !== null ? [f.target.inode] : [])));
  const net = socketInodes.size > 0 ? readNetTables(fs, pid, socketInodes) : null;
  // The namespace's TCP counters speak only for a process with sockets (the network branch
  // shows nothing for one without); net/snmp is also one of the dearest files to read. When
  // fd/ is unreadable, whether it has sockets is unknown: read them.
  const netCounters = proc.fds.ok && socketInodes.size === 0 ? skippedNetCounters(pid) : readNetCounters(fs, pid);
  const cgroup = readCgroups(fs, proc.cgroup);
  // On v2 the memory files were just read; otherwise the v2 files say why they are missing, as before.
  const cgroupMemory = v2MemoryOf(cgroup) ?? (cgroupPath !== null && fs.cgroupRoot !== null ? readCgroupMemory(fs, cgroupPath) : null);

  const { wanted, candidates } = wantedInodes(proc, arch, net);
  let owners: InodeOwnerScan | null = null;
  if (wanted.size > 0) {
    const search = () => scanInodeOwners(fs, wanted, { nearPid: pid, candidates });
    owners = options.cache ? options.cache.owners(wanted, search) : search();
  }

  let children: ChildrenSnapshot | null = null;
  if (waitsForChildren(proc, arch)) {
    // Children files skipped by a light sample are read now, only because a thread waits for them.
    const threads = (proc.threads.ok ? proc.threads.value : []).map((t) => (isSkipped(t.children) ? { ...t, children: readThreadChildren(fs, pid, t.tid) } : t));
    const needScan = !(threads.length > 0 && threads.every((t) => t.children.ok));
    children = readChildTree(fs, pid, threads, needScan && options.cache ? { ppidMap: options.cache.ppidMap(fs) } : {});
  }
  const insight = readInsightInputs(fs, proc, arch, net, children);
  return { arch, net, netCounters, cgroupMemory, cgroup, owners, children, childStates: readChildStates(fs, proc), insight };
}

/** How many children a process's verdict looks at: enough for a pool, bounded for a fork bomb. */
const CHILD_STATES_MAX = 64;

function readChildStates(fs: ProcFs, proc: ProcessSnapshot): FollowSnapshot['childStates'] {
  const threads = proc.threads.ok ? proc.threads.value : [];
  if (threads.length === 0 || threads.some((t) => isSkipped(t.children))) return null;
  const pids = [...new Set(threads.flatMap((t) => (t.children.ok ? t.children.value : [])))].slice(0, CHILD_STATES_MAX);
  return pids.flatMap((pid) => {
    const stat = parseResult(fs.readText(`${pid}/stat`), `${pid}/stat`, parseStat);
    return stat.ok ? [{ pid, comm: stat.value.comm, state: stat.value.state }] : [];
  });
}
