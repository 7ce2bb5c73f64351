/**
 * What the seed material knows about a process's waits, as data (issue 12): thundering herds,
 * O(n) polling, thread-per-connection, shared fd tables, accept queues, syscall and switch
 * rates, the memory split, durability waits. Part of the JSON (`insights`, README "JSON
 * output"); the words are made by src/report/insights.ts. Every insight carries the numbers it
 * rests on, where they were read (`sources`), the kernel functions behind the claim (`kernel`)
 * and whether /proc can be sure (`confidence`).
 */
import type { KernelCite } from '../../kernel/mechanisms.js';
import type { WaitKind } from '../../kernel/wait-kinds.js';

/** `certain`: /proc shows it; `likely`: /proc cannot rule the alternative out (each insight says which). */
export type Confidence = 'certain' | 'likely';

interface Grounded {
  readonly confidence: Confidence;
  /** The /proc files the numbers come from. */
  readonly sources: readonly string[];
  readonly kernel: readonly KernelCite[];
}

// ---------------------------------------------------------------------------------------
// 1. Several waiters on one listening socket: a thundering herd, or one woken per connection

/** One epoll instance (a process's epoll fd) watching the listening socket. */
export interface EpollWatcher {
  readonly pid: number;
  readonly comm: string | null;
  readonly epfd: number;
  /** The watch's event mask from fdinfo `tfd:` (EPOLLERR|EPOLLHUP are added by the kernel). */
  readonly events: number;
  /** EPOLLEXCLUSIVE (1 << 28) is set: the watch is an exclusive wait-queue entry. */
  readonly exclusive: boolean;
  /** Threads in epoll_wait on this instance now (one of them is woken per event it delivers). */
  readonly waitingTids: readonly number[];
}

export interface AcceptWaiter {
  readonly pid: number;
  readonly comm: string | null;
  readonly tid: number;
}

export interface HerdInsight extends Grounded {
  readonly inode: number;
  /** `127.0.0.1:8080`. */
  readonly local: string;
  readonly watchers: readonly EpollWatcher[];
  /** Threads blocked in accept() on it: exclusive waiters on every kernel. */
  readonly acceptors: readonly AcceptWaiter[];
  /** Entries on the socket's wait queue that would be woken now: epoll instances with a waiting thread, and acceptors. */
  readonly waiters: number;
  /** How many of them one new connection wakes: every non-exclusive one, plus one exclusive. */
  readonly wokenPerConnection: number;
  /** `thundering-herd`: one connection wakes several; `one-woken`: exclusive waits wake one. */
  readonly judgement: 'thundering-herd' | 'one-woken';
  /**
   * Several processes' epoll fds with the same watch list could be one instance inherited through
   * fork (one woken then): /proc has no instance id. Different watch lists prove separate instances.
   */
  readonly separateInstances: Confidence | null;
  /** Processes holding the socket (the target included) among those searched. */
  readonly holders: number;
  readonly search: { readonly scope: 'family'; readonly processes: number; readonly cut: boolean };
  /** Connections the namespace accepted per second (TCP PassiveOpens): what each wake-up is for. */
  readonly passiveOpensPerSec: number | null;
  /** At most this many needless wake-ups per second: (woken − 1) × PassiveOpens/s of the namespace. */
  readonly needlessWakeupsPerSec: number | null;
}

// ---------------------------------------------------------------------------------------
// 2. poll/select over many fds

export interface PollingInsight extends Grounded {
  readonly tid: number;
  readonly comm: string;
  readonly syscall: string;
  /** The syscall's nfds argument: poll/ppoll's array length; select/pselect6's highest fd + 1. */
  readonly nfds: number;
  readonly nfdsMeaning: 'array-length' | 'highest-fd-plus-one';
  /** Calls that slept per second, at least: the thread's voluntary switches (task/TID/status). */
  readonly sleepsPerSec: number | null;
  /** Wait-queue entries added and removed per second, at most: nfds × sleepsPerSec. */
  readonly entriesPerSec: number | null;
  readonly cpuPercent: number | null;
  /** The process's read+write syscalls/s (`io`; poll itself is not counted there). */
  readonly processSyscallsPerSec: number | null;
  /** Why epoll would pay: many fds per call, or many calls; null when neither. */
  readonly suggestEpoll: 'many-fds' | 'many-calls' | null;
}

// ---------------------------------------------------------------------------------------
// 3. Thread-per-connection, or a pool on one queue

