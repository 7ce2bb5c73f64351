import type { Arch } from './arch.js';
import type { WaitExplanation, WaitKind } from './wait-kinds.js';
import { syscallNumber } from './syscalls.js';
import { inKernelRange, kernelVersion, type KernelRange, type KernelVersion } from './version.js';

/**
 * The wait-site catalog of ../shared/kernel-wait-sites.md as data: for each way a thread
 * can wait, the kernel symbols that `wchan` and the top of `stack` show on every kernel from
 * 4.0 to 6.18 (with the versions each one shows on), the syscalls it happens in, and what it
 * means in plain words.
 *
 * Matching rules the classifier relies on:
 * - a row's `symbols` are compared with the top frame (or `wchan`) after stripping clone
 *   suffixes (`.constprop.0`, `.isra.0`);
 * - a symbol listed by several rows (`wait_woken`, `folio_wait_bit`, …) is a generic helper:
 *   the deeper stack frames are compared with each row's `callers`, then the syscall number
 *   with each row's `syscalls`; `SHARED_SYMBOLS` says what it means when neither decides;
 * - a `weak` symbol can also mean something else (`kernel_clone` outside vfork, `get_signal`
 *   outside a cgroup-v2 freeze): it needs the syscall's agreement to be certain.
 */

/**
 * One symbol of a row. `since`/`until` are the mainline releases (both inclusive) in which the
 * symbol exists and is where this wait shows, checked against the kernel sources of each
 * version: `since` null = already in 4.0, `until` null = still in 6.18 (see `KernelRange`).
 * Where a stable backport put it into older releases, `since` names the oldest such release.
 */
export interface KernelSymbol extends KernelRange {
  /** Symbol without clone suffix, as `stripSymbolSuffix` leaves it. */
  readonly name: string;
  /** Source file in the newest kernel that has the symbol (shown to users). */
  readonly file: string;
  /** Short qualifier for summaries, e.g. `mmap_lock` for a lock taker. */
  readonly note?: string;
  /** The symbol also appears outside this wait: a match alone is only `likely`. */
  readonly weak?: boolean;
  /**
   * Leaves no frame of its own on some builds (inlined into its caller, or it tail-calls into
   * the scheduler): there its caller, listed in the same row, shows instead.
   */
  readonly inlinedOnSomeBuilds?: boolean;
  /**
   * Shows only on builds where this callee (a function, or the wait it names) leaves no frame
   * of its own, being inlined or tail-called; elsewhere the callee shows. `do_epoll_wait`
   * shows where `ep_poll` is inlined.
   */
  readonly showsWhenInlined?: string;
  /**
   * A scheduler-section (`__sched`) function: `wchan` and `/proc/PID/stack` skip it, so only
   * hung-task reports, sysrq-w, perf or eBPF stacks show it.
   */
  readonly normallyHidden?: boolean;
  /** Only on this architecture: an arch fault handler, syscall wrapper or assembly thunk. */
  readonly arch?: Arch;
  /** When it applies, where that is not a kernel version: `flock`, `cgroup v2 memory.high`. */
  readonly context?: string;
}

/** A deeper stack frame that picks a row when the top symbol is shared. `prefix*` matches a prefix. */
export interface CallerPattern {
  readonly name: string;
  readonly note?: string;
}

export interface WaitSite {
  /** Catalog row id, e.g. `epoll-wait`; also `WaitClassification.site`. */
  readonly id: string;
  readonly kind: WaitKind;
  /** Short phrase for table summaries, e.g. `pipe read`. */
  readonly label: string;
  /** The decoded syscall says it all (`epoll_wait(epfd=5, timeout=∞)`): no label in the summary. */
  readonly syscallSaysIt?: boolean;
  readonly symbols: readonly KernelSymbol[];
  readonly callers?: readonly CallerPattern[];
  /** Syscall names (per-arch numbers come from the syscall tables); empty = any syscall or none. */
  readonly syscalls: readonly string[];
  /** State letters this wait shows as, e.g. `S`, `D`, `SD`. */
  readonly states: string;
  /** For futex rows: the FUTEX_* commands (op & 0x7f) that sleep here. */
  readonly futexCommands?: readonly number[];
  readonly explanation: WaitExplanation;
  /** Waiting for work by design though its kind is not always so: a server in accept(), a datagram server in recv. */
  readonly idleByDesign?: true;
}

/** What a shared symbol means when neither the stack nor the syscall picks a row. */
export interface SharedSymbol {
  readonly kind: WaitKind;
  readonly explanation: WaitExplanation;
}

type SymbolFacts = Partial<Omit<KernelSymbol, 'name' | 'file' | keyof KernelRange>>;

function sym(name: string, file: string, kernels: KernelRange, extra: SymbolFacts = {}): KernelSymbol {
  return { name, file, since: kernels.since, until: kernels.until, ...extra };
}

/** `since`/`until` from catalog literals: `range('5.6', '6.14')`, `range(null, '5.15')`, `range('6.16')`. */
function range(since: string | null, until: string | null = null): KernelRange {
  return { since: since === null ? null : kernelVersion(since), until: until === null ? null : kernelVersion(until) };
}

/** Present and showing for this wait on every kernel the catalog covers. */
const ALL_KERNELS: KernelRange = { since: null, until: null };

/**
 * Whether the catalog knows `symbol` as this wait's site on kernel `v` (architecture aside: see
 * `symbol.arch`). A symbol seen outside its range is a renamed function's old or new name, or a
 * build the catalog has not met: the match is then less certain.
 */
export function symbolKnownOn(symbol: KernelSymbol, v: KernelVersion): boolean {
  return inKernelRange(v, symbol);
}

/** Whether this symbol shows or not depending on how the kernel was compiled. */
export function dependsOnInlining(symbol: KernelSymbol): boolean {
  return symbol.inlinedOnSomeBuilds === true || symbol.showsWhenInlined !== undefined;
}

function callers(...names: string[]): CallerPattern[] {
  return names.map((name) => ({ name }));
}

// Costs, reused across rows so every row says the same thing the same way.
const COST_SLEEP = 'None while it waits: a sleeping thread (S) uses no CPU and does not count in the load average.';
const COST_IDLE = `${COST_SLEEP} This is idle by design, not a problem.`;
const COST_DISK =
  'Uses no CPU, but a D-state thread counts in the load average and its wait shows in PSI io (some/full). Many such threads mean slow or saturated storage.';
const COST_LOCK =
  'Uses no CPU; in D it counts in the load average. Everything else that needs the same lock queues behind it: find the holder, usually another thread in D waiting for I/O.';
const COST_RECLAIM =
  'Reclaim burns CPU scanning pages, and its waits count in the load average and in PSI memory (some/full). Correlate with memory pressure or a cgroup memory limit.';
const COST_STOPPED = 'Uses no CPU and does not count in the load average, but the work it should do makes no progress.';

// Where the shared waits live; one constant per file keeps the rows short.
const SCHED_WAIT = 'kernel/sched/wait.c';
const FILEMAP = 'mm/filemap.c';
const SIGNAL = 'kernel/signal.c';
const SELECT = 'fs/select.c';
const PIPE = 'fs/pipe.c';
const SOCK = 'net/core/sock.c';
const AF_UNIX = 'net/unix/af_unix.c';
const AF_INET = 'net/ipv4/af_inet.c';
const VMSCAN = 'mm/vmscan.c';
const WAITWAKE = 'kernel/futex/waitwake.c';
const NAMEI = 'fs/namei.c';
const EXT4_FILE = 'fs/ext4/file.c';

/** Page-cache wait helpers shared by page reads, writeback and reclaim. */
const PAGE_WAIT_SYMBOLS: readonly KernelSymbol[] = [
  // The folio conversion of 5.16 renamed the page wait helpers (5.15 has the old names, 5.16 the new).
  sym('wait_on_page_bit', FILEMAP, range(null, '5.15')),
  // New in 4.10 with the PageWaiters rework (4.9 has no such function); `static inline`, yet usually kept out of line.
  sym('wait_on_page_bit_common', FILEMAP, range('4.10', '5.15'), { inlinedOnSomeBuilds: true }),
  sym('folio_wait_bit', FILEMAP, range('5.16'), { showsWhenInlined: 'folio_wait_bit_common' }),
  sym('folio_wait_bit_common', FILEMAP, range('5.16'), { inlinedOnSomeBuilds: true }),
];

const READ_SYSCALLS = ['read', 'readv', 'pread64', 'preadv', 'preadv2'];
const WRITE_SYSCALLS = ['write', 'writev', 'pwrite64', 'pwritev', 'pwritev2'];
const RECV_SYSCALLS = ['recvfrom', 'recvmsg', 'recvmmsg', 'read', 'readv'];
const SEND_SYSCALLS = ['sendto', 'sendmsg', 'sendmmsg', 'write', 'writev'];

