import type { Arch } from './arch.js';

/**
 * System call numbers → names for the two architectures we classify, as of Linux 6.18.
 *
 * Sources: arch/x86/entry/syscalls/syscall_64.tbl (the 64-bit ABI; the x32 range 512-547
 * is another ABI and is left out) and, for aarch64, the generic table
 * (include/uapi/asm-generic/unistd.h, scripts/syscall.tbl since 6.11) with arm64's extra
 * ABIs `renameat`, `rlimit` and `memfd_secret`. Numbers never change meaning, so one table
 * serves every kernel version: a number a kernel lacks simply never appears in its
 * `/proc/PID/syscall`.
 *
 * A 32-bit (ia32/arm32 compat) process on a 64-bit kernel reports the numbers of its own
 * ABI; we do not see the ABI in `/proc`, so those would be misnamed.
 */

/** A run of consecutive numbers starting at the first element; null marks a hole. */
type Segment = readonly [start: number, names: readonly (string | null)[]];

/** Both tables are identical from 424 on: new syscalls get the same number everywhere. */
const COMMON_FROM_424: Segment = [424, [
  'pidfd_send_signal', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'open_tree', 'move_mount', // 424
  'fsopen', 'fsconfig', 'fsmount', 'fspick', 'pidfd_open', 'clone3', // 430
  'close_range', 'openat2', 'pidfd_getfd', 'faccessat2', 'process_madvise', 'epoll_pwait2', // 436
  'mount_setattr', 'quotactl_fd', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self', 'memfd_secret', // 442
  'process_mrelease', 'futex_waitv', 'set_mempolicy_home_node', 'cachestat', 'fchmodat2', 'map_shadow_stack', // 448
  'futex_wake', 'futex_wait', 'futex_requeue', 'statmount', 'listmount', 'lsm_get_self_attr', // 454
  'lsm_set_self_attr', 'lsm_list_modules', 'mseal', 'setxattrat', 'getxattrat', 'listxattrat', // 460
  'removexattrat', 'open_tree_attr', 'file_getattr', 'file_setattr', // 466
]];