export interface ThreadModelInsight extends Grounded {
  readonly model: 'thread-per-connection' | 'pool-on-one-queue';
  readonly threads: number;
  readonly tids: readonly number[];
  /** thread-per-connection: distinct connected sockets they block on. */
  readonly connections: number | null;
  /** pool-on-one-queue: what they all wait on. */
  readonly queue: { readonly kind: 'fd'; readonly fd: number; readonly inode: number | null; readonly what: string } | { readonly kind: 'futex'; readonly address: string; readonly groupId: string } | null;
  /** Context switches/s of those threads, summed over their task/TID/status. */
  readonly voluntarySwitchesPerSec: number | null;
  readonly involuntarySwitchesPerSec: number | null;
  /** Soft RLIMIT_STACK (`Max stack size`): glibc's default thread stack unless the program sets one. Null = unlimited or unread. */
  readonly stackRlimitBytes: number | null;
  /** threads × stackRlimitBytes: address space reserved for their stacks, likely (never read from maps). */
  readonly stackReservedBytes: number | null;
  /** threads × THREAD_SIZE: kernel stacks, not in RSS. Null on an architecture not known. */
  readonly kernelStackBytes: number | null;
  readonly vmSizeKb: number | null;
  readonly rssAnonKb: number | null;
}

// ---------------------------------------------------------------------------------------
// 4. Fd tables: one per process, shared by its threads; children have their own

export interface ChildPoolGroup {
  readonly comm: string;
  readonly count: number;
  /** fds summed over these children (their own tables); null when none could be listed. */
  readonly fds: number | null;
  /** Their main threads' waits, most common first (`not-read`: only their state was read, as when no thread waits for them). */
  readonly waits: readonly { readonly kind: WaitKind | string; readonly count: number }[];
}

export interface FdTableInsight extends Grounded {
  /** Open fds of the process's table (`fd/`), counted once. */
  readonly fds: number | null;
  readonly threads: number;
  /** Threads whose `task/TID/fd` listing was compared with the process's, and how many matched. */
  readonly checked: number;
  readonly matched: number;
  readonly differing: readonly number[];
  readonly children: {
    readonly count: number;
    readonly fds: number | null;
    readonly unreadable: number;
    readonly groups: readonly ChildPoolGroup[];
  } | null;
}

// ---------------------------------------------------------------------------------------
// 5. Accept queues, before they overflow

export type AcceptQueueState =
  /** Nothing waits to be accepted. */
  | 'empty'
  /** Connections wait and something accepts them: healthy, even near full. */
  | 'accepting'
  /** More wait now than at the interval's start, though something accepts. */
  | 'falling-behind'
  /** Connections wait and nothing accepts: it will overflow. */
  | 'not-accepting'
  /** Full (the namespace's listen queues overflow) while something accepts: not fast enough. */
  | 'overflowing'
  /** Full and nothing accepts: new connections are dropped (seed 000). */
  | 'dropping';

export interface AcceptQueueInsight extends Grounded {
  readonly fd: number;
  readonly local: string;
  readonly inode: number;
  /** rx_queue of its LISTEN row now (sk_ack_backlog), and at the interval's start. */
  readonly queued: number;
  readonly queuedBefore: number | null;
  /** No backlog is larger than this (net.core.somaxconn); the backlog itself is not in /proc. */
  readonly somaxconn: number | null;
  /** queued / somaxconn: the queue is at least this full (0–1). */
  readonly fullAtLeast: number | null;
  /** While it overflows a full queue holds backlog + 1, so this is the backlog; null otherwise. */
  readonly backlogIfFull: number | null;
  /** Namespace-wide TcpExt counters over the interval; attributed to this socket only when `overflowsHere`. */
  readonly overflowsPerSec: number | null;
  readonly dropsPerSec: number | null;
  /** It is the only listening socket of the process with a non-empty queue while the namespace overflows. */
  readonly overflowsHere: boolean;
  /** Threads in accept() on it, or in epoll_wait on an instance watching it, in it and its family. */
  readonly acceptingThreads: number;
  readonly state: AcceptQueueState;
}

// ---------------------------------------------------------------------------------------
// 6. Syscall and switch rates

export type RateFinding = 'small-syscalls' | 'cpu-contention' | 'blocking-chatter';

