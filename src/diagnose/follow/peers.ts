import type { InetSocketRow, UnixSocketRow } from '../../parsers/net.js';
import type { InodeOwnerScan } from '../../readers/owners.js';
import type { NetTables } from '../../readers/net.js';
import type { FdSnapshot } from '../../readers/types.js';
import type { FollowSnapshot } from '../../readers/follow.js';
import type { FdFollow, PeerProcess, PeerSearch } from './types.js';

/** Lookups built once per sample: fds by number, socket rows by inode, holders by inode. */
export interface FdContext {
  readonly pid: number;
  /** The process's parent, to rank unix peer candidates (null when unknown). */
  readonly ppid: number | null;
  readonly fds: ReadonlyMap<number, FdSnapshot>;
  readonly inet: ReadonlyMap<number, { readonly row: InetSocketRow; readonly protocol: 'tcp' | 'udp' }>;
  readonly inetRows: readonly InetSocketRow[];
  readonly unix: ReadonlyMap<number, UnixSocketRow>;
  readonly owners: InodeOwnerScan | null;
}

export function fdContext(pid: number, fds: readonly FdSnapshot[], follow: FollowSnapshot | undefined, ppid: number | null = null): FdContext {
  const net: NetTables | null = follow?.net ?? null;
  const inet = new Map<number, { row: InetSocketRow; protocol: 'tcp' | 'udp' }>();
  const inetRows: InetSocketRow[] = [];
  if (net) {
    for (const [name, table] of Object.entries(net.inet)) {
      if (!table.ok) continue;
      for (const row of table.value) {
        if (name.startsWith('tcp')) inetRows.push(row);
        if (row.inode !== 0) inet.set(row.inode, { row, protocol: name.startsWith('tcp') ? 'tcp' : 'udp' });
      }
    }
  }
  const unix = new Map((net?.unix.ok ? net.unix.value : []).map((r) => [r.inode, r]));
  return { pid, ppid, fds: new Map(fds.map((f) => [f.fd, f])), inet, inetRows, unix, owners: follow?.owners ?? null };
}

