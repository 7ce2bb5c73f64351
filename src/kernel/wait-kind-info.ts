import type { WaitExplanation, WaitKind } from './wait-kinds.js';
import { siteById } from './wait-sites.js';

/**
 * What a thread in this kind of wait is doing, as the tree judges a process:
 * - `running`: on a CPU or in the runqueue;
 * - `idle`: waiting for work by design (an event loop, a timer, a parked kernel thread);
 * - `waiting`: waiting for someone else — a child, a peer, another thread's lock;
 * - `blocked`: stuck in the kernel on something slow (disk, memory, a kernel lock, a freeze);
 * - `halted`: stopped, traced or exited: it will not run until someone acts;
 * - `hidden`: the wait could not be seen.
 */
export type Posture = 'running' | 'idle' | 'waiting' | 'blocked' | 'halted' | 'hidden';

/** What the follow step looks at for this kind: the fd it reads, the epoll watch list, the children, the futex word. */
export type Follows = 'fd' | 'epoll' | 'children' | 'futex' | null;

/** When a next command helps: always, or only with a lock queue, or only when the process may have sockets. */
export type NextWhen = 'always' | 'lock-queue' | 'may-have-sockets';

/**
 * A command to run next for threads in this wait. `{pid}` is the process; `{waiters}` reads
 * "it waits" or "these threads wait". `order` places it among the commands of every kind
 * present, so the list reads the same whatever order the kinds were met in.
 */
export interface NextTemplate {
  readonly command: string;
  readonly why: string;
  readonly when: NextWhen;
  readonly order: number;
}

export interface WaitKindInfo {
  readonly posture: Posture;
  /** Shown as state D (uninterruptible): counts in the load average and in PSI io/memory. */
  readonly dState: boolean;
  /** Place in a thread list: stuck-looking first (0), then running, waits on others, idle, unknown last. */
  readonly displayRank: number;
  readonly follows: Follows;
  /** fd types (`socket`, `pipe`, `tty`, `anon_inode:KIND`) that make a shared wait site this kind. */
  readonly fdTypes: readonly string[];
  /** What it means when no catalog row says more. */
  readonly explanation: WaitExplanation;
  readonly next: readonly NextTemplate[];
}

function catalogRow(id: string): WaitExplanation {
  const site = siteById(id);
  if (!site) throw new Error(`wait-sites catalog has no row ${id}`);
  return site.explanation;
}

const SLEEP_COST = 'None while it waits: a sleeping thread (S) uses no CPU and does not count in the load average.';

const OTHER: WaitExplanation = {
  waitsFor: 'Something the catalog does not know.',
  wakesWhen: 'Unknown.',
  cost: 'A sleeping thread (S) uses no CPU and does not count in the load average.',
};

const D_STATE_NEXT: readonly NextTemplate[] = [
  { command: 'cat /proc/{pid}/task/*/stack', why: 'kernel stacks of the D-state threads (root)', when: 'always', order: 3 },
  { command: 'iostat -x 1', why: 'is the device behind the D-state threads saturated?', when: 'always', order: 4 },
];

const SOCKETS_NEXT: readonly NextTemplate[] = [
  { command: "ss -tnpi | grep 'pid={pid},'", why: 'the sockets it waits on: peers, queues, RTT', when: 'may-have-sockets', order: 5 },
];

const NONE: readonly NextTemplate[] = [];

