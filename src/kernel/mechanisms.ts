import type { Arch } from './arch.js';

/**
 * The kernel mechanisms the insights (src/diagnose/insights) rest on: for each, the function
 * and source file that implement it and the kernels that have it, each checked in kernel sources
 * from 4.0 to 6.18 (4.0, 4.4, 4.9–4.20, 5.1–5.12, 6.0, 6.1, 6.8, 6.11, 6.12, 6.18). Data only: the words
 * that explain them are made by the report. `kernels` says where a function has another name or
 * file on older kernels.
 */
export interface KernelCite {
  readonly function: string;
  readonly file: string;
  /** Which kernels have it, e.g. `4.5+`, `all`. */
  readonly kernels: string;
}

const cite = (fn: string, file: string, kernels: string): KernelCite => ({ function: fn, file, kernels });

export const CITES = {
  // Wait queues and wake-ups (seed 004).
  /** Walks a wait queue and stops after `nr_exclusive` exclusive entries that accepted the wake-up. */
  wakeUpCommon: cite('__wake_up_common', 'kernel/sched/wait.c', 'all'),
  /** An EPOLLEXCLUSIVE watch is queued with add_wait_queue_exclusive (else add_wait_queue). */
  epollExclusiveQueue: cite('ep_ptable_queue_proc', 'fs/eventpoll.c', '4.5+'),
  /** An exclusive watch wakes only when its instance has a waiter for the event (ewake). */
  epollCallback: cite('ep_poll_callback', 'fs/eventpoll.c', 'all (EPOLLEXCLUSIVE from 4.5)'),
  /** Threads in epoll_wait on one instance queue with __add_wait_queue_exclusive: one is woken per event. */
  epollWaiters: cite('ep_poll', 'fs/eventpoll.c', 'all'),
  /** `tfd: … events: … data: …` and, from 4.13, `pos: ino: sdev:`. */
  epollFdinfo: cite('ep_show_fdinfo', 'fs/eventpoll.c', 'all (ino: from 4.13)'),
  /** accept() sleeps with prepare_to_wait_exclusive: "only one process gets woken up, not the whole herd". */
  acceptExclusive: cite('inet_csk_wait_for_connect', 'net/ipv4/inet_connection_sock.c', 'all (inlined into inet_csk_accept on some builds)'),

  // poll and select (seed 004).
  /** One poll_table_entry and add_wait_queue per polled file, on the first scan of every call. */
  pollRegister: cite('__pollwait', 'fs/select.c', 'all'),
  /** Scans every pollfd (vfs_poll each) on entry and again after every wake-up. */
  pollScan: cite('do_poll', 'fs/select.c', 'all'),
  selectScan: cite('do_select', 'fs/select.c', 'all'),
  /** remove_wait_queue and fput for every entry, on every return. */
  pollFree: cite('poll_freewait', 'fs/select.c', 'all'),
  /** epoll registers a watch once, at epoll_ctl(ADD), and keeps it. */
  epollRegisterOnce: cite('ep_insert', 'fs/eventpoll.c', 'all'),

  // Threads, fd tables, switches.
  /** CLONE_FILES shares the fd table (refcount++), as pthread_create asks. */
  copyFiles: cite('copy_files', 'kernel/fork.c', 'all'),
  /** voluntary_ctxt_switches / nonvoluntary_ctxt_switches of one task (nvcsw, nivcsw): the main thread only in /proc/PID/status. */
  switchCounts: cite('task_context_switch_counts', 'fs/proc/array.c', 'all'),
  /** rchar/wchar/syscr/syscw, counted by fs/read_write.c's read- and write-like calls only (not poll, fsync, accept). */
  ioAccounting: cite('inc_syscr', 'include/linux/sched/xacct.h', '4.11+ (include/linux/sched.h before)'),
  /** Each thread's kernel stack: THREAD_SIZE, 16 KiB on x86_64 (4 pages) and arm64. */
  threadSize: cite('THREAD_SIZE', 'arch/x86/include/asm/page_64_types.h', 'all'),

  // Accept queues (seed 000).
  /** A LISTEN row's rx_queue is sk_ack_backlog, the accept queue's length. */
  listenRow: cite('get_tcp4_sock', 'net/ipv4/tcp_ipv4.c', 'all'),
  /** Full when sk_ack_backlog > sk_max_ack_backlog: a full queue holds backlog + 1. */
  acceptQueueFull: cite('sk_acceptq_is_full', 'include/net/sock.h', 'all'),
  /** listen() caps its backlog at net.core.somaxconn (128 before 5.4, 4096 since). */
  listenCap: cite('__sys_listen_socket', 'net/socket.c', '6.11+ (__sys_listen in 4.17–6.10, SYSCALL_DEFINE2(listen) before)'),
  /** A SYN to a full accept queue: LINUX_MIB_LISTENOVERFLOWS, then drop (ListenDrops). */
  listenOverflow: cite('tcp_conn_request', 'net/ipv4/tcp_input.c', 'all'),

  // Memory (seed 001).
  /** smaps_rollup: the sums of smaps over every mapping (Pss_Anon/File/Shmem from 5.3). */
  smapsRollup: cite('show_smaps_rollup', 'fs/proc/task_mmu.c', '4.19+ (show_smap in rollup mode in 4.14–4.18)'),
  /** RssAnon, RssFile, RssShmem in /proc/PID/status. */
  rssSplit: cite('task_mem', 'fs/proc/task_mmu.c', '4.5+'),

  // Durability (seed 001).
  fsync: cite('vfs_fsync_range', 'fs/sync.c', 'all'),
  /** An O_DSYNC/O_SYNC write calls vfs_fsync_range for the bytes it wrote (datasync unless __O_SYNC). */
  syncWrite: cite('generic_write_sync', 'include/linux/fs.h', 'all'),
  /** Writes back a range without metadata and without flushing the disk cache: no durability promise. */
  syncFileRange: cite('ksys_sync_file_range', 'fs/sync.c', '4.17+ (SYSCALL_DEFINE4(sync_file_range) before)'),
  journalCommit: cite('jbd2_log_wait_commit', 'fs/jbd2/journal.c', 'all'),
  cacheFlush: cite('blkdev_issue_flush', 'block/blk-flush.c', 'all'),
  dirtyThrottle: cite('balance_dirty_pages', 'mm/page-writeback.c', 'all'),
  dataWriteback: cite('__filemap_fdatawait_range', 'mm/filemap.c', 'all'),
  metadataWrite: cite('sync_inode_metadata', 'fs/fs-writeback.c', 'all'),
  directIo: cite('__iomap_dio_rw', 'fs/iomap/direct-io.c', '5.10+ (iomap_dio_rw from 4.10, in fs/iomap.c before 5.3; do_blockdev_direct_IO in fs/direct-io.c for other filesystems)'),
} as const satisfies Record<string, KernelCite>;

/** EPOLLEXCLUSIVE (include/uapi/linux/eventpoll.h, since 4.5): kept in the mask fdinfo prints. */
export const EPOLLEXCLUSIVE = 1 << 28;

/** Open flags that decide durability, as fdinfo's `flags:` (octal) shows them; O_DIRECT differs on arm64. */
export interface OpenFlagBits {
  readonly O_DSYNC: number;
  /** __O_SYNC: O_SYNC is __O_SYNC | O_DSYNC. */
  readonly O_SYNC_ONLY: number;
  readonly O_DIRECT: number;
}

/** include/uapi/asm-generic/fcntl.h; arch/arm64/include/uapi/asm/fcntl.h redefines O_DIRECT. */
export function openFlagBits(arch: Arch): OpenFlagBits {
  return { O_DSYNC: 0o10000, O_SYNC_ONLY: 0o4000000, O_DIRECT: arch === 'aarch64' ? 0o200000 : 0o40000 };
}

/** Each thread's kernel stack (THREAD_SIZE without KASAN): 16 KiB on x86_64 and arm64. */
export const KERNEL_STACK_BYTES = 16 * 1024;