const PROCESS_ROWS: readonly WaitSite[] = [
  {
    id: 'child-wait',
    kind: 'waitpid',
    label: 'waiting for a child',
    syscallSaysIt: true,
    symbols: [sym('do_wait', 'kernel/exit.c', ALL_KERNELS)],
    syscalls: ['wait4', 'waitid'],
    states: 'S',
    explanation: {
      waitsFor:
        'A child process to exit or stop: a shell waiting for its foreground job, subprocess.run(), a tracer waiting for its tracee.',
      wakesWhen: 'A child exits, stops or continues, or a signal interrupts the wait.',
      cost: `${COST_SLEEP} Not a resource problem: look at the child.`,
    },
  },
  {
    id: 'vfork-wait',
    kind: 'vfork',
    label: 'vfork parent',
    symbols: [
      // do_fork became _do_fork in 4.2 ("clone: support passing tls argument via C") and kernel_clone in 5.10.
      sym('_do_fork', 'kernel/fork.c', range('4.2', '5.9'), { weak: true, showsWhenInlined: 'wait_for_vfork_done' }),
      sym('kernel_clone', 'kernel/fork.c', range('5.10'), { weak: true, showsWhenInlined: 'wait_for_vfork_done' }),
      sym('wait_for_vfork_done', 'kernel/fork.c', ALL_KERNELS, { inlinedOnSomeBuilds: true }),
    ],
    syscalls: ['vfork', 'clone', 'clone3'],
    states: 'D',
    explanation: {
      waitsFor: 'The child it created with vfork (posix_spawn, Python subprocess) to call exec or exit; parent and child share memory until then.',
      wakesWhen: 'The child execs or exits.',
      cost:
        'Uses no CPU; the D state (killable) counts in the load average. Normally microseconds: a long wait means the child is stuck before exec.',
    },
  },
  {
    id: 'zombie',
    kind: 'zombie',
    label: 'zombie',
    symbols: [sym('exit_notify', 'kernel/exit.c', ALL_KERNELS)],
    syscalls: [],
    states: 'Z',
    explanation: {
      waitsFor: 'Nothing: the process has exited and waits for its parent to collect its exit status with wait*().',
      wakesWhen: 'Never: it disappears when the parent reaps it, or when the parent exits and init reaps it.',
      cost: 'Only a pid and a small kernel structure; no CPU or memory. A growing number of zombies points to a parent that does not reap.',
    },
  },
  {
    id: 'signal-stop',
    kind: 'stopped',
    label: 'stopped',
    symbols: [sym('do_signal_stop', SIGNAL, ALL_KERNELS)],
    syscalls: [],
    states: 'T',
    explanation: {
      waitsFor: 'SIGCONT: it was stopped by SIGSTOP/SIGTSTP/SIGTTIN/SIGTTOU (Ctrl-Z, kill -STOP, a debugger detaching badly).',
      wakesWhen: 'It receives SIGCONT (fg, bg, kill -CONT) or SIGKILL.',
      cost: COST_STOPPED,
    },
  },
  {
    id: 'ptrace-stop',
    kind: 'traced',
    label: 'traced',
    symbols: [sym('ptrace_stop', SIGNAL, ALL_KERNELS)],
    syscalls: [],
    states: 'tT',
    explanation: {
      waitsFor: 'Its tracer (gdb, strace, a crash handler, a sandbox): TracerPid in /proc/PID/status names it.',
      wakesWhen: 'The tracer resumes it (PTRACE_CONT, PTRACE_SYSCALL, detach) or the tracer exits.',
      cost: `${COST_STOPPED} Under strace every syscall stops here, which slows the process a lot.`,
    },
  },
  {
    id: 'frozen',
    kind: 'frozen',
    label: 'frozen',
    symbols: [
      sym('__refrigerator', 'kernel/freezer.c', ALL_KERNELS),
      // The cgroup v2 freezer arrived in 5.2 (5.1 has no do_freezer_trap).
      sym('do_freezer_trap', SIGNAL, range('5.2'), { inlinedOnSomeBuilds: true }),
      sym('get_signal', SIGNAL, range('5.2'), { weak: true, showsWhenInlined: 'do_freezer_trap' }),
    ],
    syscalls: [],
    states: 'DS',
    explanation: {
      waitsFor: 'Thaw: the cgroup freezer (docker pause, systemd freeze, Kubernetes checkpoint) or system suspend paused it on purpose.',
      wakesWhen: 'The cgroup is thawed (cgroup.freeze 0, freezer.state THAWED) or the system resumes.',
      cost: 'Uses no CPU; not a kernel problem. Confirm with the cgroup’s cgroup.events (frozen 1) or freezer.state.',
    },
  },
  {
    id: 'running',
    kind: 'running',
    label: 'running',
    symbols: [],
    syscalls: [],
    states: 'R',
    explanation: {
      waitsFor: 'Nothing: it is on a CPU or runnable, waiting only for a CPU.',
      wakesWhen: 'It is not asleep.',
      cost: 'Uses CPU, or waits in the run queue for one: check PSI cpu and the run-queue delay in /proc/PID/schedstat.',
    },
  },
];