const endpoint = (a: { address: string; port: number }) => (a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`);

function holdersOf(ctx: FdContext, inode: number, exclude: (h: PeerProcess) => boolean): { peers: PeerProcess[]; search: PeerSearch } {
  const scan = ctx.owners;
  if (!scan || !scan.wanted.includes(inode)) return { peers: [], search: 'not-searched' };
  const peers = (scan.holders.get(inode) ?? []).filter((h) => !exclude(h));
  if (peers.length > 0) return { peers, search: 'found' };
  return { peers, search: scan.searched === 'cut' ? 'not-searched-fully' : 'not-found' };
}

export function peerWords(peers: readonly PeerProcess[], search: PeerSearch): string {
  if (peers.length > 0) {
    const byPid = [...new Map(peers.map((p) => [p.pid, p])).values()];
    const shown = byPid.slice(0, 3).map((p) => `${p.comm} (pid ${p.pid})`).join(', ');
    return byPid.length > 3 ? `${shown} and ${byPid.length - 3} more` : shown;
  }
  return search === 'not-searched-fully' ? 'not found (not searched fully: budget ran out)' : search === 'not-found' ? 'no other process holds it' : 'not searched';
}

function inetFollow(fd: number, inode: number, ctx: FdContext): FdFollow | null {
  const hit = ctx.inet.get(inode);
  if (!hit) return null;
  const { row, protocol } = hit;
  const listening = row.state === 'LISTEN' || (protocol === 'udp' && row.state === 'UNCONN');
  const remote = row.remote.port === 0 ? null : endpoint(row.remote);
  let peers: PeerProcess[] = [];
  let peerSearch: PeerSearch = 'not-searched';
  if (protocol === 'tcp' && remote !== null) {
    const other = ctx.inetRows.find((r) => r.local.port === row.remote.port && r.remote.port === row.local.port && r.local.address === row.remote.address && r.inode !== 0);
    if (other) ({ peers, search: peerSearch } = holdersOf(ctx, other.inode, () => false));
  }
  const queues = row.txQueue > 0 || row.rxQueue > 0 ? `, send-Q ${row.txQueue} recv-Q ${row.rxQueue}` : '';
  const who = peers.length > 0 ? ` (${peerWords(peers, peerSearch)})` : '';
  const text = listening
    ? `${protocol.toUpperCase()} ${endpoint(row.local)} ${row.state}${queues}`
    : `${protocol.toUpperCase()} ${endpoint(row.local)} ↔ ${remote ?? '*'}${who} ${row.state}${queues}`;
  return { type: protocol, fd, inode, local: endpoint(row.local), remote, state: row.state, listening, sendQueue: row.txQueue, recvQueue: row.rxQueue, peers, peerSearch, text };
}

/**
 * The peer of a connected unix socket is not in /proc (only sock_diag over netlink names it).
 * Heuristic, in order, stated in `peerBasis`:
 * 1. a connected neighbour (inode ± 1) held by a relative (child, parent or sibling): the kernel
 *    hands out socket inodes in sequence (get_next_ino), and both ends of a socketpair, or an
 *    accepted socket and its client, are usually created back to back;
 * 2. otherwise a connected, unnamed socket of the same type held by a relative and not by the
 *    process itself (the counter is per CPU, so ends made on two CPUs are not neighbours); with
 *    several relatives, the one whose socket inode is nearest;
 * 3. otherwise a connected neighbour held by any process. On a busy machine another process's
 *    socket can be the neighbour: that is why relatives come first.
 */
function unixFollow(fd: number, inode: number, ctx: FdContext): FdFollow | null {
  const row = ctx.unix.get(inode);
  if (!row) return null;
  let peers: PeerProcess[] = [];
  let peerSearch: PeerSearch = 'not-searched';
  let peerBasis: string | null = null;
  if (row.state === 'connected') {
    const neighbours = [inode + 1, inode - 1].filter((n) => ctx.unix.get(n)?.state === 'connected' && ctx.unix.get(n)?.type === row.type);
    const found = neighbours.map((n) => ({ n, ...holdersOf(ctx, n, (h) => h.pid === ctx.pid && h.fd === fd) }));
    const relatedNeighbours = found.map((f) => ({ ...f, peers: f.peers.filter((h) => isRelative(ctx, h)) })).filter((f) => f.peers.length > 0);
    const withHolders = found.filter((f) => f.peers.length > 0);
    const related = relatedNeighbours.length > 0 ? [] : nearestRelativeHolders(ctx, row, inode);
    if (relatedNeighbours.length > 0) {
      peers = relatedNeighbours.flatMap((f) => f.peers);
      peerSearch = 'found';
      peerBasis = `adjacent inode ${relatedNeighbours.map((f) => f.n).join(' or ')} held by a relative (a guess: /proc does not name unix peers)`;
    } else if (related.length > 0) {
      peers = related;
      peerSearch = 'found';
      peerBasis = `a relative's connected unnamed ${row.type} socket (a guess: /proc does not name unix peers)`;
    } else if (withHolders.length > 0) {
      peers = withHolders.flatMap((f) => f.peers);
      peerSearch = 'found';
      peerBasis = withHolders.length === 1 ? `adjacent inode ${withHolders[0]!.n} (a guess: /proc does not name unix peers)` : `adjacent inodes ${withHolders.map((f) => f.n).join(' or ')} (ambiguous)`;
    } else {
      const cut = ctx.owners?.searched === 'cut' || found.some((f) => f.search === 'not-searched-fully');
      peerSearch = cut ? 'not-searched-fully' : ctx.owners ? 'not-found' : 'not-searched';
    }
  }
  const name = row.path ?? '(unnamed)';
  const state = row.listening ? 'LISTEN' : row.state;
  const text = `unix ${row.type} ${name} ${state}${peers.length > 0 ? `, peer ${peerWords(peers, peerSearch)}` : ''}`;
  return { type: 'unix', fd, inode, path: row.path, socketType: row.type, state, listening: row.listening, peers, peerSearch, peerBasis, text };
}

function isRelative(ctx: FdContext, h: PeerProcess): boolean {
  return h.pid !== ctx.pid && (h.ppid === ctx.pid || (ctx.ppid !== null && (h.pid === ctx.ppid || h.ppid === ctx.ppid)));
}

/** Relatives holding a connected unnamed socket of the same type; of several, those of the socket nearest in inode. */
function nearestRelativeHolders(ctx: FdContext, row: UnixSocketRow, inode: number): PeerProcess[] {
  if (!ctx.owners) return [];
  const own = new Set([...ctx.fds.values()].map((f) => f.target.inode));
  let best: { distance: number; holders: PeerProcess[] } | null = null;
  for (const [candidate, holders] of ctx.owners.holders) {
    const cand = ctx.unix.get(candidate);
    if (!cand || own.has(candidate) || cand.state !== 'connected' || cand.type !== row.type || cand.path !== null) continue;
    const relatives = holders.filter((h) => isRelative(ctx, h));
    if (relatives.length === 0) continue;
    const distance = Math.abs(candidate - inode);
    if (!best || distance < best.distance) best = { distance, holders: relatives };
  }
  return best?.holders ?? [];
}

