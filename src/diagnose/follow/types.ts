/** Follow records: what each wait is on, and on whom. Pure data, part of the JSON (README "Following the wait"). */

/** A process holding the other end of a pipe or socket. */
export interface PeerProcess {
  readonly pid: number;
  readonly comm: string;
  readonly ppid: number | null;
  readonly fd: number;
  /** Which end, from the fd's open flags: `read`, `write`, `read-write`, or null when unknown. */
  readonly access: 'read' | 'write' | 'read-write' | null;
}

/**
 * How the peer search went: `found`; `not-found` (every process searched); `not-searched-fully`
 * (the 200 ms / 20 000 fd budget ran out); `not-searched` (nothing to search for, or not read).
 */
export type PeerSearch = 'found' | 'not-found' | 'not-searched-fully' | 'not-searched';

interface FdBase {
  readonly fd: number;
  /** One phrase, e.g. `TCP 127.0.0.1:6379 ← 127.0.0.1:51234 ESTABLISHED`. */
  readonly text: string;
}

export type FdFollow =
  | (FdBase & {
      readonly type: 'tcp' | 'udp';
      readonly inode: number;
      readonly local: string;
      readonly remote: string | null;
      readonly state: string;
      readonly listening: boolean;
      readonly sendQueue: number;
      readonly recvQueue: number;
      /** For a loopback connection: the process at the other end. */
      readonly peers: readonly PeerProcess[];
      readonly peerSearch: PeerSearch;
    })
  | (FdBase & {
      readonly type: 'unix';
      readonly inode: number;
      readonly path: string | null;
      readonly socketType: string;
      readonly state: string;
      readonly listening: boolean;
      readonly peers: readonly PeerProcess[];
      readonly peerSearch: PeerSearch;
      /** How the peer was found (`adjacent inode`): /proc does not name a unix socket's peer. */
      readonly peerBasis: string | null;
    })
  | (FdBase & {
      readonly type: 'pipe';
      readonly inode: number;
      /** The processes holding the other end (writers for a reader, readers for a writer). */
      readonly peers: readonly PeerProcess[];
      readonly peerSearch: PeerSearch;
    })
  | (FdBase & { readonly type: 'eventfd'; readonly counter: number | null })
  | (FdBase & { readonly type: 'timerfd'; readonly nextExpirySeconds: number | null; readonly intervalSeconds: number | null })
  | (FdBase & { readonly type: 'inotify'; readonly watches: number | null })
  | (FdBase & { readonly type: 'signalfd'; readonly signals: readonly string[] })
  | (FdBase & { readonly type: 'socket' | 'file' | 'tty' | 'device' | 'anon' | 'other' | 'closed'; readonly target: string | null });

export interface EpollFollow {
  readonly epfd: number;
  /** Number of `tfd:` lines (watched fds); `targets` holds the first 64. */
  readonly watched: number;
  readonly targets: readonly FdFollow[];
  /** "idle server: waiting on 1 listening socket 127.0.0.1:6379 and 3 client connections". */
  readonly summary: string;
}

/** A child process and what its threads wait on. */
export interface ChildFollow {
  readonly pid: number;
  readonly comm: string;
  readonly state: string;
  readonly threadCount: number;
  /** Its main thread's wait (or the first thread's). */
  readonly wait: { readonly kind: string; readonly function: string | null; readonly summary: string };
  readonly children: readonly ChildFollow[];
}

export interface ChildrenFollow {
  /** `any child`, `child 1234`, `process group 77`. */
  readonly waitsFor: string;
  readonly children: readonly ChildFollow[];
  /** Children grouped by comm and wait: `32 children sleep in nanosleep`. */
  readonly groups: readonly { readonly comm: string; readonly kind: string; readonly count: number; readonly label: string }[];
  readonly source: 'task-children' | 'ppid-scan';
  readonly truncated: boolean;
  readonly summary: string;
}

export type FutexStyleVerdict = 'lock-queue' | 'parked-pool' | 'single';

export interface FutexGroup {
  /** `F1`, `F2`, … biggest first; threads[].follow.futex.groupId points here. */
  readonly id: string;
  /** The futex word (syscall arg0), hex. */
  readonly address: string;
  readonly tids: readonly number[];
  readonly count: number;
  readonly style: FutexStyleVerdict;
  /** Contention: several threads wait on this one word. */
  readonly contended: boolean;
  /** Why this style: the heuristic's evidence, in words. */
  readonly basis: string;
  readonly summary: string;
}

export type ThreadFollow =
  | { readonly kind: 'epoll'; readonly summary: string; readonly epoll: EpollFollow }
  | { readonly kind: 'children'; readonly summary: string; readonly children: ChildrenFollow }
  | { readonly kind: 'futex'; readonly summary: string; readonly futex: { readonly groupId: string; readonly address: string; readonly waiters: number; readonly style: FutexStyleVerdict } }
  | { readonly kind: 'fd'; readonly summary: string; readonly target: FdFollow };

export interface NetworkView {
  /** null when the socket tables could not be read. */
  readonly sockets: { readonly tcp: number; readonly udp: number; readonly unix: number; readonly other: number } | null;
  /** TCP/UDP sockets of the process by state: {"LISTEN": 1, "ESTABLISHED": 3}. */
  readonly byState: Readonly<Record<string, number>>;
  readonly sendQueueBytes: number;
  readonly recvQueueBytes: number;
  /**
   * Its listening TCP sockets and how many connections wait in each one's accept queue (the
   * `rx_queue` of a LISTEN row in /proc/net/tcp is the accept queue's length, sk_ack_backlog;
   * the backlog given to listen() is not in /proc).
   */
  readonly listening: readonly { readonly fd: number; readonly local: string; readonly acceptQueue: number; readonly inode: number }[];
  /** Connections with bytes queued, biggest first (at most 5). */
  readonly queued: readonly { readonly text: string; readonly sendQueue: number; readonly recvQueue: number }[];
  /** Namespace-wide TCP counters as rates over the interval (null with one sample). */
  readonly rates: {
    readonly retransSegsPerSec: number | null;
    readonly outSegsPerSec: number | null;
    readonly listenOverflowsPerSec: number | null;
    readonly listenDropsPerSec: number | null;
  } | null;
  /** Totals since boot (for the one-sample case). */
  readonly totals: { readonly retransSegs: number | null; readonly listenOverflows: number | null; readonly listenDrops: number | null };
  readonly unavailable: string | null;
}

export interface MemoryView {
  readonly rssKb: number | null;
  readonly swapKb: number | null;
  readonly majorFaultsPerSec: number | null;
  readonly psiSomeAvg10: number | null;
  readonly psiFullAvg10: number | null;
  /** The process's cgroup v2 memory controller; null without cgroup v2. */
  readonly cgroup: {
    readonly path: string;
    readonly maxBytes: number | null;
    readonly highBytes: number | null;
    readonly currentBytes: number | null;
    /** `memory.events` counters: oom, oom_kill, high, max (since the cgroup was created). */
    readonly events: Readonly<Record<string, number>> | null;
    /** The same counters' growth over the interval (null with one sample). */
    readonly eventsInInterval: Readonly<Record<string, number>> | null;
    readonly unavailable: string | null;
  } | null;
}