const EVENT_LOOP_ROWS: readonly WaitSite[] = [
  {
    id: 'epoll-wait',
    kind: 'epoll',
    label: 'epoll wait',
    syscallSaysIt: true,
    symbols: [
      sym('ep_poll', 'fs/eventpoll.c', ALL_KERNELS, { inlinedOnSomeBuilds: true }),
      // do_epoll_wait exists since 4.17 (4.16 has none); nothing ties its showing to 6.x: any
      // build that inlines ep_poll shows it.
      sym('do_epoll_wait', 'fs/eventpoll.c', range('4.17'), { showsWhenInlined: 'ep_poll' }),
    ],
    syscalls: ['epoll_wait', 'epoll_pwait', 'epoll_pwait2'],
    states: 'S',
    explanation: {
      waitsFor:
        'Any file descriptor in its epoll set to become ready: an event loop (node/libuv, nginx, asyncio, Go netpoller, Java NIO) with nothing to do.',
      wakesWhen: 'A watched fd becomes ready, the timeout expires, or a signal arrives. /proc/PID/fdinfo/<epfd> lists the watched fds.',
      cost: `${COST_SLEEP} Normally idle rather than blocked.`,
    },
  },
  {
    id: 'select',
    kind: 'poll',
    label: 'select',
    syscallSaysIt: true,
    symbols: [sym('poll_schedule_timeout', SELECT, ALL_KERNELS)],
    callers: callers('do_select', 'core_sys_select', 'kern_select'),
    syscalls: ['select', 'pselect6'],
    states: 'S',
    explanation: {
      waitsFor: 'One of a small set of file descriptors to become ready (Python select.select(), shells, ssh, older event loops).',
      wakesWhen: 'An fd in the set becomes ready, the timeout expires, or a signal arrives.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'poll',
    kind: 'poll',
    label: 'poll',
    syscallSaysIt: true,
    symbols: [sym('poll_schedule_timeout', SELECT, ALL_KERNELS)],
    callers: callers('do_sys_poll', 'do_poll'),
    syscalls: ['poll', 'ppoll'],
    states: 'S',
    explanation: {
      waitsFor: 'One of an array of file descriptors to become ready (glib main loop, Python select.poll(), many daemons).',
      wakesWhen: 'An fd becomes ready, the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} Idle rather than blocked, unless the timeout is infinite and the fds never become ready.`,
    },
  },
  {
    id: 'io_uring-wait',
    kind: 'io_uring',
    label: 'io_uring wait',
    syscallSaysIt: true,
    // io_uring came in 5.1; the file was fs/io_uring.c before 6.0.
    symbols: [sym('io_cqring_wait', 'io_uring/io_uring.c', range('5.1'))],
    syscalls: ['io_uring_enter'],
    states: 'S',
    explanation: {
      waitsFor: 'min_complete completions on its io_uring: the runtime is idle or waits for the I/O it submitted.',
      wakesWhen: 'Enough requests complete, the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} If it waits long, look at what the submitted requests do (iou-wrk threads, disk, network).`,
    },
  },
];

const FUTEX_ROWS: readonly WaitSite[] = [
  {
    id: 'futex-wait',
    kind: 'futex',
    label: 'futex wait',
    syscallSaysIt: true,
    symbols: [
      // Renamed futex_wait_queue by the futex split of 5.16, then futex_do_wait by
      // "futex: Move futex_queue() into futex_wait_setup()" (tip locking/futex, merged for 6.16).
      sym('futex_wait_queue_me', 'kernel/futex.c', range(null, '5.15')),
      sym('futex_wait_queue', WAITWAKE, range('5.16', '6.15')),
      sym('futex_do_wait', WAITWAKE, range('6.16')),
    ],
    syscalls: ['futex', 'futex_wait'],
    states: 'S',
    // FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI
    futexCommands: [0, 9, 11],
    explanation: {
      waitsFor:
        'A user-space lock or condition: pthread mutex/condvar/rwlock/semaphore/join, Python threading.Lock/Condition/Queue, Java or Go parking. The owner is in user space, so the kernel cannot name it.',
      wakesWhen: 'Another thread wakes the same futex address (unlock, signal, post), the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} If it waits long, look at the other threads of the process for the one holding the lock.`,
    },
  },
  {
    id: 'futex-lock-pi',
    kind: 'futex',
    label: 'PI futex lock',
    syscallSaysIt: true,
    symbols: [
      // futex_lock_pi is the first visible frame only while everything below it is __sched: from
      // 5.13 ("locking/rtmutex: Make text section and inlining consistent" put rt_mutex_wait_proxy_lock
      // there) until 6.6. Before, rt_mutex_timed_futex_lock (to 4.11) or rt_mutex_wait_proxy_lock
      // (4.12-5.12) shows; from 6.7 rt_mutex_schedule, which is not __sched. kernel/futex.c before 5.16.
      sym('futex_lock_pi', 'kernel/futex/pi.c', range('5.13', '6.6')),
      sym('rt_mutex_schedule', 'kernel/sched/core.c', range('6.7'), { weak: true }),
    ],
    callers: callers('futex_lock_pi'),
    syscalls: ['futex'],
    states: 'S',
    // FUTEX_LOCK_PI, FUTEX_LOCK_PI2
    futexCommands: [6, 13],
    explanation: {
      waitsFor: 'A priority-inheritance mutex (PTHREAD_PRIO_INHERIT) held by another thread, whose TID is in the futex word.',
      wakesWhen: 'The owner unlocks it, the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} The owner runs at this thread’s priority while it holds the lock.`,
    },
  },
  {
    id: 'futex-waitv',
    kind: 'futex',
    label: 'futex waitv',
    syscallSaysIt: true,
    // futex_waitv(2) is new in 5.16; the sleep itself is the static futex_sleep_multiple().
    symbols: [sym('futex_wait_multiple', WAITWAKE, range('5.16'), { showsWhenInlined: 'futex_sleep_multiple' })],
    syscalls: ['futex_waitv'],
    states: 'S',
    explanation: {
      waitsFor: 'Any of several futexes (Wine/Proton fsync, some game runtimes): a user-space lock or event.',
      wakesWhen: 'Another thread wakes one of the futexes, the timeout expires, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
];

const PIPE_ROWS: readonly WaitSite[] = [
  {
    id: 'pipe-read',
    kind: 'pipe',
    label: 'pipe read',
    symbols: [
      // read(2) slept in pipe_wait() until 5.5: 0ddad21d3e99 ("pipe: use exclusive waits when reading
      // or writing") is 5.6 material, refused for 5.5 stable. splice, tee and FIFO open kept
      // pipe_wait() until it went in 5.9 (5.8 has it), hence its range.
      sym('pipe_wait', PIPE, range(null, '5.8')),
      sym('pipe_read', PIPE, range('5.6', '6.14')),
      // "pipe: don't update {a,c,m}time for anonymous pipes" (6.15) split pipe_read into these two.
      sym('anon_pipe_read', PIPE, range('6.15')),
      sym('fifo_pipe_read', PIPE, range('6.15'), { showsWhenInlined: 'anon_pipe_read' }),
      sym('pipe_wait_readable', PIPE, range('5.9'), { context: 'splice, tee' }),
    ],
    callers: callers('pipe_read', 'anon_pipe_read', 'fifo_pipe_read', 'ipipe_prep'),
    syscalls: [...READ_SYSCALLS, 'splice', 'tee'],
    states: 'S',
    explanation: {
      waitsFor: 'Data from the writing end of a pipe or FIFO: shell pipelines, subprocess stdout, self-pipe wake-ups.',
      wakesWhen: 'The writer writes, or closes its end (end of file), or a signal arrives.',
      cost: `${COST_SLEEP} A long wait means the producer is slow or stuck: look at the writer.`,
    },
  },
  {
    id: 'pipe-write',
    kind: 'pipe',
    label: 'pipe write',
    symbols: [
      sym('pipe_wait', PIPE, range(null, '5.8')),
      sym('pipe_write', PIPE, range('5.6', '6.14')),
      sym('anon_pipe_write', PIPE, range('6.15')),
      sym('fifo_pipe_write', PIPE, range('6.15'), { showsWhenInlined: 'anon_pipe_write' }),
      sym('pipe_wait_writable', PIPE, range('5.9'), { context: 'splice, vmsplice' }),
    ],
    callers: callers('pipe_write', 'anon_pipe_write', 'fifo_pipe_write', 'opipe_prep', 'wait_for_space'),
    syscalls: [...WRITE_SYSCALLS, 'splice', 'vmsplice', 'tee'],
    states: 'S',
    explanation: {
      waitsFor: 'Room in a full pipe (64 KiB by default): the reader does not drain it fast enough (a slow logger, output piped into less).',
      wakesWhen: 'The reader reads, or closes its end (the writer then gets SIGPIPE/EPIPE), or a signal arrives.',
      cost: `${COST_SLEEP} Look at the reading side.`,
    },
  },
  {
    id: 'fifo-open',
    kind: 'pipe',
    label: 'FIFO open',
    // Until 5.8 wait_for_partner() slept in pipe_wait(), which then shows instead.
    symbols: [sym('wait_for_partner', PIPE, range('5.9'))],
    syscalls: ['openat', 'open'],
    states: 'S',
    explanation: {
      waitsFor: 'The other end of a named pipe (FIFO): open for reading waits for a writer, and vice versa.',
      wakesWhen: 'Another process opens the FIFO from the other side, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
];

const SOCKET_ROWS: readonly WaitSite[] = [
  {
    id: 'sock-stream-recv',
    kind: 'socket',
    label: 'stream socket recv',
    // sk_wait_event() slept in schedule_timeout() up to 4.9 and in wait_woken() from 4.10.
    symbols: [sym('wait_woken', SCHED_WAIT, range('4.10')), sym('sk_wait_data', SOCK, range(null, '4.9'))],
    callers: callers('sk_wait_data', 'tcp_recvmsg_locked', 'tcp_recvmsg'),
    syscalls: RECV_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'Data from the peer of a TCP (stream) connection: an idle connection, a slow or unresponsive server, a long poll.',
      wakesWhen: 'The peer sends data or closes the connection, the receive timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} /proc/net/tcp shows the connection (match the socket inode of the fd).`,
    },
  },
  {
    id: 'sock-stream-send',
    kind: 'socket',
    label: 'stream socket send',
    symbols: [sym('wait_woken', SCHED_WAIT, range('4.10')), sym('sk_stream_wait_memory', 'net/core/stream.c', range(null, '4.9'))],
    callers: callers('sk_stream_wait_memory', 'tcp_sendmsg_locked', 'tcp_sendmsg'),
    syscalls: SEND_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'Room in a full TCP send buffer: the peer or the network does not take the data fast enough.',
      wakesWhen: 'The peer acknowledges data and buffer space frees up, the send timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} Look at the receiver and the network path.`,
    },
  },
  {
    id: 'sock-accept',
    kind: 'socket',
    label: 'accept',
    symbols: [
      sym('inet_csk_accept', 'net/ipv4/inet_connection_sock.c', ALL_KERNELS, { showsWhenInlined: 'inet_csk_wait_for_connect' }),
      sym('inet_csk_wait_for_connect', 'net/ipv4/inet_connection_sock.c', ALL_KERNELS, { inlinedOnSomeBuilds: true }),
    ],
    syscalls: ['accept', 'accept4'],
    idleByDesign: true,
    states: 'S',
    explanation: {
      waitsFor: 'A new TCP connection on a listening socket: a server with no client arriving.',
      wakesWhen: 'A client connects, the timeout expires, or a signal arrives.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'sock-connect',
    kind: 'socket',
    label: 'connect',
    // inet_wait_for_connect() slept in schedule_timeout() up to 4.8 and in wait_woken() from 4.9.
    symbols: [sym('wait_woken', SCHED_WAIT, range('4.9')), sym('inet_wait_for_connect', AF_INET, range(null, '4.8'))],
    callers: callers('__inet_stream_connect', 'inet_wait_for_connect', 'inet_stream_connect'),
    syscalls: ['connect'],
    states: 'S',
    explanation: {
      waitsFor:
        'The answer (SYN-ACK) to an outgoing TCP connection: an unreachable or filtered host, or a server whose accept queue is full.',
      wakesWhen: 'The server answers or refuses, the SYN retransmissions give up (about 2 minutes by default), or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
  {
    id: 'sock-dgram-recv',
    kind: 'socket',
    label: 'datagram recv',
    // The static wait_for_more_packets() was renamed and exported by ea3793ee29d3 (net-next, December 2015: 4.5).
    symbols: [sym('__skb_wait_for_more_packets', 'net/core/datagram.c', range('4.5'))],
    callers: [
      { name: '__skb_recv_udp', note: 'UDP' },
      { name: 'udp_recvmsg', note: 'UDP' },
      { name: 'udpv6_recvmsg', note: 'UDP' },
      { name: '__unix_dgram_recvmsg', note: 'AF_UNIX datagram' },
      { name: 'unix_dgram_recvmsg', note: 'AF_UNIX datagram' },
      { name: 'unix_accept', note: 'AF_UNIX accept' },
    ],
    syscalls: [...RECV_SYSCALLS, 'accept', 'accept4'],
    idleByDesign: true,
    states: 'S',
    explanation: {
      waitsFor:
        'A datagram (idle UDP/DNS server, syslog or unix datagram socket) or, in accept, a new connection on a unix stream socket.',
      wakesWhen: 'A datagram or connection arrives, the timeout expires, or a signal arrives.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'unix-stream-recv',
    kind: 'socket',
    label: 'unix socket recv',
    symbols: [
      // unix_stream_read_generic came with splice for AF_UNIX streams (2b514574f7e8, 4.2).
      sym('unix_stream_read_generic', AF_UNIX, range('4.2'), { showsWhenInlined: 'unix_stream_data_wait' }),
      sym('unix_stream_data_wait', AF_UNIX, ALL_KERNELS, { inlinedOnSomeBuilds: true }),
    ],
    syscalls: RECV_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'Data from the peer of a local stream socket: D-Bus, X11/Wayland, docker.sock, socketpair worker pools.',
      wakesWhen: 'The peer sends data or closes its end, the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} Look at the process on the other end.`,
    },
  },
  {
    id: 'unix-connect',
    kind: 'socket',
    label: 'unix connect',
    symbols: [sym('unix_wait_for_peer', AF_UNIX, ALL_KERNELS)],
    callers: callers('unix_stream_connect'),
    syscalls: ['connect'],
    states: 'S',
    explanation: {
      waitsFor: 'A local server to accept: its listen backlog is full.',
      wakesWhen: 'The server accepts a pending connection, the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} The server is not keeping up with new connections.`,
    },
  },
  {
    id: 'sock-wmem-wait',
    kind: 'socket',
    label: 'socket send buffer full',
    symbols: [
      sym('sock_alloc_send_pskb', SOCK, ALL_KERNELS, { showsWhenInlined: 'sock_wait_for_wmem' }),
      sym('sock_wait_for_wmem', SOCK, ALL_KERNELS, { inlinedOnSomeBuilds: true }),
      sym('unix_wait_for_peer', AF_UNIX, ALL_KERNELS),
    ],
    callers: callers('unix_dgram_sendmsg', 'sock_alloc_send_pskb'),
    syscalls: SEND_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'Send-buffer space: the receiver of a datagram socket (unix datagram, UDP with a small buffer) does not read.',
      wakesWhen: 'The receiver reads and frees space, the timeout expires, or a signal arrives.',
      cost: `${COST_SLEEP} Look at the receiving process.`,
    },
  },
];

const SIGNAL_AND_TIMER_ROWS: readonly WaitSite[] = [
  {
    id: 'nanosleep',
    kind: 'sleep',
    label: 'sleep',
    syscallSaysIt: true,
    symbols: [
      sym('hrtimer_nanosleep', 'kernel/time/hrtimer.c', ALL_KERNELS),
      sym('do_cpu_nanosleep', 'kernel/time/posix-cpu-timers.c', ALL_KERNELS, { context: 'CPU-time clocks' }),
      sym('alarmtimer_do_nsleep', 'kernel/time/alarmtimer.c', ALL_KERNELS, { context: 'alarm clocks' }),
    ],
    syscalls: ['nanosleep', 'clock_nanosleep'],
    states: 'S',
    explanation: {
      waitsFor: 'Time to pass: a deliberate sleep (sleep(1), usleep, time.sleep, Thread.sleep, a polling loop’s pause).',
      wakesWhen: 'The sleep ends or a signal arrives.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'pause',
    kind: 'signal',
    label: 'pause',
    syscallSaysIt: true,
    symbols: [
      // SYSCALL_DEFINE0 made sys_pause until 4.16; x86 syscall wrappers (4.17) made it
      // __x64_sys_pause, and from 5.7 (not 5.6) the x86 SYSCALL_DEFINE0 puts the body in
      // __do_sys_pause, which the wrapper then shows only where it inlines it.
      sym('__do_sys_pause', SIGNAL, range('5.7'), { inlinedOnSomeBuilds: true }),
      sym('__x64_sys_pause', SIGNAL, range('4.17'), { arch: 'x86_64' }),
      sym('sys_pause', SIGNAL, range(null, '4.16')),
    ],
    syscalls: ['pause'],
    states: 'S',
    explanation: {
      waitsFor: 'Any signal (pause()).',
      wakesWhen: 'A signal is delivered to it.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'sigsuspend',
    kind: 'signal',
    label: 'sigsuspend',
    syscallSaysIt: true,
    symbols: [
      sym('sigsuspend', SIGNAL, ALL_KERNELS, { inlinedOnSomeBuilds: true }),
      // __do_sys_* names since the syscall-wrapper rework of 4.17; arm64 got its wrappers in 4.19.
      sym('__do_sys_rt_sigsuspend', SIGNAL, range('4.17'), { showsWhenInlined: 'sigsuspend' }),
      sym('__x64_sys_rt_sigsuspend', SIGNAL, range('4.17'), { showsWhenInlined: 'sigsuspend', arch: 'x86_64' }),
      sym('__arm64_sys_rt_sigsuspend', SIGNAL, range('4.19'), { showsWhenInlined: 'sigsuspend', arch: 'aarch64' }),
    ],
    syscalls: ['rt_sigsuspend'],
    states: 'S',
    explanation: {
      waitsFor: 'A signal, with a temporary signal mask (shells waiting for SIGCHLD, classic daemons).',
      wakesWhen: 'A signal not blocked by the temporary mask is delivered.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'sigtimedwait',
    kind: 'signal',
    label: 'sigtimedwait',
    syscallSaysIt: true,
    symbols: [sym('do_sigtimedwait', SIGNAL, ALL_KERNELS)],
    syscalls: ['rt_sigtimedwait'],
    states: 'S',
    explanation: {
      waitsFor: 'One of a set of signals: a dedicated signal-handling thread (sigwait, Python signal.sigwait, Java or Go signal threads).',
      wakesWhen: 'One of the awaited signals arrives, or the timeout expires.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'signalfd-read',
    kind: 'signal',
    label: 'signalfd read',
    symbols: [
      // signalfd_dequeue() sleeps; its callers show where it is inlined (6.18). The ->read_iter
      // conversion is vfs-6.10.rw ("signalfd: convert to ->read_iter()").
      sym('signalfd_dequeue', 'fs/signalfd.c', ALL_KERNELS, { inlinedOnSomeBuilds: true }),
      sym('signalfd_read', 'fs/signalfd.c', range(null, '6.9'), { showsWhenInlined: 'signalfd_dequeue' }),
      sym('signalfd_read_iter', 'fs/signalfd.c', range('6.10'), { showsWhenInlined: 'signalfd_dequeue' }),
    ],
    syscalls: READ_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'A signal, read through a signalfd (systemd, event loops).',
      wakesWhen: 'One of the signals in the signalfd mask becomes pending.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'eventfd-read',
    kind: 'event-fd',
    label: 'eventfd read',
    symbols: [
      // eventfd_read() slept through eventfd_ctx_read() up to 4.15 (gone in 4.16), then itself
      // until 6.3; from 6.4 it uses wait_event_interruptible_locked_irq(), i.e. do_wait_intr_irq().
      sym('eventfd_ctx_read', 'fs/eventfd.c', range(null, '4.15')),
      sym('eventfd_read', 'fs/eventfd.c', range('4.16', '6.3')),
      sym('do_wait_intr_irq', SCHED_WAIT, range('6.4')),
    ],
    callers: callers('eventfd_read', 'eventfd_ctx_read'),
    syscalls: READ_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'Another thread or process to signal an eventfd (thread pools, QEMU/KVM, libuv async handles).',
      wakesWhen: 'Someone writes to the eventfd, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
  {
    id: 'timerfd-read',
    kind: 'event-fd',
    label: 'timerfd read',
    // do_wait_intr_irq() is new in 4.11 (4.10 has none); before, the locked-wait macro slept inside timerfd_read().
    symbols: [sym('timerfd_read', 'fs/timerfd.c', range(null, '4.10')), sym('do_wait_intr_irq', SCHED_WAIT, range('4.11'))],
    callers: callers('timerfd_read_iter', 'timerfd_read'),
    syscalls: READ_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'The next expiry of a timerfd: a timer loop waiting for its tick.',
      wakesWhen: 'The timer expires, or a signal arrives. /proc/PID/fdinfo shows the remaining time (it_value).',
      cost: COST_IDLE,
    },
  },
  {
    id: 'inotify-read',
    kind: 'event-fd',
    label: 'inotify read',
    // inotify_read() and n_tty_read() use wait_woken() since 3.19.
    symbols: [sym('wait_woken', SCHED_WAIT, ALL_KERNELS)],
    callers: callers('inotify_read'),
    syscalls: READ_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor: 'A change to a watched file or directory (IDEs, tail -F, systemd path units).',
      wakesWhen: 'A watched file changes, or a signal arrives.',
      cost: COST_IDLE,
    },
  },
  {
    id: 'userfaultfd',
    kind: 'event-fd',
    label: 'userfaultfd',
    symbols: [
      // userfaultfd is new in 4.3; ->read_iter came with vfs-6.10.rw ("userfaultfd: convert to ->read_iter()").
      sym('handle_userfault', 'fs/userfaultfd.c', range('4.3'), { context: 'faulting thread' }),
      sym('userfaultfd_ctx_read', 'fs/userfaultfd.c', range('4.3'), { inlinedOnSomeBuilds: true }),
      sym('userfaultfd_read', 'fs/userfaultfd.c', range('4.3', '6.9'), { showsWhenInlined: 'userfaultfd_ctx_read' }),
      sym('userfaultfd_read_iter', 'fs/userfaultfd.c', range('6.10'), { showsWhenInlined: 'userfaultfd_ctx_read' }),
    ],
    syscalls: READ_SYSCALLS,
    states: 'S',
    explanation: {
      waitsFor:
        'A user-space page-fault handler (live migration, CRIU, GC runtimes): either the handler waiting for faults, or a thread that faulted on a registered range (no syscall) waiting for the handler.',
      wakesWhen: 'A registered range faults (handler), or the handler resolves the fault (faulting thread).',
      cost: `${COST_SLEEP} A faulting thread stuck here means the handler thread is slow or gone.`,
    },
  },
  {
    id: 'tty-read',
    kind: 'tty',
    label: 'terminal',
    symbols: [sym('wait_woken', SCHED_WAIT, ALL_KERNELS)],
    callers: [
      { name: 'n_tty_read', note: 'read' },
      { name: 'n_tty_write', note: 'write' },
      { name: 'tty_read', note: 'read' },
      { name: 'tty_write', note: 'write' },
    ],
    syscalls: [...READ_SYSCALLS, ...WRITE_SYSCALLS],
    states: 'S',
    explanation: {
      waitsFor: 'Keyboard input on a terminal or pty (shell prompt, REPL), or, when writing, a pty master that nobody reads.',
      wakesWhen: 'The user types (a line, in canonical mode), the pty master is read, or a signal arrives.',
      cost: COST_IDLE,
    },
  },
];

const IPC_ROWS: readonly WaitSite[] = [
  {
    id: 'sysv-msg',
    kind: 'ipc',
    label: 'SysV message queue',
    syscallSaysIt: true,
    symbols: [sym('do_msgrcv', 'ipc/msg.c', ALL_KERNELS), sym('do_msgsnd', 'ipc/msg.c', ALL_KERNELS)],
    syscalls: ['msgrcv', 'msgsnd'],
    states: 'S',
    explanation: {
      waitsFor: 'A message on an empty SysV queue (msgrcv), or room in a full one (msgsnd).',
      wakesWhen: 'Another process sends or receives a message, the queue is removed, or a signal arrives.',
      cost: `${COST_SLEEP} ipcs -q shows the queue.`,
    },
  },
  {
    id: 'sysv-sem',
    kind: 'ipc',
    label: 'SysV semaphore',
    syscallSaysIt: true,
    symbols: [
      // The sleep moved from the syscall body (SYSC_semtimedop, a static inline, up to 4.13) into
      // do_semtimedop (4.14), then into __do_semtimedop ("ARM: oabi-compat: rework sys_semtimedop
      // emulation", 5.15: 5.14 does not have it).
      sym('do_semtimedop', 'ipc/sem.c', range('4.14', '5.14')),
      sym('SYSC_semtimedop', 'ipc/sem.c', range(null, '4.13'), { inlinedOnSomeBuilds: true }),
      sym('__do_semtimedop', 'ipc/sem.c', range('5.15')),
    ],
    syscalls: ['semop', 'semtimedop'],
    states: 'S',
    explanation: {
      waitsFor: 'A SysV semaphore to reach the value it needs (older databases, Oracle, SAP).',
      wakesWhen: 'Another process changes the semaphore, the timeout expires, the set is removed, or a signal arrives.',
      cost: `${COST_SLEEP} ipcs -s shows the semaphore set.`,
    },
  },
  {
    id: 'posix-mq',
    kind: 'ipc',
    label: 'POSIX message queue',
    syscallSaysIt: true,
    symbols: [sym('wq_sleep', 'ipc/mqueue.c', ALL_KERNELS)],
    syscalls: ['mq_timedreceive', 'mq_timedsend'],
    states: 'S',
    explanation: {
      waitsFor: 'A message on an empty POSIX message queue, or room in a full one.',
      wakesWhen: 'Another process sends or receives, the timeout expires, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
  {
    id: 'file-lock',
    kind: 'file-lock',
    label: 'file lock',
    syscallSaysIt: true,
    symbols: [
      // locks_lock_inode_wait() is in 4.4 but not in 4.2 (which has the exported
      // flock_lock_inode_wait() instead); with no 4.3 source at hand, 4.3 is the wider bound.
      // The flock sleep is in the static flock_lock_inode_wait() it calls.
      sym('locks_lock_inode_wait', 'fs/locks.c', range('4.3'), { context: 'flock', showsWhenInlined: 'flock_lock_inode_wait' }),
      sym('fcntl_setlk', 'fs/locks.c', ALL_KERNELS, { context: 'F_SETLKW', showsWhenInlined: 'do_lock_file_wait' }),
      sym('do_lock_file_wait', 'fs/locks.c', ALL_KERNELS, { context: 'F_SETLKW', inlinedOnSomeBuilds: true }),
    ],
    syscalls: ['flock', 'fcntl'],
    states: 'S',
    explanation: {
      waitsFor: 'Another process to release an advisory file lock (package managers, cron jobs under flock, databases, mail spools).',
      wakesWhen: 'The holder unlocks, closes the file or exits, or a signal arrives.',
      cost: `${COST_SLEEP} /proc/locks lists the holder and the waiters (-> lines).`,
    },
  },
];

const DISK_ROWS: readonly WaitSite[] = [
  {
    id: 'pagecache-read-wait',
    kind: 'disk-io',
    label: 'page cache read',
    symbols: [
      sym('wait_on_page_bit_common', FILEMAP, range('4.10', '5.15'), { inlinedOnSomeBuilds: true }),
      sym('wait_on_page_bit_killable', FILEMAP, range(null, '5.15')),
      sym('__lock_page_killable', FILEMAP, range(null, '5.15')),
      sym('__lock_page_or_retry', FILEMAP, range(null, '5.15')),
      // The read loop was static (do_generic_file_read, generic_file_buffered_read from 4.14) and
      // so inlinable up to 5.7; 5.8 made it a global function.
      sym('generic_file_read_iter', FILEMAP, range(null, '5.7'), { showsWhenInlined: 'generic_file_buffered_read' }),
      sym('folio_wait_bit_common', FILEMAP, range('5.16'), { inlinedOnSomeBuilds: true }),
      sym('__folio_lock_killable', FILEMAP, range('5.16')),
      sym('__folio_lock_or_retry', FILEMAP, range('5.16')),
      sym('filemap_fault', FILEMAP, ALL_KERNELS, { showsWhenInlined: 'the page (folio) lock wait' }),
    ],
    callers: callers(
      'filemap_get_pages',
      'filemap_read',
      'filemap_update_page',
      'filemap_fault',
      'generic_file_buffered_read',
      'do_generic_file_read',
      'do_read_cache_folio',
      'do_read_cache_page',
      '__lock_page_killable',
      '__folio_lock_killable',
    ),
    syscalls: [...READ_SYSCALLS, 'sendfile', 'splice', 'copy_file_range'],
    states: 'D',
    explanation: {
      waitsFor:
        'A read from disk (or a network filesystem) into the page cache: a buffered read, or a page fault on a mapped file or on program text (then it is not in a syscall).',
      wakesWhen: 'The read I/O completes.',
      cost: `${COST_DISK} SIGKILL still ends this wait (it is killable).`,
    },
  },
  {
    id: 'writeback-wait',
    kind: 'disk-io',
    label: 'writeback',
    symbols: [
      ...PAGE_WAIT_SYMBOLS,
      sym('jbd2_log_wait_commit', 'fs/jbd2/journal.c', ALL_KERNELS),
      // Part of cgroup writeback (4.2: 4.0 does not have it).
      sym('wb_wait_for_completion', 'fs/fs-writeback.c', range('4.2')),
    ],
    callers: callers(
      '__filemap_fdatawait_range',
      'filemap_fdatawait_range',
      'filemap_fdatawait_keep_errors',
      'file_fdatawait_range',
      'file_write_and_wait_range',
      'filemap_write_and_wait_range',
      'folio_wait_stable',
      'wait_for_stable_page',
      'vfs_fsync_range',
      'do_fsync',
      'ksys_sync',
      'sync_inodes_sb',
      'sync_inodes_one_sb',
      'ext4_sync_file',
      'xfs_file_fsync',
      'jbd2_complete_transaction',
    ),
    syscalls: ['fsync', 'fdatasync', 'sync', 'syncfs', 'msync', 'sync_file_range', ...WRITE_SYSCALLS],
    states: 'D',
    explanation: {
      waitsFor:
        'Dirty data to reach stable storage (fsync, fdatasync, sync, msync, O_SYNC writes): databases, package managers, editors saving.',
      wakesWhen: 'The device finishes writing the pages (or the filesystem journal commits).',
      cost: `${COST_DISK} Long waits mean slow or overloaded storage, or a lot of dirty data ahead of it.`,
    },
  },
  {
    id: 'direct-io-wait',
    kind: 'disk-io',
    label: 'direct I/O',
    symbols: [
      // iomap direct I/O serves XFS since 4.10 (fs/iomap.c) and ext4 since 5.5; 5.10 moved the
      // sleep into the new, exported __iomap_dio_rw.
      sym('__iomap_dio_rw', 'fs/iomap/direct-io.c', range('5.10')),
      sym('iomap_dio_rw', 'fs/iomap/direct-io.c', range('4.10', '5.9')),
      // Legacy direct I/O: ext4 up to 5.4, and still FAT, ocfs2 and others. The sleep is in the
      // static dio_await_one(); do_blockdev_direct_IO, a static inline, was folded into
      // __blockdev_direct_IO in 5.19 (5.18 still has it).
      sym('do_blockdev_direct_IO', 'fs/direct-io.c', range(null, '5.18'), { inlinedOnSomeBuilds: true, showsWhenInlined: 'dio_await_one' }),
      sym('__blockdev_direct_IO', 'fs/direct-io.c', ALL_KERNELS, { showsWhenInlined: 'dio_await_one' }),
      sym('submit_bio_wait', 'block/bio.c', ALL_KERNELS),
      // Block-device direct I/O was rewritten in 4.10 (fs/block_dev.c, block/fops.c from 5.15).
      // From 5.19 the simple path sleeps in submit_bio_wait() instead of its own loop.
      sym('__blkdev_direct_IO_simple', 'block/fops.c', range('4.10', '5.18')),
      sym('__blkdev_direct_IO', 'block/fops.c', range('4.10')),
    ],
    syscalls: [...READ_SYSCALLS, ...WRITE_SYSCALLS],
    states: 'D',
    explanation: {
      waitsFor: 'A direct (O_DIRECT) or raw block-device I/O to complete: database-style I/O that bypasses the page cache.',
      wakesWhen: 'The device completes the I/O.',
      cost: COST_DISK,
    },
  },
  {
    id: 'buffer-head-io',
    kind: 'disk-io',
    label: 'metadata read',
    symbols: [
      // __wait_on_buffer() tail-calls the scheduler on some builds and leaves no frame: its caller shows.
      sym('__wait_on_buffer', 'fs/buffer.c', ALL_KERNELS, { inlinedOnSomeBuilds: true }),
      sym('__ext4_get_inode_loc', 'fs/ext4/inode.c', ALL_KERNELS, { showsWhenInlined: '__wait_on_buffer' }),
      // New in 5.10 (5.9 has none).
      sym('ext4_read_bh', 'fs/ext4/super.c', range('5.10'), { showsWhenInlined: '__wait_on_buffer' }),
    ],
    syscalls: ['newfstatat', 'statx', 'stat', 'lstat', 'fstat', 'openat', 'open', 'getdents64', 'getdents', 'access', 'faccessat', 'faccessat2'],
    states: 'D',
    explanation: {
      waitsFor: 'On-disk metadata (inode tables, directories, bitmaps) for a path lookup, stat or readdir: a cold ls -l or find.',
      wakesWhen: 'The metadata block has been read.',
      cost: COST_DISK,
    },
  },
  {
    id: 'blk-mq-tag-wait',
    kind: 'disk-io',
    label: 'block queue full',
    // Up to 4.10 the sleep is in the static bt_get(), normally inlined into blk_mq_get_tag(); its own loop since 4.11.
    symbols: [sym('blk_mq_get_tag', 'block/blk-mq-tag.c', ALL_KERNELS)],
    syscalls: [],
    states: 'D',
    explanation: {
      waitsFor: 'A free request slot in the block device queue: the device queue (nr_requests / hardware depth) is exhausted.',
      wakesWhen: 'An in-flight request completes and frees its tag.',
      cost: `${COST_DISK} The device is saturated.`,
    },
  },
  {
    id: 'dirty-throttle',
    kind: 'disk-io',
    label: 'dirty page throttle',
    symbols: [sym('balance_dirty_pages', 'mm/page-writeback.c', ALL_KERNELS)],
    syscalls: WRITE_SYSCALLS,
    states: 'D',
    explanation: {
      waitsFor:
        'Writeback to catch up: the writer makes dirty pages faster than the device (or the per-device or cgroup limit) writes them back, so the kernel pauses it on purpose.',
      wakesWhen: 'Enough dirty pages have been written back (the pause is short and repeats).',
      cost: `${COST_DISK} Killable.`,
    },
  },
  {
    id: 'memory-reclaim',
    kind: 'reclaim',
    label: 'memory reclaim',
    symbols: [
      ...PAGE_WAIT_SYMBOLS,
      // The reclaim_throttle() series of 5.16 removed wait_iff_congested() (5.16 has none);
      // congestion_wait() went with the congestion tracking in 5.18 (5.17 still has it).
      sym('congestion_wait', 'mm/backing-dev.c', range(null, '5.17')),
      sym('wait_iff_congested', 'mm/backing-dev.c', range(null, '5.15')),
      sym('throttle_direct_reclaim', VMSCAN, ALL_KERNELS),
      sym('reclaim_throttle', VMSCAN, range('5.16')),
      // Present since 4.5, but it sleeps itself only since 0e4b01df8659 ("mm, memcg: throttle
      // allocators when failing reclaim over memory.high", 5.4); before, it only reclaimed.
      sym('mem_cgroup_handle_over_high', 'mm/memcontrol.c', range('5.4'), { context: 'cgroup v2 memory.high' }),
      // Renamed shrink_folio_list in 6.1. The writeback wait they call lives in mm/filemap.c, so
      // only a cross-file (LTO) build can fold it in.
      sym('shrink_page_list', VMSCAN, range(null, '6.0'), { showsWhenInlined: 'the writeback wait' }),
      sym('shrink_folio_list', VMSCAN, range('6.1'), { showsWhenInlined: 'the writeback wait' }),
    ],
    callers: callers(
      'shrink_*',
      'try_to_free_*',
      'try_charge*',
      'do_try_to_free_pages',
      '__perform_reclaim',
      '__alloc_pages_direct_reclaim',
      '__alloc_pages_direct_compact',
      'try_to_compact_pages',
      'mem_cgroup_handle_over_high',
      'reclaim_throttle',
      'throttle_direct_reclaim',
    ),
    syscalls: [],
    states: 'D',
    explanation: {
      waitsFor:
        'Memory: before its allocation can succeed the thread must free pages itself, system-wide or against a cgroup memory limit, and waits for that (often for dirty pages to be written out).',
      wakesWhen: 'Enough memory has been reclaimed, or the throttle interval ends.',
      cost: COST_RECLAIM,
    },
  },
];

const MMAP_LOCK = 'mmap_lock';
const INODE_LOCK = 'inode lock (i_rwsem)';

const LOCK_ROWS: readonly WaitSite[] = [
  {
    id: 'rwsem-wait',
    kind: 'kernel-lock',
    label: 'kernel lock',
    symbols: [
      // The slow paths are scheduler-section functions (hidden) on most kernels; where they do show, they name the lock type.
      // x86 called them through assembly thunks outside that section until the arch rwsem files went in 5.2.
      sym('call_rwsem_down_read_failed', 'arch/x86/lib/rwsem.S', range(null, '5.1'), { arch: 'x86_64' }),
      sym('call_rwsem_down_write_failed', 'arch/x86/lib/rwsem.S', range(null, '5.1'), { arch: 'x86_64' }),
      sym('rwsem_down_read_failed', 'kernel/locking/rwsem-xadd.c', range(null, '5.2'), { normallyHidden: true }),
      sym('rwsem_down_write_failed', 'kernel/locking/rwsem-xadd.c', range(null, '5.2'), { normallyHidden: true }),
      sym('rwsem_down_read_slowpath', 'kernel/locking/rwsem.c', range('5.3'), { normallyHidden: true }),
      sym('rwsem_down_write_slowpath', 'kernel/locking/rwsem.c', range('5.3'), { normallyHidden: true }),
      // Where the slow path is hidden only the lock's caller is visible: on x86 since 5.2, on arm64
      // on every kernel, hence ranges by when each caller exists. These take mmap_lock or an inode lock.
      sym('vm_mmap_pgoff', 'mm/util.c', ALL_KERNELS, { note: MMAP_LOCK }),
      sym('do_mprotect_pkey', 'mm/mprotect.c', range('4.9'), { note: MMAP_LOCK }),
      // Made callable outside the syscall for io_uring's IORING_OP_MADVISE (5.6: 5.4 has none).
      sym('do_madvise', 'mm/madvise.c', range('5.6'), { note: MMAP_LOCK }),
      // __do_sys_* since the syscall-wrapper rework of 4.17; arm64 got its wrappers in 4.19.
      sym('__do_sys_mincore', 'mm/mincore.c', range('4.17'), { note: MMAP_LOCK, inlinedOnSomeBuilds: true }),
      sym('__x64_sys_mincore', 'mm/mincore.c', range('4.17'), { note: MMAP_LOCK, showsWhenInlined: '__do_sys_mincore', arch: 'x86_64' }),
      sym('__arm64_sys_mincore', 'mm/mincore.c', range('4.19'), { note: MMAP_LOCK, showsWhenInlined: '__do_sys_mincore', arch: 'aarch64' }),
      sym('__do_sys_brk', 'mm/mmap.c', range('4.17'), { note: MMAP_LOCK }),
      // Split out of the noinline __do_page_fault() in 4.20; from 5.8 the idtentry exc_page_fault()
      // is its caller. Since lock_mm_and_find_vma() (6.5, and the stable 6.1.37, 6.3.11 and 6.4.1)
      // the fault handlers no longer take mmap_lock themselves.
      sym('do_user_addr_fault', 'arch/x86/mm/fault.c', range('4.20', '6.4'), { note: MMAP_LOCK, inlinedOnSomeBuilds: true, arch: 'x86_64' }),
      sym('exc_page_fault', 'arch/x86/mm/fault.c', range('5.8', '6.4'), { note: MMAP_LOCK, showsWhenInlined: 'do_user_addr_fault', arch: 'x86_64' }),
      // No arch: besides arm64's, x86 had a do_page_fault() that is the wait site on 5.7, where it
      // called do_user_addr_fault() directly (before, the noinline __do_page_fault() held the call).
      sym('do_page_fault', 'arch/arm64/mm/fault.c', range(null, '6.4'), { note: MMAP_LOCK }),
      sym('lock_mm_and_find_vma', 'mm/memory.c', range('6.1.37'), { note: MMAP_LOCK }),
      sym('__access_remote_vm', 'mm/memory.c', ALL_KERNELS, { note: `${MMAP_LOCK} of another process` }),
      sym('m_start', 'fs/proc/task_mmu.c', ALL_KERNELS, { note: `${MMAP_LOCK} (reading /proc/PID/maps)` }),
      // ext4's iomap direct I/O (378f32bab371, merged for 5.5; 5.4 has neither) split
      // ext4_file_write_iter into these two.
      sym('ext4_buffered_write_iter', EXT4_FILE, range('5.5'), { note: INODE_LOCK }),
      sym('ext4_file_write_iter', EXT4_FILE, ALL_KERNELS, { note: INODE_LOCK }),
      sym('ext4_dio_write_iter', EXT4_FILE, range('5.5'), { note: INODE_LOCK }),
      sym('generic_file_write_iter', FILEMAP, ALL_KERNELS, { note: INODE_LOCK }),
      sym('xfs_ilock', 'fs/xfs/xfs_inode.c', ALL_KERNELS, { note: 'XFS inode lock' }),
      sym('filename_create', NAMEI, ALL_KERNELS, { note: `directory ${INODE_LOCK}` }),
      sym('lock_rename', NAMEI, ALL_KERNELS, { note: `directory ${INODE_LOCK}` }),
      // Both came with path-walk reworks: __lookup_slow in 4.17 (4.16 has none), open_last_lookups in 5.7.
      sym('open_last_lookups', NAMEI, range('5.7'), { note: `directory ${INODE_LOCK}` }),
      sym('__lookup_slow', NAMEI, range('4.17'), { note: `directory ${INODE_LOCK}` }),
      sym('iterate_dir', 'fs/readdir.c', ALL_KERNELS, { note: `directory ${INODE_LOCK}` }),
    ],
    syscalls: [],
    states: 'DS',
    explanation: {
      waitsFor:
        'A kernel read-write semaphore held by someone else: typically mmap_lock (page faults, mmap/munmap/mprotect, /proc/PID/maps readers) or an inode lock held by a writer stuck in I/O.',
      wakesWhen: 'The holder releases the lock.',
      cost: COST_LOCK,
    },
  },
  {
    id: 'mutex-wait',
    kind: 'kernel-lock',
    label: 'kernel lock',
    symbols: [
      // __mutex_lock is new in 4.11 (4.10 has only __mutex_lock_common).
      sym('__mutex_lock', 'kernel/locking/mutex.c', range('4.11'), { normallyHidden: true }),
      sym('mutex_lock', 'kernel/locking/mutex.c', ALL_KERNELS, { normallyHidden: true }),
      sym('mutex_lock_killable', 'kernel/locking/mutex.c', ALL_KERNELS, { normallyHidden: true }),
      sym('mutex_lock_interruptible', 'kernel/locking/mutex.c', ALL_KERNELS, { normallyHidden: true }),
      // fdget_pos() was an inline wrapper of __fdget_pos() until the struct fd rework of 6.12 took its name.
      sym('fdget_pos', 'fs/file.c', range('6.12'), { note: 'file position lock (f_pos_lock)' }),
      sym('__fdget_pos', 'fs/file.c', range(null, '6.11'), { note: 'file position lock (f_pos_lock)' }),
      sym('__lock_sock', SOCK, ALL_KERNELS, { note: 'socket lock (lock_sock)' }),
    ],
    syscalls: [],
    states: 'DS',
    explanation: {
      waitsFor:
        'A kernel mutex held by someone else, e.g. the position lock of a file descriptor shared with a thread stuck in I/O, or a driver mutex.',
      wakesWhen: 'The holder releases the mutex.',
      cost: COST_LOCK,
    },
  },
  {
    id: 'fs-freeze-wait',
    kind: 'kernel-lock',
    label: 'frozen filesystem',
    symbols: [
      // The percpu-rwsem rework of 5.7 (5.6 has none) added percpu_rwsem_wait(); the catalog said 5.8.
      sym('percpu_rwsem_wait', 'kernel/locking/percpu-rwsem.c', range('5.7')),
      // New in 4.9; up to 5.6 it slept on the embedded rwsem (behind the x86 thunks up to 5.1).
      sym('__percpu_down_read', 'kernel/locking/percpu-rwsem.c', range('4.9', '5.6')),
      // Out of line until 5.9 (a header inline from 5.10); normally below __percpu_down_read.
      sym('__sb_start_write', 'fs/super.c', range(null, '5.9')),
    ],
    syscalls: ['openat', 'open', 'creat', 'unlinkat', 'unlink', 'rename', 'renameat', 'renameat2', 'mkdirat', 'mkdir', ...WRITE_SYSCALLS, 'truncate', 'ftruncate', 'fallocate'],
    states: 'D',
    explanation: {
      waitsFor: 'A frozen filesystem to thaw (fsfreeze, LVM or VM snapshots): every writer pauses.',
      wakesWhen: 'The filesystem is thawed (fsfreeze -u, the snapshot tool finishes).',
      cost: COST_LOCK,
    },
  },
];

const IDLE_ROWS: readonly WaitSite[] = [
  {
    id: 'kthread-workqueue-idle',
    kind: 'idle',
    label: 'idle kworker',
    symbols: [sym('worker_thread', 'kernel/workqueue.c', ALL_KERNELS), sym('rescuer_thread', 'kernel/workqueue.c', ALL_KERNELS)],
    syscalls: [],
    states: 'ISD',
    explanation: {
      waitsFor: 'Work items for its workqueue.',
      wakesWhen: 'Work is queued.',
      cost: 'None: an idle kernel worker. Ignore.',
    },
  },
  {
    id: 'kthread-idle-other',
    kind: 'idle',
    label: 'idle kernel thread',
    symbols: [
      sym('kthreadd', 'kernel/kthread.c', ALL_KERNELS),
      sym('kthread_worker_fn', 'kernel/kthread.c', ALL_KERNELS),
      sym('kthread_parkme', 'kernel/kthread.c', ALL_KERNELS, { context: 'parked, state P', showsWhenInlined: '__kthread_parkme' }),
      sym('smpboot_thread_fn', 'kernel/smpboot.c', ALL_KERNELS),
      sym('rcu_gp_kthread', 'kernel/rcu/tree.c', ALL_KERNELS),
      // Split out of rcu_gp_kthread() in 4.20; rcu_tasks_one_gp() out of rcu_tasks_kthread() in 6.0.
      sym('rcu_gp_fqs_loop', 'kernel/rcu/tree.c', range('4.20')),
      sym('rcu_tasks_kthread', 'kernel/rcu/tasks.h', ALL_KERNELS),
      sym('rcu_tasks_one_gp', 'kernel/rcu/tasks.h', range('6.0')),
      sym('kswapd', VMSCAN, ALL_KERNELS),
      // kcompactd and the OOM reaper are new in 4.6, DAMON in 5.15.
      sym('kcompactd', 'mm/compaction.c', range('4.6')),
      sym('khugepaged', 'mm/khugepaged.c', ALL_KERNELS),
      sym('oom_reaper', 'mm/oom_kill.c', range('4.6')),
      sym('watchdog', 'kernel/hung_task.c', ALL_KERNELS),
      sym('irq_thread', 'kernel/irq/manage.c', ALL_KERNELS),
      sym('kjournald2', 'fs/jbd2/journal.c', ALL_KERNELS),
      sym('kauditd_thread', 'kernel/audit.c', ALL_KERNELS),
      sym('ksm_scan_thread', 'mm/ksm.c', ALL_KERNELS),
      sym('kdamond_fn', 'mm/damon/core.c', range('5.15')),
      sym('hwrng_fillfn', 'drivers/char/hw_random/core.c', ALL_KERNELS),
      // Split out of devtmpfsd() in 5.9.
      sym('devtmpfs_work_loop', 'drivers/base/devtmpfs.c', range('5.9')),
    ],
    syscalls: [],
    states: 'ISDP',
    explanation: {
      waitsFor: 'Its next job (a grace period, memory to reclaim, a journal commit, an interrupt, …).',
      wakesWhen: 'The kernel has work for it.',
      cost: 'None while idle. Ignore unless it stays in D, where it can block others (jbd2 committing, kswapd reclaiming).',
    },
  },
  {
    id: 'io_uring-worker',
    kind: 'idle',
    label: 'io_uring worker',
    symbols: [
      // io-wq came in 5.5 and SQPOLL in 5.1, as kernel threads until 5.12 made them threads of the
      // process; io_wqe_worker became io_wq_worker in 6.4. Both files moved to io_uring/ in 6.0.
      sym('io_wqe_worker', 'fs/io-wq.c', range('5.5', '6.3')),
      sym('io_wq_worker', 'io_uring/io-wq.c', range('6.4')),
      sym('io_sq_thread', 'io_uring/sqpoll.c', range('5.1')),
    ],
    syscalls: [],
    states: 'ISD',
    explanation: {
      waitsFor: 'Work from its io_uring (iou-wrk-* async workers, iou-sqp-* submission pollers).',
      wakesWhen: 'The ring gets requests that need a worker.',
      cost: 'None while idle. Its syscall file keeps showing the io_uring syscall of the thread that created it: ignore that.',
    },
  },
];

/** Every catalog row, in the order of ../shared/kernel-wait-sites.md groups. */
export const WAIT_SITES: readonly WaitSite[] = [
  ...PROCESS_ROWS,
  ...EVENT_LOOP_ROWS,
  ...FUTEX_ROWS,
  ...PIPE_ROWS,
  ...SOCKET_ROWS,
  ...SIGNAL_AND_TIMER_ROWS,
  ...IPC_ROWS,
  ...DISK_ROWS,
  ...LOCK_ROWS,
  ...IDLE_ROWS,
];

const PAGE_WAIT_MEANING: SharedSymbol = {
  kind: 'disk-io',
  explanation: {
    waitsFor:
      'A page-cache page: a read from disk, writeback of dirty data (fsync), or memory reclaim waiting for writeback. Only the kernel stack (root) says which.',
    wakesWhen: 'The page’s I/O completes.',
    cost: `${COST_DISK} If it is reclaim, PSI memory rises too.`,
  },
};

/** What each symbol used by several rows means when neither the stack nor the syscall picks one. */
export const SHARED_SYMBOLS: Readonly<Record<string, SharedSymbol>> = {
  wait_woken: {
    kind: 'other',
    explanation: {
      waitsFor:
        'Data or space on a socket, a terminal or an inotify descriptor, or a TCP connect: wait_woken serves all of them, and only the kernel stack (root) or the type of the file descriptor says which.',
      wakesWhen: 'The peer sends or reads, the user types, a watched file changes, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
  do_wait_intr_irq: {
    kind: 'event-fd',
    explanation: {
      waitsFor: 'An eventfd to be signalled or a timerfd to expire (both use this helper).',
      wakesWhen: 'A write to the eventfd, the timer’s expiry, or a signal.',
      cost: COST_SLEEP,
    },
  },
  poll_schedule_timeout: {
    kind: 'poll',
    explanation: {
      waitsFor: 'One of a set of file descriptors to become ready (select or poll).',
      wakesWhen: 'An fd becomes ready, the timeout expires, or a signal arrives.',
      cost: COST_IDLE,
    },
  },
  pipe_wait: {
    kind: 'pipe',
    explanation: {
      waitsFor: 'The other end of a pipe: data to read, or room to write.',
      wakesWhen: 'The other end reads, writes or closes, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
  unix_wait_for_peer: {
    kind: 'socket',
    explanation: {
      waitsFor: 'A local socket peer: a listener with a full backlog (connect) or a datagram receiver with a full queue (send).',
      wakesWhen: 'The peer accepts or reads, the timeout expires, or a signal arrives.',
      cost: COST_SLEEP,
    },
  },
  wait_on_page_bit: PAGE_WAIT_MEANING,
  wait_on_page_bit_common: PAGE_WAIT_MEANING,
  folio_wait_bit: PAGE_WAIT_MEANING,
  folio_wait_bit_common: PAGE_WAIT_MEANING,
};

/**
 * Scheduler-section functions: `get_wchan()` and `/proc/PID/stack` skip them on current
 * kernels, but older unwinders and other tools may still show them. They never say what a
 * thread waits for, so the classifier looks past them.
 */
export const SCHEDULER_FUNCTIONS: ReadonlySet<string> = new Set([
  'schedule',
  '__schedule',
  'schedule_timeout',
  'schedule_timeout_interruptible',
  'schedule_timeout_killable',
  'schedule_timeout_uninterruptible',
  'schedule_hrtimeout',
  'schedule_hrtimeout_range',
  'schedule_hrtimeout_range_clock',
  'schedule_preempt_disabled',
  'io_schedule',
  'io_schedule_timeout',
  'do_nanosleep',
  'bit_wait',
  'bit_wait_io',
  'bit_wait_timeout',
  '__wait_on_bit',
  '__wait_on_bit_lock',
  'out_of_line_wait_on_bit',
  'out_of_line_wait_on_bit_lock',
  'wait_for_completion',
  'wait_for_completion_io',
  'wait_for_completion_killable',
  'wait_for_completion_interruptible',
  'wait_for_completion_timeout',
  'wait_for_completion_state',
  '__wait_for_common',
  'wait_for_common',
  'do_wait_for_common',
  'freezable_schedule',
]);

/**
 * Symbol prefixes of frames that only run while doing block or network-filesystem I/O.
 * Used for D-state stacks whose top frame the catalog does not know.
 */
export const IO_FRAME_PREFIXES: readonly string[] = [
  'submit_bio',
  'blk_',
  'bio_',
  '__bread',
  '__wait_on_buffer',
  'wait_on_buffer',
  'jbd2_',
  'nfs_',
  'nfs4_',
  'rpc_',
  'iomap_dio',
  '__iomap_dio',
];

const SITES_BY_ID: ReadonlyMap<string, WaitSite> = new Map(WAIT_SITES.map((site) => [site.id, site]));

const SITES_BY_SYMBOL: ReadonlyMap<string, readonly WaitSite[]> = (() => {
  const index = new Map<string, WaitSite[]>();
  for (const site of WAIT_SITES) {
    for (const symbol of site.symbols) {
      const rows = index.get(symbol.name) ?? [];
      if (!rows.includes(site)) rows.push(site);
      index.set(symbol.name, rows);
    }
  }
  return index;
})();

export function siteById(id: string): WaitSite | undefined {
  return SITES_BY_ID.get(id);
}

/** Rows that list `symbol` (already suffix-stripped) as a wait site. */
export function sitesForSymbol(symbol: string): readonly WaitSite[] {
  return SITES_BY_SYMBOL.get(symbol) ?? [];
}

/** Every row that shows as `symbol` waits for work by design (a server in accept()); false when one does not or none is known. */
export function idleByDesignSymbol(symbol: string): boolean {
  const sites = sitesForSymbol(symbol);
  return sites.length > 0 && sites.every((s) => s.idleByDesign === true);
}

/** The row's entry for `symbol`, for its source file, versions and note. */
export function siteSymbol(site: WaitSite, symbol: string): KernelSymbol | undefined {
  return site.symbols.find((s) => s.name === symbol);
}

/** The first symbol of any row with this name: where a symbol is defined does not depend on the row. */
export function findKernelSymbol(symbol: string): KernelSymbol | undefined {
  const site = sitesForSymbol(symbol)[0];
  return site && siteSymbol(site, symbol);
}

export function callerMatches(pattern: CallerPattern, symbol: string): boolean {
  return pattern.name.endsWith('*') ? symbol.startsWith(pattern.name.slice(0, -1)) : pattern.name === symbol;
}

/** The row's caller pattern matching a stack frame, if any. */
export function matchingCaller(site: WaitSite, symbol: string): CallerPattern | undefined {
  return site.callers?.find((pattern) => callerMatches(pattern, symbol));
}

/** The syscalls a row happens in on one architecture, with their numbers (aarch64 has no epoll_wait, select, pause, vfork…). */
export function siteSyscalls(site: WaitSite, arch: Arch): readonly { readonly nr: number; readonly name: string }[] {
  return site.syscalls.flatMap((name) => {
    const nr = syscallNumber(arch, name);
    return nr === null ? [] : [{ nr, name }];
  });
}

/** Rows that list this syscall name, i.e. where a thread sleeping in it may be. */
export function sitesForSyscall(name: string): readonly WaitSite[] {
  return WAIT_SITES.filter((site) => site.syscalls.includes(name));
}