export interface RateInsight extends Grounded {
  /** syscr + syscw per second (read- and write-like calls only). */
  readonly syscallsPerSec: number | null;
  /** (rchar + wchar) / (syscr + syscw) over the interval. */
  readonly bytesPerSyscall: number | null;
  readonly voluntarySwitchesPerSec: number | null;
  readonly involuntarySwitchesPerSec: number | null;
  /** The threads switching most, for the words "mostly tid N". */
  readonly topSwitchers: readonly { readonly tid: number; readonly comm: string; readonly voluntary: number; readonly involuntary: number }[];
  readonly findings: readonly RateFinding[];
}

// ---------------------------------------------------------------------------------------
// 7. Memory: what RSS is made of

export interface MemoryMixInsight extends Grounded {
  readonly rssKb: number | null;
  /** RssAnon, RssFile, RssShmem of /proc/PID/status (4.5+). */
  readonly anonKb: number | null;
  readonly fileKb: number | null;
  readonly shmemKb: number | null;
  /** smaps_rollup (4.14+): proportional set size, and its split (5.3+). */
  readonly pssKb: number | null;
  readonly pssAnonKb: number | null;
  readonly pssFileKb: number | null;
  readonly pssShmemKb: number | null;
  /** Shared_Clean + Shared_Dirty: pages other processes map too (libraries, memory shared after fork). */
  readonly sharedKb: number | null;
  readonly privateDirtyKb: number | null;
  readonly swapKb: number | null;
  readonly swapPssKb: number | null;
  /** What most of RSS is: `file` (page cache, reclaimable), `anon` (reclaimable only to swap), `shmem`, or `mixed`. */
  readonly mostly: 'file' | 'anon' | 'shmem' | 'mixed' | null;
  /** Why smaps_rollup is missing (not root, kernel before 4.14, not in the capture), or null. */
  readonly rollupUnavailable: string | null;
}

// ---------------------------------------------------------------------------------------
// 8. Durability waits

/** The rung of the durability ladder a thread waits on. */
export type DurabilityCall = 'fsync' | 'fdatasync' | 'o-sync-write' | 'o-dsync-write' | 'sync-file-range' | 'sync' | 'msync' | 'buffered-write' | 'unknown';

/** Where in the kernel the wait is. */
export type DurabilityStage = 'data-writeback' | 'metadata-write' | 'journal-commit' | 'cache-flush' | 'direct-io' | 'dirty-throttle';

export interface DurabilityThread {
  readonly tid: number;
  readonly comm: string;
  readonly call: DurabilityCall;
  /** The call is known from the syscall file (`certain`) or from the fd's open flags alone (`likely`). */
  readonly callFrom: 'syscall' | 'open-flags' | 'stack' | 'none';
  readonly stages: readonly DurabilityStage[];
  readonly fd: number | null;
  readonly path: string | null;
  /** From fdinfo `flags:`. */
  readonly openFlags: { readonly direct: boolean; readonly dsync: boolean; readonly sync: boolean } | null;
  /** Its share of the interval in these waits (0–1); null with one sample. */
  readonly share: number | null;
  readonly voluntarySwitchesPerSec: number | null;
}

export interface DurabilityInsight extends Grounded {
  readonly threads: readonly DurabilityThread[];
  /** Average threads in durability waits over the interval (process.shares). */
  readonly avgThreads: number | null;
  /** write-like syscalls/s (syscw) and bytes per write (wchar/syscw). */
  readonly writesPerSec: number | null;
  readonly bytesPerWrite: number | null;
  /** Durable points per second when each write is one (O_DSYNC/O_SYNC, or a write + sync loop: likely). */
  readonly syncsPerSec: number | null;
  /**
   * Why syncsPerSec is the write rate: `sync-flags` (O_DSYNC/O_SYNC: every write syncs, certain) or
   * `one-sync-per-write` (fsync/fdatasync calls are not counted in io: one per write is assumed, likely).
   */
  readonly syncsBasis: 'sync-flags' | 'one-sync-per-write' | null;
  /** avgThreads / syncsPerSec: the wait each durable write costs, ms. */
  readonly msPerSync: number | null;
}

export interface Insights {
  readonly herds: readonly HerdInsight[];
  readonly acceptQueues: readonly AcceptQueueInsight[];
  readonly polling: readonly PollingInsight[];
  readonly threadModels: readonly ThreadModelInsight[];
  readonly fdTables: FdTableInsight | null;
  readonly rates: RateInsight | null;
  readonly memory: MemoryMixInsight | null;
  readonly durability: DurabilityInsight | null;
}