const SIGNALS = ['HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2', 'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS'];

function signalNames(mask: bigint): string[] {
  const out: string[] = [];
  for (let n = 1; n <= 64; n++) if ((mask >> BigInt(n - 1)) & 1n) out.push(n <= SIGNALS.length ? `SIG${SIGNALS[n - 1]}` : `SIGRT${n}`);
  return out;
}

/** One fd of the process, resolved to what it is and, for pipes and sockets, who is at the other end. */
export function followFd(fdNumber: number, ctx: FdContext): FdFollow {
  const fd = ctx.fds.get(fdNumber);
  if (!fd) return { type: 'closed', fd: fdNumber, target: null, text: `fd ${fdNumber} (closed since)` };
  const t = fd.target;
  const info = fd.info?.ok ? fd.info.value : null;
  if (t.type === 'socket' && t.inode !== null) {
    const resolved = inetFollow(fdNumber, t.inode, ctx) ?? unixFollow(fdNumber, t.inode, ctx);
    return resolved ?? { type: 'socket', fd: fdNumber, target: t.target, text: `socket inode ${t.inode} (not in this namespace's tcp/udp/unix tables)` };
  }
  if (t.type === 'pipe' && t.inode !== null) {
    const sibling = [...ctx.fds.values()].find((f) => f.fd !== fdNumber && f.target.inode === t.inode);
    if (sibling) {
      const text = `pipe ${t.inode}, other end: this process (fd ${sibling.fd}; a self-pipe)`;
      return { type: 'pipe', fd: fdNumber, inode: t.inode, peers: [{ pid: ctx.pid, comm: 'itself', ppid: ctx.ppid, fd: sibling.fd, access: null }], peerSearch: 'found', text };
    }
    const self = (h: PeerProcess) => h.pid === ctx.pid && h.fd === fdNumber;
    const { peers, search } = holdersOf(ctx, t.inode, self);
    // The other end: writers for a reader, readers for a writer (the access of our own fd says which we are).
    const own = ctx.owners?.holders.get(t.inode)?.find(self)?.access ?? 'read';
    const opposite = peers.filter((p) => (own === 'write' ? p.access !== 'write' : p.access !== 'read'));
    const found: PeerSearch = opposite.length > 0 ? 'found' : search === 'found' ? 'not-found' : search;
    return { type: 'pipe', fd: fdNumber, inode: t.inode, peers: opposite, peerSearch: found, text: `pipe ${t.inode}, other end: ${peerWords(opposite, found)}` };
  }
  if (t.type === 'anon_inode') {
    switch (t.anonKind) {
      case 'eventfd':
        return { type: 'eventfd', fd: fdNumber, counter: info?.eventfdCount ?? null, text: `eventfd (counter ${info?.eventfdCount ?? '?'})` };
      case 'timerfd': {
        const next = info?.timerfd?.nextExpirySeconds ?? null;
        const every = info?.timerfd?.intervalSeconds ?? null;
        const when = next === null ? '?' : next === 0 ? 'disarmed' : `next in ${next.toFixed(3)} s${every ? `, every ${every} s` : ''}`;
        return { type: 'timerfd', fd: fdNumber, nextExpirySeconds: next, intervalSeconds: every, text: `timerfd (${when})` };
      }
      case 'inotify':
        return { type: 'inotify', fd: fdNumber, watches: info?.inotify?.length ?? (info ? 0 : null), text: `inotify (${info?.inotify?.length ?? (info ? 0 : '?')} watches)` };
      case 'signalfd': {
        const signals = info?.signalfdMask != null ? signalNames(info.signalfdMask) : [];
        return { type: 'signalfd', fd: fdNumber, signals, text: `signalfd (${signals.join(', ') || '?'})` };
      }
      default:
        return { type: 'anon', fd: fdNumber, target: t.target, text: t.target };
    }
  }
  const type = t.type === 'socket' || t.type === 'pipe' ? 'other' : t.type;
  return { type, fd: fdNumber, target: t.target, text: t.target };
}