const X86_64_SEGMENTS: readonly Segment[] = [
  [0, [
    'read', 'write', 'open', 'close', 'stat', 'fstat', // 0
    'lstat', 'poll', 'lseek', 'mmap', 'mprotect', 'munmap', // 6
    'brk', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'ioctl', 'pread64', // 12
    'pwrite64', 'readv', 'writev', 'access', 'pipe', 'select', // 18
    'sched_yield', 'mremap', 'msync', 'mincore', 'madvise', 'shmget', // 24
    'shmat', 'shmctl', 'dup', 'dup2', 'pause', 'nanosleep', // 30
    'getitimer', 'alarm', 'setitimer', 'getpid', 'sendfile', 'socket', // 36
    'connect', 'accept', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', // 42
    'shutdown', 'bind', 'listen', 'getsockname', 'getpeername', 'socketpair', // 48
    'setsockopt', 'getsockopt', 'clone', 'fork', 'vfork', 'execve', // 54
    'exit', 'wait4', 'kill', 'uname', 'semget', 'semop', // 60
    'semctl', 'shmdt', 'msgget', 'msgsnd', 'msgrcv', 'msgctl', // 66
    'fcntl', 'flock', 'fsync', 'fdatasync', 'truncate', 'ftruncate', // 72
    'getdents', 'getcwd', 'chdir', 'fchdir', 'rename', 'mkdir', // 78
    'rmdir', 'creat', 'link', 'unlink', 'symlink', 'readlink', // 84
    'chmod', 'fchmod', 'chown', 'fchown', 'lchown', 'umask', // 90
    'gettimeofday', 'getrlimit', 'getrusage', 'sysinfo', 'times', 'ptrace', // 96
    'getuid', 'syslog', 'getgid', 'setuid', 'setgid', 'geteuid', // 102
    'getegid', 'setpgid', 'getppid', 'getpgrp', 'setsid', 'setreuid', // 108
    'setregid', 'getgroups', 'setgroups', 'setresuid', 'getresuid', 'setresgid', // 114
    'getresgid', 'getpgid', 'setfsuid', 'setfsgid', 'getsid', 'capget', // 120
    'capset', 'rt_sigpending', 'rt_sigtimedwait', 'rt_sigqueueinfo', 'rt_sigsuspend', 'sigaltstack', // 126
    'utime', 'mknod', 'uselib', 'personality', 'ustat', 'statfs', // 132
    'fstatfs', 'sysfs', 'getpriority', 'setpriority', 'sched_setparam', 'sched_getparam', // 138
    'sched_setscheduler', 'sched_getscheduler', 'sched_get_priority_max', 'sched_get_priority_min', 'sched_rr_get_interval', 'mlock', // 144
    'munlock', 'mlockall', 'munlockall', 'vhangup', 'modify_ldt', 'pivot_root', // 150
    '_sysctl', 'prctl', 'arch_prctl', 'adjtimex', 'setrlimit', 'chroot', // 156
    'sync', 'acct', 'settimeofday', 'mount', 'umount2', 'swapon', // 162
    'swapoff', 'reboot', 'sethostname', 'setdomainname', 'iopl', 'ioperm', // 168
    'create_module', 'init_module', 'delete_module', 'get_kernel_syms', 'query_module', 'quotactl', // 174
    'nfsservctl', 'getpmsg', 'putpmsg', 'afs_syscall', 'tuxcall', 'security', // 180
    'gettid', 'readahead', 'setxattr', 'lsetxattr', 'fsetxattr', 'getxattr', // 186
    'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr', 'removexattr', // 192
    'lremovexattr', 'fremovexattr', 'tkill', 'time', 'futex', 'sched_setaffinity', // 198
    'sched_getaffinity', 'set_thread_area', 'io_setup', 'io_destroy', 'io_getevents', 'io_submit', // 204
    'io_cancel', 'get_thread_area', 'lookup_dcookie', 'epoll_create', 'epoll_ctl_old', 'epoll_wait_old', // 210
    'remap_file_pages', 'getdents64', 'set_tid_address', 'restart_syscall', 'semtimedop', 'fadvise64', // 216
    'timer_create', 'timer_settime', 'timer_gettime', 'timer_getoverrun', 'timer_delete', 'clock_settime', // 222
    'clock_gettime', 'clock_getres', 'clock_nanosleep', 'exit_group', 'epoll_wait', 'epoll_ctl', // 228
    'tgkill', 'utimes', 'vserver', 'mbind', 'set_mempolicy', 'get_mempolicy', // 234
    'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify', 'mq_getsetattr', // 240
    'kexec_load', 'waitid', 'add_key', 'request_key', 'keyctl', 'ioprio_set', // 246
    'ioprio_get', 'inotify_init', 'inotify_add_watch', 'inotify_rm_watch', 'migrate_pages', 'openat', // 252
    'mkdirat', 'mknodat', 'fchownat', 'futimesat', 'newfstatat', 'unlinkat', // 258
    'renameat', 'linkat', 'symlinkat', 'readlinkat', 'fchmodat', 'faccessat', // 264
    'pselect6', 'ppoll', 'unshare', 'set_robust_list', 'get_robust_list', 'splice', // 270
    'tee', 'sync_file_range', 'vmsplice', 'move_pages', 'utimensat', 'epoll_pwait', // 276
    'signalfd', 'timerfd_create', 'eventfd', 'fallocate', 'timerfd_settime', 'timerfd_gettime', // 282
    'accept4', 'signalfd4', 'eventfd2', 'epoll_create1', 'dup3', 'pipe2', // 288
    'inotify_init1', 'preadv', 'pwritev', 'rt_tgsigqueueinfo', 'perf_event_open', 'recvmmsg', // 294
    'fanotify_init', 'fanotify_mark', 'prlimit64', 'name_to_handle_at', 'open_by_handle_at', 'clock_adjtime', // 300
    'syncfs', 'sendmmsg', 'setns', 'getcpu', 'process_vm_readv', 'process_vm_writev', // 306
    'kcmp', 'finit_module', 'sched_setattr', 'sched_getattr', 'renameat2', 'seccomp', // 312
    'getrandom', 'memfd_create', 'kexec_file_load', 'bpf', 'execveat', 'userfaultfd', // 318
    'membarrier', 'mlock2', 'copy_file_range', 'preadv2', 'pwritev2', 'pkey_mprotect', // 324
    'pkey_alloc', 'pkey_free', 'statx', 'io_pgetevents', 'rseq', // 330
  ]],
  COMMON_FROM_424,
];