/** One row per wait kind: adding a kind to WAIT_KINDS fails to compile until its row is filled. */
export const WAIT_KIND_INFO: Readonly<Record<WaitKind, WaitKindInfo>> = {
  running: { posture: 'running', dState: false, displayRank: 2, follows: null, fdTypes: [], explanation: catalogRow('running'), next: NONE },
  waitpid: {
    posture: 'waiting',
    dState: false,
    displayRank: 3,
    follows: 'children',
    fdTypes: [],
    explanation: catalogRow('child-wait'),
    next: [{ command: 'ps --ppid {pid} -o pid,stat,wchan:32,comm', why: 'the children {waiters} for: triage them next (proctriage triage CHILD_PID)', when: 'always', order: 0 }],
  },
  epoll: { posture: 'idle', dState: false, displayRank: 4, follows: 'epoll', fdTypes: [], explanation: catalogRow('epoll-wait'), next: SOCKETS_NEXT },
  futex: {
    posture: 'waiting',
    dState: false,
    displayRank: 3,
    follows: 'futex',
    fdTypes: [],
    explanation: catalogRow('futex-wait'),
    next: [
      { command: 'offcputime -p {pid}', why: 'user stacks of the futex waiters: which lock or condition variable (bcc tools)', when: 'lock-queue', order: 1 },
      { command: "gdb -p {pid} -batch -ex 'thread apply all bt'", why: 'user-space stacks show who holds the lock (pauses the process briefly)', when: 'lock-queue', order: 2 },
    ],
  },
  poll: { posture: 'idle', dState: false, displayRank: 4, follows: null, fdTypes: [], explanation: catalogRow('select'), next: SOCKETS_NEXT },
  pipe: {
    posture: 'waiting',
    dState: false,
    displayRank: 3,
    follows: 'fd',
    fdTypes: ['pipe'],
    explanation: catalogRow('pipe-read'),
    next: [{ command: 'ls -l /proc/{pid}/fd', why: 'which pipe it reads: find the writer with `lsof` on the pipe inode', when: 'always', order: 6 }],
  },
  socket: {
    posture: 'waiting',
    dState: false,
    displayRank: 3,
    follows: 'fd',
    fdTypes: ['socket'],
    explanation: {
      waitsFor: 'A socket: data from the peer, room in the send buffer, a connection to accept or to complete.',
      wakesWhen: 'The peer or the network acts, the socket timeout expires, or a signal arrives.',
      cost: SLEEP_COST,
    },
    next: SOCKETS_NEXT,
  },
  sleep: { posture: 'idle', dState: false, displayRank: 4, follows: null, fdTypes: [], explanation: catalogRow('nanosleep'), next: NONE },
  signal: { posture: 'idle', dState: false, displayRank: 4, follows: 'fd', fdTypes: ['anon_inode:signalfd'], explanation: catalogRow('pause'), next: NONE },
  tty: { posture: 'idle', dState: false, displayRank: 4, follows: 'fd', fdTypes: ['tty'], explanation: catalogRow('tty-read'), next: NONE },
  'event-fd': {
    posture: 'idle',
    dState: false,
    displayRank: 4,
    follows: 'fd',
    fdTypes: ['anon_inode:eventfd', 'anon_inode:timerfd', 'anon_inode:inotify'],
    explanation: {
      waitsFor: 'An event descriptor: an eventfd to be signalled, a timerfd to expire, an inotify event or a userfaultfd fault.',
      wakesWhen: 'The event happens, or a signal arrives.',
      cost: SLEEP_COST,
    },
    next: NONE,
  },
  ipc: { posture: 'waiting', dState: false, displayRank: 3, follows: null, fdTypes: [], explanation: catalogRow('sysv-msg'), next: NONE },
  'file-lock': { posture: 'blocked', dState: false, displayRank: 1, follows: null, fdTypes: [], explanation: catalogRow('file-lock'), next: NONE },
  io_uring: { posture: 'idle', dState: false, displayRank: 4, follows: null, fdTypes: [], explanation: catalogRow('io_uring-wait'), next: NONE },
  'disk-io': {
    posture: 'blocked',
    dState: true,
    displayRank: 0,
    follows: null,
    fdTypes: [],
    explanation: {
      waitsFor: 'Block or network-filesystem I/O to complete.',
      wakesWhen: 'The device (or the file server) completes the I/O.',
      cost: 'Uses no CPU, but a D-state thread counts in the load average and its wait shows in PSI io.',
    },
    next: D_STATE_NEXT,
  },
  reclaim: { posture: 'blocked', dState: true, displayRank: 0, follows: null, fdTypes: [], explanation: catalogRow('memory-reclaim'), next: NONE },
  'kernel-lock': {
    posture: 'blocked',
    dState: true,
    displayRank: 0,
    follows: null,
    fdTypes: [],
    explanation: {
      waitsFor: 'A kernel lock (mutex or rw-semaphore) taken by the function shown; the lock’s slow path itself is never visible in /proc.',
      wakesWhen: 'The holder releases the lock.',
      cost: 'Uses no CPU; in D it counts in the load average. Find the holder, usually another thread in D waiting for I/O.',
    },
    next: D_STATE_NEXT,
  },
  vfork: { posture: 'blocked', dState: true, displayRank: 0, follows: null, fdTypes: [], explanation: catalogRow('vfork-wait'), next: NONE },
  frozen: { posture: 'blocked', dState: true, displayRank: 0, follows: null, fdTypes: [], explanation: catalogRow('frozen'), next: NONE },
  uninterruptible: {
    posture: 'blocked',
    dState: true,
    displayRank: 0,
    follows: null,
    fdTypes: [],
    explanation: {
      waitsFor: 'Something in the kernel that it may not be interrupted from; the catalog does not know this wait.',
      wakesWhen: 'Unknown: the kernel function shown is the place to look.',
      cost: 'Uses no CPU, but counts in the load average; only the event it waits for (not signals, maybe SIGKILL) ends it.',
    },
    next: D_STATE_NEXT,
  },
  stopped: { posture: 'halted', dState: false, displayRank: 3, follows: null, fdTypes: [], explanation: catalogRow('signal-stop'), next: NONE },
  traced: { posture: 'halted', dState: false, displayRank: 3, follows: null, fdTypes: [], explanation: catalogRow('ptrace-stop'), next: NONE },
  zombie: { posture: 'halted', dState: false, displayRank: 3, follows: null, fdTypes: [], explanation: catalogRow('zombie'), next: NONE },
  idle: { posture: 'idle', dState: false, displayRank: 5, follows: null, fdTypes: [], explanation: catalogRow('kthread-workqueue-idle'), next: NONE },
  other: { posture: 'waiting', dState: false, displayRank: 6, follows: null, fdTypes: [], explanation: OTHER, next: NONE },
  unknown: { posture: 'hidden', dState: false, displayRank: 7, follows: null, fdTypes: [], explanation: OTHER, next: NONE },
};

/** The kind a shared wait site is, from the type of the fd the syscall names (`socket`, `anon_inode:eventfd`); null when none says. */
export function kindOfFdType(fdType: string): WaitKind | null {
  for (const [kind, info] of Object.entries(WAIT_KIND_INFO) as [WaitKind, WaitKindInfo][]) if (info.fdTypes.includes(fdType)) return kind;
  return null;
}