const AARCH64_SEGMENTS: readonly Segment[] = [
  [0, [
    'io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'setxattr', // 0
    'lsetxattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', // 6
    'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr', 'getcwd', // 12
    'lookup_dcookie', 'eventfd2', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'dup', // 18
    'dup3', 'fcntl', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'ioctl', // 24
    'ioprio_set', 'ioprio_get', 'flock', 'mknodat', 'mkdirat', 'unlinkat', // 30
    'symlinkat', 'linkat', 'renameat', 'umount2', 'mount', 'pivot_root', // 36
    null, 'statfs', 'fstatfs', 'truncate', 'ftruncate', 'fallocate', // 42
    'faccessat', 'chdir', 'fchdir', 'chroot', 'fchmod', 'fchmodat', // 48
    'fchownat', 'fchown', 'openat', 'close', 'vhangup', 'pipe2', // 54
    'quotactl', 'getdents64', 'lseek', 'read', 'write', 'readv', // 60
    'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'sendfile', // 66
    'pselect6', 'ppoll', 'signalfd4', 'vmsplice', 'splice', 'tee', // 72
    'readlinkat', 'newfstatat', 'fstat', 'sync', 'fsync', 'fdatasync', // 78
    'sync_file_range', 'timerfd_create', 'timerfd_settime', 'timerfd_gettime', 'utimensat', 'acct', // 84
    'capget', 'capset', 'personality', 'exit', 'exit_group', 'waitid', // 90
    'set_tid_address', 'unshare', 'futex', 'set_robust_list', 'get_robust_list', 'nanosleep', // 96
    'getitimer', 'setitimer', 'kexec_load', 'init_module', 'delete_module', 'timer_create', // 102
    'timer_gettime', 'timer_getoverrun', 'timer_settime', 'timer_delete', 'clock_settime', 'clock_gettime', // 108
    'clock_getres', 'clock_nanosleep', 'syslog', 'ptrace', 'sched_setparam', 'sched_setscheduler', // 114
    'sched_getscheduler', 'sched_getparam', 'sched_setaffinity', 'sched_getaffinity', 'sched_yield', 'sched_get_priority_max', // 120
    'sched_get_priority_min', 'sched_rr_get_interval', 'restart_syscall', 'kill', 'tkill', 'tgkill', // 126
    'sigaltstack', 'rt_sigsuspend', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigpending', 'rt_sigtimedwait', // 132
    'rt_sigqueueinfo', 'rt_sigreturn', 'setpriority', 'getpriority', 'reboot', 'setregid', // 138
    'setgid', 'setreuid', 'setuid', 'setresuid', 'getresuid', 'setresgid', // 144
    'getresgid', 'setfsuid', 'setfsgid', 'times', 'setpgid', 'getpgid', // 150
    'getsid', 'setsid', 'getgroups', 'setgroups', 'uname', 'sethostname', // 156
    'setdomainname', 'getrlimit', 'setrlimit', 'getrusage', 'umask', 'prctl', // 162
    'getcpu', 'gettimeofday', 'settimeofday', 'adjtimex', 'getpid', 'getppid', // 168
    'getuid', 'geteuid', 'getgid', 'getegid', 'gettid', 'sysinfo', // 174
    'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify', 'mq_getsetattr', // 180
    'msgget', 'msgctl', 'msgrcv', 'msgsnd', 'semget', 'semctl', // 186
    'semtimedop', 'semop', 'shmget', 'shmctl', 'shmat', 'shmdt', // 192
    'socket', 'socketpair', 'bind', 'listen', 'accept', 'connect', // 198
    'getsockname', 'getpeername', 'sendto', 'recvfrom', 'setsockopt', 'getsockopt', // 204
    'shutdown', 'sendmsg', 'recvmsg', 'readahead', 'brk', 'munmap', // 210
    'mremap', 'add_key', 'request_key', 'keyctl', 'clone', 'execve', // 216
    'mmap', 'fadvise64', 'swapon', 'swapoff', 'mprotect', 'msync', // 222
    'mlock', 'munlock', 'mlockall', 'munlockall', 'mincore', 'madvise', // 228
    'remap_file_pages', 'mbind', 'get_mempolicy', 'set_mempolicy', 'migrate_pages', 'move_pages', // 234
    'rt_tgsigqueueinfo', 'perf_event_open', 'accept4', 'recvmmsg', // 240
  ]],
  [260, [
    'wait4', 'prlimit64', 'fanotify_init', 'fanotify_mark', 'name_to_handle_at', 'open_by_handle_at', // 260
    'clock_adjtime', 'syncfs', 'setns', 'sendmmsg', 'process_vm_readv', 'process_vm_writev', // 266
    'kcmp', 'finit_module', 'sched_setattr', 'sched_getattr', 'renameat2', 'seccomp', // 272
    'getrandom', 'memfd_create', 'bpf', 'execveat', 'userfaultfd', 'membarrier', // 278
    'mlock2', 'copy_file_range', 'preadv2', 'pwritev2', 'pkey_mprotect', 'pkey_alloc', // 284
    'pkey_free', 'statx', 'io_pgetevents', 'rseq', 'kexec_file_load', // 290
  ]],
  COMMON_FROM_424,
];

interface SyscallTable {
  readonly byNumber: ReadonlyMap<number, string>;
  readonly byName: ReadonlyMap<string, number>;
}

function buildTable(segments: readonly Segment[]): SyscallTable {
  const byNumber = new Map<number, string>();
  const byName = new Map<string, number>();
  for (const [start, names] of segments) {
    names.forEach((name, offset) => {
      if (name === null) return;
      byNumber.set(start + offset, name);
      byName.set(name, start + offset);
    });
  }
  return { byNumber, byName };
}

const TABLES: Readonly<Record<Arch, SyscallTable>> = {
  x86_64: buildTable(X86_64_SEGMENTS),
  aarch64: buildTable(AARCH64_SEGMENTS),
};

/** `syscallName('aarch64', 22)` → `'epoll_pwait'`; null for a number the table does not know. */
export function syscallName(arch: Arch, nr: number): string | null {
  return TABLES[arch].byNumber.get(nr) ?? null;
}

/** `syscallNumber('x86_64', 'wait4')` → 61; null when the architecture has no such syscall (aarch64 `epoll_wait`). */
export function syscallNumber(arch: Arch, name: string): number | null {
  return TABLES[arch].byName.get(name) ?? null;
}

/** Every known syscall of an architecture, ascending by number. */
export function syscallEntries(arch: Arch): readonly { readonly nr: number; readonly name: string }[] {
  return [...TABLES[arch].byNumber].sort(([a], [b]) => a - b).map(([nr, name]) => ({ nr, name }));
}
