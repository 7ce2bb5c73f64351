import { describe, expect, it } from 'vitest';
import { classifyThread, formatMilliseconds } from '../../src/classify/classify.js';
import { WAIT_KINDS, type WaitClassification, type WaitKind } from '../../src/kernel/wait-kinds.js';
import type { ClassifyInput } from '../../src/classify/input.js';
import type { ReadResult } from '../../src/procfs/errors.js';
import type { StackFrame } from '../../src/parsers/stack.js';
import { parseSyscall, type SyscallState } from '../../src/parsers/syscall.js';
import { stripSymbolSuffix, type WchanInfo } from '../../src/parsers/wchan.js';
import { WAIT_SITES } from '../../src/kernel/wait-sites.js';
import { parseFdTarget } from '../../src/parsers/fd.js';
import { parseKernelRelease } from '../../src/kernel/version.js';

// ---- building inputs ------------------------------------------------------------------

function denied<T>(file: string): ReadResult<T> {
  return { ok: false, error: { kind: 'denied', path: `1234/task/1234/${file}`, errno: 'EACCES', message: 'Permission denied' } };
}

function wchan(symbol: string | null): ReadResult<WchanInfo> {
  return { ok: true, value: { symbol, base: symbol === null ? null : stripSymbolSuffix(symbol) } };
}

/** Stack frames as the kernel prints them, top first (suffixes kept, as in the file). */
function stack(...symbols: string[]): ReadResult<readonly StackFrame[]> {
  return { ok: true, value: symbols.map((symbol) => ({ symbol, base: stripSymbolSuffix(symbol), offset: 0x46, size: 0x90 })) };
}

function syscall(line: string): ReadResult<SyscallState> {
  return { ok: true, value: parseSyscall(line) };
}

/** A syscall line with the given number and arguments (unused ones 0), user sp and pc made up. */
function sys(nr: number, ...args: bigint[]): ReadResult<SyscallState> {
  const six = [...args, 0n, 0n, 0n, 0n, 0n, 0n].slice(0, 6);
  return syscall(`${nr} ${six.map((a) => `0x${a.toString(16)}`).join(' ')} 0x7ffd4c8eab78 0x7f0678d2bbd3`);
}

/** 32-bit register value of a negative int, as the kernel prints it (pid -1 → 0xffffffff). */
const neg = (n: number): bigint => BigInt.asUintN(32, BigInt(n));

/** Defaults: an unprivileged view of a sleeping thread (wchan 0, stack and syscall denied). */
function thread(over: Partial<ClassifyInput>): ClassifyInput {
  return {
    state: 'S',
    comm: 'app',
    isKernelThread: false,
    wchan: wchan(null),
    stack: denied('stack'),
    syscall: denied('syscall'),
    arch: 'x86_64',
    ...over,
  };
}

/** Root's view: wchan, stack and syscall all readable. */
function rootView(state: string, frames: string[], line: ReadResult<SyscallState>, over: Partial<ClassifyInput> = {}): ClassifyInput {
  return thread({ state, wchan: wchan(frames[0] ?? null), stack: stack(...frames), syscall: line, ...over });
}

/** A same-user, non-root view: wchan and syscall readable, stack denied. */
function userView(state: string, symbol: string, line: ReadResult<SyscallState>, over: Partial<ClassifyInput> = {}): ClassifyInput {
  return thread({ state, wchan: wchan(symbol), syscall: line, ...over });
}

const X64_ENTRY = ['do_syscall_64', 'entry_SYSCALL_64_after_hwframe'];
const ZEROED_KTHREAD_SYSCALL = syscall('0 0x0 0x0 0x0 0x0 0x0 0x0 0x0 0x0');

function expectSite(c: WaitClassification, kind: WaitKind, site: string | null, fn: string | null): void {
  expect({ kind: c.kind, site: c.site, function: c.function }).toEqual({ kind, site, function: fn });
}

/** What every classification that names a wait site must carry. */
function expectExplained(c: WaitClassification): void {
  expect(c.function, c.summary).toBeTruthy();
  expect(c.sourceFile, c.summary).toMatch(/^[a-z0-9_/-]+\.(c|h|S)$/);
  for (const text of Object.values(c.explanation)) expect(text.length, c.summary).toBeGreaterThan(10);
  expect(c.summary.length).toBeGreaterThan(3);
}

// ---- the state letter alone -------------------------------------------------------------

describe('state letter', () => {
  it('Z: zombie, with the zeroed syscall line ignored', () => {
    const c = classifyThread(thread({ state: 'Z', stack: stack(), syscall: syscall('-1 0x0 0x0') }));
    expectSite(c, 'zombie', 'zombie', 'exit_notify');
    expect(c.sourceFile).toBe('kernel/exit.c');
    expect(c.syscall).toBeNull();
    expect(c.confidence).toBe('certain');
    expect(c.summary).toBe('zombie');
  });

  it('T: stopped by a signal from user mode', () => {
    const c = classifyThread(rootView('T', ['do_signal_stop', 'get_signal', 'arch_do_signal_or_restart'], syscall('-1 0x7ffd4c8eb190 0x55a39d2d22c3')));
    expectSite(c, 'stopped', 'signal-stop', 'do_signal_stop');
    expect(c.sourceFile).toBe('kernel/signal.c');
    expect(c.syscall).toBeNull();
  });

  it('T: stopped while in a syscall keeps the interrupted syscall (34 = pause)', () => {
    const c = classifyThread(userView('T', 'do_signal_stop', sys(34)));
    expect(c.kind).toBe('stopped');
    expect(c.syscall).toEqual({ nr: 34, name: 'pause' });
    expect(c.summary).toBe('stopped: pause()');
  });

  it('T as another user: still stopped, from the state alone', () => {
    const c = classifyThread(thread({ state: 'T' }));
    expectSite(c, 'stopped', 'signal-stop', 'do_signal_stop');
    expect(c.basis).toEqual(['state']);
  });

  it('t: traced (strace), stopped in restart_syscall', () => {
    const c = classifyThread(rootView('t', ['ptrace_stop', 'ptrace_do_notify', 'get_signal'], sys(219)));
    expectSite(c, 'traced', 'ptrace-stop', 'ptrace_stop');
    expect(c.syscall?.name).toBe('restart_syscall');
  });

  it('R: running, even with a stale wchan symbol; syscall reads running', () => {
    const c = classifyThread(userView('R', 'do_epoll_wait', syscall('running')));
    expect(c.kind).toBe('running');
    expect(c.syscall).toBeNull();
    expect(c.function).toBeNull();
    expect(c.explanation.cost).toMatch(/CPU/);
  });

  it('I: idle kworker; its zeroed syscall file is not a read', () => {
    const c = classifyThread(
      rootView('I', ['worker_thread', 'kthread', 'ret_from_fork', 'ret_from_fork_asm'], ZEROED_KTHREAD_SYSCALL, { isKernelThread: true, comm: 'kworker/0:1' }),
    );
    expectSite(c, 'idle', 'kthread-workqueue-idle', 'worker_thread');
    expect(c.syscall).toBeNull();
    expect(c.argument).toBeNull();
    expectExplained(c);
  });

  it('I: rcu_preempt in rcu_gp_fqs_loop is idle', () => {
    const c = classifyThread(userView('I', 'rcu_gp_fqs_loop', ZEROED_KTHREAD_SYSCALL, { isKernelThread: true }));
    expectSite(c, 'idle', 'kthread-idle-other', 'rcu_gp_fqs_loop');
    expect(c.sourceFile).toBe('kernel/rcu/tree.c');
  });
});

// ---- kernel threads ---------------------------------------------------------------------

describe('kernel threads', () => {
  it.each([
    ['kthreadd', 'kernel/kthread.c'],
    ['smpboot_thread_fn', 'kernel/smpboot.c'],
    ['kswapd', 'mm/vmscan.c'],
    ['rcu_gp_kthread', 'kernel/rcu/tree.c'],
    ['watchdog', 'kernel/hung_task.c'],
  ])('S in %s is idle, and the zeroed syscall is ignored', (symbol, file) => {
    const c = classifyThread(userView('S', symbol, ZEROED_KTHREAD_SYSCALL, { isKernelThread: true }));
    expect(c.kind).toBe('idle');
    expect(c.function).toBe(symbol);
    expect(c.sourceFile).toBe(file);
    expect(c.syscall).toBeNull();
    expect(c.missing).toEqual(['stack: permission denied']);
  });

  it('the same zeroed line on aarch64 (io_setup) is ignored too', () => {
    const c = classifyThread(userView('S', 'kthreadd', ZEROED_KTHREAD_SYSCALL, { isKernelThread: true, arch: 'aarch64' }));
    expect(c.kind).toBe('idle');
    expect(c.syscall).toBeNull();
  });

  it('S in an uncatalogued function is still idle (likely)', () => {
    const c = classifyThread(userView('S', 'nfsd_svc_wait', ZEROED_KTHREAD_SYSCALL, { isKernelThread: true }));
    expect(c.kind).toBe('idle');
    expect(c.function).toBe('nfsd_svc_wait');
    expect(c.confidence).toBe('likely');
  });

  it('D: a committing jbd2 thread is disk I/O, not idle', () => {
    const c = classifyThread(
      rootView('D', ['jbd2_journal_commit_transaction', 'kjournald2', 'kthread', 'ret_from_fork'], ZEROED_KTHREAD_SYSCALL, { isKernelThread: true }),
    );
    expect(c.kind).toBe('disk-io');
    expect(c.function).toBe('jbd2_journal_commit_transaction');
    expect(c.syscall).toBeNull();
  });

  it('io_uring workers are idle and their creator’s syscall (426) is ignored', () => {
    const c = classifyThread(userView('S', 'io_wq_worker', sys(426, 5n, 0n, 1n, 1n), { comm: 'iou-wrk-4242' }));
    expectSite(c, 'idle', 'io_uring-worker', 'io_wq_worker');
    expect(c.syscall).toBeNull();
  });
});

// ---- process and event-loop waits -------------------------------------------------------

describe('waitpid', () => {
  const line = syscall('61 0xffffffff 0x7ffd4c8eaba0 0x0 0x0 0x1 0x8 0x7ffd4c8eab78 0x7f0678d2bbd3');

  it('6.18 root view (observed): do_wait ← kernel_wait4', () => {
    const c = classifyThread(rootView('S', ['do_wait', 'kernel_wait4', ...X64_ENTRY], line));
    expectSite(c, 'waitpid', 'child-wait', 'do_wait');
    expect(c.sourceFile).toBe('kernel/exit.c');
    expect(c.syscall).toEqual({ nr: 61, name: 'wait4' });
    expect(c.argument).toEqual({ name: 'pid', value: '-1 (any child)', raw: '-1' });
    expect(c.summary).toBe('waitpid(pid=-1 any child)');
    expect(c.confidence).toBe('certain');
    expect(c.missing).toEqual([]);
    expectExplained(c);
  });

  it.each([
    ['0', 0n, '0 (any child in its process group)', 'waitpid(pid=0 any child in its process group)'],
    ['-1234', neg(-1234), '-1234 (any child in process group 1234)', 'waitpid(pid=-1234 any child in process group 1234)'],
    ['4321', 4321n, '4321', 'waitpid(pid=4321)'],
  ])('decodes pid %s', (_label, pid, value, summary) => {
    const c = classifyThread(userView('S', 'do_wait', sys(61, pid)));
    expect(c.argument?.value).toBe(value);
    expect(c.summary).toBe(summary);
  });

  it('without root: wchan + syscall, stack permission denied', () => {
    const c = classifyThread(userView('S', 'do_wait', line));
    expectSite(c, 'waitpid', 'child-wait', 'do_wait');
    expect(c.missing).toEqual(['stack: permission denied']);
    expect(c.basis).toEqual(['wchan']);
  });

  it('aarch64 wait4 is 260', () => {
    const c = classifyThread(userView('S', 'do_wait', sys(260, neg(-1)), { arch: 'aarch64' }));
    expect(c.syscall).toEqual({ nr: 260, name: 'wait4' });
    expect(c.summary).toBe('waitpid(pid=-1 any child)');
  });

  it('waitid decodes idtype and id', () => {
    const c = classifyThread(userView('S', 'do_wait', sys(247, 1n, 7777n)));
    expect(c.argument).toEqual({ name: 'idtype/id', value: 'P_PID 7777', raw: '7777' });
    expect(classifyThread(userView('S', 'do_wait', sys(247, 0n))).summary).toBe('waitid(P_ALL (any child))');
    expect(classifyThread(userView('S', 'do_wait', sys(95, 2n, 0n), { arch: 'aarch64' })).argument?.value).toBe(
      'P_PGID 0 (any child in its process group)',
    );
  });
});

describe('epoll', () => {
  it('6.18 node main thread (observed): do_epoll_wait, epoll_pwait with a 1e9 ms timeout', () => {
    const line = syscall('281 0xe 0x7fff5e47cbb0 0x400 0x3b9aca00 0x0 0x8 0x7fff5e47be50 0x7fa3bad26cae');
    const c = classifyThread(rootView('S', ['do_epoll_wait', 'do_compat_epoll_pwait.part.0', '__x64_sys_epoll_pwait', ...X64_ENTRY], line));
    expectSite(c, 'epoll', 'epoll-wait', 'do_epoll_wait');
    expect(c.sourceFile).toBe('fs/eventpoll.c');
    expect(c.argument).toEqual({ name: 'epoll fd', value: '14 (timeout 11.6 d)', raw: '14' });
    expect(c.summary).toBe('epoll_pwait(epfd=14, timeout=11.6 d)');
    expectExplained(c);
  });

  it('older kernels: ep_poll, epoll_wait forever', () => {
    const c = classifyThread(userView('S', 'ep_poll', sys(232, 5n, 0x7fff0000n, 64n, neg(-1))));
    expectSite(c, 'epoll', 'epoll-wait', 'ep_poll');
    expect(c.summary).toBe('epoll_wait(epfd=5, timeout=∞)');
  });

  it('epoll_pwait2 takes a timeout pointer: NULL is forever', () => {
    expect(classifyThread(userView('S', 'do_epoll_wait', sys(441, 7n, 1n, 8n, 0n))).summary).toBe('epoll_pwait2(epfd=7, timeout=∞)');
    const c = classifyThread(userView('S', 'do_epoll_wait', sys(441, 7n, 1n, 8n, 0x7ffc0010n)));
    expect(c.summary).toBe('epoll_pwait2(epfd=7, timeout=finite)');
    expect(c.argument?.value).toBe('7 (timeout finite, at 0x7ffc0010 in user memory (not read))');
  });

  it('aarch64 epoll_pwait is 22', () => {
    const c = classifyThread(userView('S', 'do_epoll_wait', sys(22, 3n, 0n, 16n, 250n), { arch: 'aarch64' }));
    expect(c.syscall).toEqual({ nr: 22, name: 'epoll_pwait' });
    expect(c.summary).toBe('epoll_pwait(epfd=3, timeout=250 ms)');
  });
});

describe('futex', () => {
  const bitset = syscall('202 0x7efe60000dc0 0x189 0x0 0x0 0x0 0xffffffff 0x7efe5bffe9c0 0x7efe7d2a3d36');

  it.each([
    ['futex_wait_queue_me', 'kernel/futex.c'], // 4.9-5.15
    ['futex_wait_queue', 'kernel/futex/waitwake.c'], // 5.16-6.15
    ['futex_do_wait', 'kernel/futex/waitwake.c'], // 6.16+
  ])('%s is a futex wait', (symbol, file) => {
    const c = classifyThread(userView('S', symbol, bitset));
    expectSite(c, 'futex', 'futex-wait', symbol);
    expect(c.sourceFile).toBe(file);
    expect(c.argument).toEqual({
      name: 'futex address',
      value: '0x7efe60000dc0 (FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME)',
      raw: '0x7efe60000dc0',
    });
    expect(c.summary).toBe('futex wait 0x7efe60000dc0 (FUTEX_WAIT_BITSET_PRIVATE)');
  });

  it('FUTEX_WAIT_PRIVATE (0x80, glibc mutex)', () => {
    const c = classifyThread(rootView('S', ['futex_do_wait', '__futex_wait', 'futex_wait', 'do_futex', '__x64_sys_futex'], sys(202, 0x55d0n, 0x80n, 2n)));
    expect(c.summary).toBe('futex wait 0x55d0 (FUTEX_WAIT_PRIVATE)');
  });

  it('PI lock on 6.7+: rt_mutex_schedule ← futex_lock_pi', () => {
    const c = classifyThread(rootView('S', ['rt_mutex_schedule', 'futex_lock_pi', 'do_futex', '__x64_sys_futex', ...X64_ENTRY], sys(202, 0x5600n, 0x86n)));
    expectSite(c, 'futex', 'futex-lock-pi', 'rt_mutex_schedule');
    expect(c.confidence).toBe('certain');
    expect(c.summary).toBe('futex lock-pi 0x5600 (FUTEX_LOCK_PI_PRIVATE)');
  });

  it('PI lock before 6.7: futex_lock_pi', () => {
    const c = classifyThread(userView('S', 'futex_lock_pi', sys(202, 0x5600n, 0x86n)));
    expectSite(c, 'futex', 'futex-lock-pi', 'futex_lock_pi');
  });

  it('futex_waitv (449) and futex_wait (455)', () => {
    const v = classifyThread(userView('S', 'futex_wait_multiple', sys(449, 0x7f00n, 3n)));
    expectSite(v, 'futex', 'futex-waitv', 'futex_wait_multiple');
    expect(v.summary).toBe('futex_waitv(3 futexes)');
    const w = classifyThread(userView('S', 'futex_do_wait', sys(455, 0x7f10n, 0n, 0xffffffffn, 0x82n)));
    expect(w.summary).toBe('futex wait 0x7f10 (FUTEX2_SIZE_U32|FUTEX2_PRIVATE)');
  });

  it('aarch64 futex is 98', () => {
    const c = classifyThread(userView('S', 'futex_wait_queue', sys(98, 0xaaaa0000n, 0x80n), { arch: 'aarch64' }));
    expect(c.syscall).toEqual({ nr: 98, name: 'futex' });
    expect(c.kind).toBe('futex');
  });
});

describe('poll and select', () => {
  it('select: poll_schedule_timeout.constprop.0 ← do_select (observed), decided by the 2nd frame', () => {
    const c = classifyThread(
      rootView('S', ['poll_schedule_timeout.constprop.0', 'do_select', 'core_sys_select', 'kern_select', '__x64_sys_select'], sys(270, 7n, 0x7efe9909n)),
    );
    expectSite(c, 'poll', 'select', 'poll_schedule_timeout');
    expect(c.basis).toContain('stack: do_select (frame 2)');
    expect(c.summary).toBe('pselect6(nfds=7, timeout=∞)');
  });

  it('poll: ← do_sys_poll, with poll’s int timeout (observed python line)', () => {
    const line = syscall('7 0x7efe9c5a4790 0x1 0xffffffff 0x2a 0x0 0x0 0x7efe9c5a4740 0x7efe7d31f8df');
    const c = classifyThread(rootView('S', ['poll_schedule_timeout.constprop.0', 'do_sys_poll', '__x64_sys_poll', ...X64_ENTRY], line));
    expectSite(c, 'poll', 'poll', 'poll_schedule_timeout');
    expect(c.argument).toEqual({ name: 'nfds', value: '1 (timeout ∞)', raw: '1' });
    expect(c.summary).toBe('poll(nfds=1, timeout=∞)');
  });

  it('no stack: the syscall decides (likely)', () => {
    const c = classifyThread(userView('S', 'poll_schedule_timeout.constprop.0', sys(7, 0x1000n, 2n, 1500n)));
    expectSite(c, 'poll', 'poll', 'poll_schedule_timeout');
    expect(c.confidence).toBe('likely');
    expect(c.basis).toEqual(['wchan', 'syscall']);
    expect(c.summary).toBe('poll(nfds=2, timeout=1.5 s)');
  });

  it('aarch64 ppoll (73) with a NULL timeout', () => {
    const c = classifyThread(userView('S', 'poll_schedule_timeout', sys(73, 0x1000n, 1n, 0n), { arch: 'aarch64' }));
    expectSite(c, 'poll', 'poll', 'poll_schedule_timeout');
    expect(c.summary).toBe('ppoll(nfds=1, timeout=∞)');
  });

  it('neither stack nor syscall: still poll, the site unknown', () => {
    const c = classifyThread(thread({ wchan: wchan('poll_schedule_timeout.isra.0') }));
    expect(c.kind).toBe('poll');
    expect(c.site).toBeNull();
    expect(c.function).toBe('poll_schedule_timeout');
    expect(c.sourceFile).toBe('fs/select.c');
  });
});

describe('pipes', () => {
  it('6.15+ anon_pipe_read (observed cat on an empty pipe)', () => {
    const line = syscall('0 0x0 0x7f970308b000 0x20000 0x7f970311eb60 0xffffffff 0x0 0x7ffe47597f98 0x7f97032072ad');
    const c = classifyThread(rootView('S', ['anon_pipe_read', 'vfs_read', 'ksys_read', ...X64_ENTRY], line));
    expectSite(c, 'pipe', 'pipe-read', 'anon_pipe_read');
    expect(c.sourceFile).toBe('fs/pipe.c');
    expect(c.argument).toEqual({ name: 'fd', value: '0', raw: '0' });
    expect(c.summary).toBe('pipe read: read(fd=0)');
    expectExplained(c);
  });

  it('5.6-6.14 pipe_read and pipe_write', () => {
    expectSite(classifyThread(userView('S', 'pipe_read', sys(0, 3n))), 'pipe', 'pipe-read', 'pipe_read');
    expectSite(classifyThread(userView('S', 'pipe_write', sys(1, 4n))), 'pipe', 'pipe-write', 'pipe_write');
    expectSite(classifyThread(userView('S', 'anon_pipe_write', sys(1, 4n))), 'pipe', 'pipe-write', 'anon_pipe_write');
  });

  it('4.x pipe_wait: the 2nd frame says read or write', () => {
    const read = classifyThread(rootView('S', ['pipe_wait', 'pipe_read', '__vfs_read', 'vfs_read', 'SyS_read'], sys(0, 3n)));
    expectSite(read, 'pipe', 'pipe-read', 'pipe_wait');
    expect(read.basis).toContain('stack: pipe_read (frame 2)');
    const write = classifyThread(rootView('S', ['pipe_wait', 'pipe_write', '__vfs_write', 'vfs_write', 'SyS_write'], sys(1, 4n)));
    expectSite(write, 'pipe', 'pipe-write', 'pipe_wait');
  });

  it('4.x pipe_wait without a stack: the syscall says read or write (likely)', () => {
    const c = classifyThread(userView('S', 'pipe_wait', sys(1, 4n)));
    expectSite(c, 'pipe', 'pipe-write', 'pipe_wait');
    expect(c.confidence).toBe('likely');
  });

  it('aarch64 read is 63', () => {
    const c = classifyThread(userView('S', 'anon_pipe_read', sys(63, 0n), { arch: 'aarch64' }));
    expect(c.syscall).toEqual({ nr: 63, name: 'read' });
    expect(c.summary).toBe('pipe read: read(fd=0)');
  });

  it('FIFO open without a writer', () => {
    expectSite(classifyThread(userView('S', 'wait_for_partner', sys(257, neg(-100)))), 'pipe', 'fifo-open', 'wait_for_partner');
  });

  it('pipe_read in D is the pipe mutex, not the pipe', () => {
    const c = classifyThread(rootView('D', ['anon_pipe_read', 'vfs_read', 'ksys_read', ...X64_ENTRY], sys(0, 3n)));
    expect(c.kind).toBe('kernel-lock');
    expect(c.site).toBe('mutex-wait');
    expect(c.function).toBe('anon_pipe_read');
    expect(c.sourceFile).toBe('fs/pipe.c');
    expect(c.summary).toBe('kernel lock (taken in anon_pipe_read): read(fd=3)');
  });
});

// ---- generic helpers ---------------------------------------------------------------------

describe('wait_woken is decided by the second frame, then by the syscall', () => {
  it.each([
    [['wait_woken', 'sk_wait_data', 'tcp_recvmsg_locked', 'tcp_recvmsg'], 45, 'socket', 'sock-stream-recv'],
    [['wait_woken', 'sk_stream_wait_memory', 'tcp_sendmsg_locked', 'tcp_sendmsg'], 44, 'socket', 'sock-stream-send'],
    [['wait_woken', '__inet_stream_connect', 'inet_stream_connect', '__sys_connect'], 42, 'socket', 'sock-connect'],
    [['wait_woken', 'n_tty_read', 'tty_read', 'vfs_read'], 0, 'tty', 'tty-read'],
    [['wait_woken', 'inotify_read', 'vfs_read', 'ksys_read'], 0, 'event-fd', 'inotify-read'],
  ] as const)('%j', (frames, nr, kind, site) => {
    const c = classifyThread(rootView('S', [...frames], sys(nr, 15n)));
    expectSite(c, kind, site, 'wait_woken');
    expect(c.sourceFile).toBe('kernel/sched/wait.c');
    expect(c.confidence).toBe('certain');
    expect(c.basis).toContain(`stack: ${frames[1]} (frame 2)`);
    expectExplained(c);
  });

  it('the 2nd frame wins over a syscall that would fit other rows (read on a TCP socket)', () => {
    const c = classifyThread(rootView('S', ['wait_woken', 'sk_wait_data', 'tcp_recvmsg_locked', 'tcp_recvmsg', 'sock_read_iter'], sys(0, 15n)));
    expect(c.site).toBe('sock-stream-recv');
  });

  it('no stack, recvfrom: a TCP receive (likely)', () => {
    const c = classifyThread(userView('S', 'wait_woken', sys(45, 15n)));
    expectSite(c, 'socket', 'sock-stream-recv', 'wait_woken');
    expect(c.confidence).toBe('likely');
    expect(c.summary).toBe('stream socket recv: recvfrom(fd=15)');
  });

  it('no stack, connect: a TCP connect (likely)', () => {
    expectSite(classifyThread(userView('S', 'wait_woken', sys(42, 6n))), 'socket', 'sock-connect', 'wait_woken');
  });

  it('no stack, read: socket, tty or inotify cannot be told apart', () => {
    const c = classifyThread(userView('S', 'wait_woken', sys(0, 3n)));
    expect(c.kind).toBe('other');
    expect(c.site).toBeNull();
    expect(c.function).toBe('wait_woken');
    expect(c.sourceFile).toBe('kernel/sched/wait.c');
    expect(c.confidence).toBe('guess');
    expect(c.explanation.waitsFor).toMatch(/socket.*terminal.*inotify/);
    expect(c.summary).toContain('read(fd=3)');
  });

  it('4.9: sk_wait_data is the wchan itself', () => {
    expectSite(classifyThread(userView('S', 'sk_wait_data', sys(45, 9n))), 'socket', 'sock-stream-recv', 'sk_wait_data');
  });
});

describe('other shared helpers', () => {
  it('do_wait_intr_irq ← eventfd_read / timerfd_read_iter (observed)', () => {
    expectSite(classifyThread(rootView('S', ['do_wait_intr_irq', 'eventfd_read', 'vfs_read'], sys(0, 13n))), 'event-fd', 'eventfd-read', 'do_wait_intr_irq');
    expectSite(classifyThread(rootView('S', ['do_wait_intr_irq', 'timerfd_read_iter', 'vfs_read'], sys(0, 14n))), 'event-fd', 'timerfd-read', 'do_wait_intr_irq');
  });

  it('do_wait_intr_irq without a stack: event-fd, site unknown', () => {
    const c = classifyThread(userView('S', 'do_wait_intr_irq', sys(0, 13n)));
    expect(c.kind).toBe('event-fd');
    expect(c.site).toBeNull();
    expect(c.confidence).toBe('likely');
    expect(c.sourceFile).toBe('kernel/sched/wait.c');
  });

  it('older eventfd and timerfd symbols', () => {
    expectSite(classifyThread(userView('S', 'eventfd_ctx_read', sys(0, 5n))), 'event-fd', 'eventfd-read', 'eventfd_ctx_read');
    expectSite(classifyThread(userView('S', 'timerfd_read', sys(0, 5n))), 'event-fd', 'timerfd-read', 'timerfd_read');
  });

  it('__skb_wait_for_more_packets: the 2nd frame names the protocol', () => {
    const udp = classifyThread(rootView('S', ['__skb_wait_for_more_packets', '__skb_recv_udp', 'udp_recvmsg', 'sock_recvmsg'], sys(45, 5n)));
    expectSite(udp, 'socket', 'sock-dgram-recv', '__skb_wait_for_more_packets');
    expect(udp.summary).toBe('datagram recv (UDP): recvfrom(fd=5)');
    const unix = classifyThread(rootView('S', ['__skb_wait_for_more_packets', '__unix_dgram_recvmsg', 'sock_recvmsg'], sys(45, 11n)));
    expect(unix.summary).toBe('datagram recv (AF_UNIX datagram): recvfrom(fd=11)');
  });

  it('__skb_wait_for_more_packets in accept4 is an AF_UNIX accept', () => {
    const c = classifyThread(userView('S', '__skb_wait_for_more_packets', sys(288, 3n)));
    expectSite(c, 'socket', 'sock-dgram-recv', '__skb_wait_for_more_packets');
    expect(c.summary).toBe('datagram recv: accept4(fd=3)');
  });

  it('unix_wait_for_peer: connect or datagram send, by the 2nd frame', () => {
    expectSite(classifyThread(rootView('S', ['unix_wait_for_peer', 'unix_stream_connect', '__sys_connect'], sys(42, 3n))), 'socket', 'unix-connect', 'unix_wait_for_peer');
    expectSite(classifyThread(rootView('S', ['unix_wait_for_peer', 'unix_dgram_sendmsg', '__sys_sendto'], sys(44, 3n))), 'socket', 'sock-wmem-wait', 'unix_wait_for_peer');
  });

  it('scheduler frames are looked past: wchan "schedule" is resolved by the syscall', () => {
    const c = classifyThread(userView('S', 'schedule', sys(232, 5n, 0n, 8n, neg(-1))));
    expect(c.kind).toBe('epoll');
    expect(c.site).toBe('epoll-wait');
    expect(c.confidence).toBe('likely');
  });

  it('scheduler frames are looked past: an old unfiltered stack', () => {
    const c = classifyThread(rootView('S', ['schedule', 'schedule_hrtimeout_range', 'ep_poll', 'SyS_epoll_wait', 'entry_SYSCALL_64_fastpath'], sys(232, 5n)));
    expectSite(c, 'epoll', 'epoll-wait', 'ep_poll');
  });
});

// ---- disk, reclaim and locks -------------------------------------------------------------

describe('D state', () => {
  it('fsync waiting for writeback (observed): folio_wait_bit ← … ← ext4_sync_file', () => {
    const frames = ['folio_wait_bit', 'folio_wait_writeback', '__filemap_fdatawait_range', 'file_write_and_wait_range', 'ext4_sync_file'];
    const c = classifyThread(rootView('D', frames, sys(74, 3n)));
    expectSite(c, 'disk-io', 'writeback-wait', 'folio_wait_bit');
    expect(c.sourceFile).toBe('mm/filemap.c');
    expect(c.basis).toContain('stack: __filemap_fdatawait_range (frame 3)');
    expect(c.summary).toBe('writeback: fsync(fd=3)');
    expect(c.explanation.cost).toMatch(/load average.*PSI io/);
  });

  it('memcg reclaim waiting for writeback (observed): the same wchan, decided by the stack', () => {
    const frames = ['folio_wait_bit', 'folio_wait_writeback', 'shrink_folio_list', 'shrink_lruvec', 'shrink_node', 'do_try_to_free_pages'];
    const c = classifyThread(rootView('D', frames, sys(1, 3n)));
    expectSite(c, 'reclaim', 'memory-reclaim', 'folio_wait_bit');
    expect(c.explanation.cost).toMatch(/PSI memory/);
  });

  it('5.x: wait_on_page_bit ← shrink_page_list is reclaim too', () => {
    const c = classifyThread(rootView('D', ['wait_on_page_bit', 'shrink_page_list', 'shrink_inactive_list'], syscall('-1 0x7ffd0000 0x55d00000')));
    expectSite(c, 'reclaim', 'memory-reclaim', 'wait_on_page_bit');
  });

  it('folio_wait_bit without a stack: fsync makes it writeback (likely)', () => {
    const c = classifyThread(userView('D', 'folio_wait_bit', sys(75, 3n)));
    expectSite(c, 'disk-io', 'writeback-wait', 'folio_wait_bit');
    expect(c.confidence).toBe('likely');
  });

  it('folio_wait_bit without a stack in a page fault: disk I/O, but which is a guess', () => {
    const c = classifyThread(userView('D', 'folio_wait_bit', syscall('-1 0x7ffd0000 0x55d00000')));
    expect(c.kind).toBe('disk-io');
    expect(c.site).toBeNull();
    expect(c.confidence).toBe('guess');
    expect(c.explanation.waitsFor).toMatch(/reclaim/);
  });

  it('page cache read, 6.18 (observed) and 5.x', () => {
    const c = classifyThread(rootView('D', ['folio_wait_bit_common', 'filemap_get_pages', 'filemap_read', 'vfs_read', 'ksys_read'], sys(0, 3n)));
    expectSite(c, 'disk-io', 'pagecache-read-wait', 'folio_wait_bit_common');
    const old = classifyThread(rootView('D', ['wait_on_page_bit_common', 'generic_file_buffered_read', 'new_sync_read'], sys(0, 3n)));
    expectSite(old, 'disk-io', 'pagecache-read-wait', 'wait_on_page_bit_common');
    expectSite(classifyThread(userView('D', '__lock_page_killable', sys(17, 3n))), 'disk-io', 'pagecache-read-wait', '__lock_page_killable');
  });

  it.each([
    ['__iomap_dio_rw', 'direct-io-wait', 'fs/iomap/direct-io.c'],
    ['do_blockdev_direct_IO', 'direct-io-wait', 'fs/direct-io.c'],
    ['__ext4_get_inode_loc', 'buffer-head-io', 'fs/ext4/inode.c'],
    ['balance_dirty_pages', 'dirty-throttle', 'mm/page-writeback.c'],
    ['blk_mq_get_tag', 'blk-mq-tag-wait', 'block/blk-mq-tag.c'],
    ['jbd2_log_wait_commit', 'writeback-wait', 'fs/jbd2/journal.c'],
  ])('%s is disk I/O (%s)', (symbol, site, file) => {
    const c = classifyThread(userView('D', symbol, sys(1, 3n)));
    expectSite(c, 'disk-io', site, symbol);
    expect(c.sourceFile).toBe(file);
  });

  it.each(['reclaim_throttle', 'throttle_direct_reclaim', 'mem_cgroup_handle_over_high', 'congestion_wait'])('%s is reclaim', (symbol) => {
    expectSite(classifyThread(userView('D', symbol, sys(9, 0n))), 'reclaim', 'memory-reclaim', symbol);
  });

  it('an unknown top with reclaim frames below is reclaim', () => {
    const c = classifyThread(rootView('D', ['xfs_buf_lock', 'xfs_reclaim_inode', 'try_charge_memcg', 'charge_memcg'], sys(1, 3n)));
    expect(c.kind).toBe('reclaim');
    expect(c.function).toBe('xfs_buf_lock');
    expect(c.basis).toContain('stack: try_charge_memcg (frame 3)');
  });

  it('an unknown top with block-layer frames below is disk I/O', () => {
    const c = classifyThread(rootView('D', ['nvme_wait_something', 'blk_execute_rq', 'nvme_submit_user_cmd'], sys(16, 3n)));
    expect(c.kind).toBe('disk-io');
    expect(c.basis).toContain('stack: blk_execute_rq (frame 2)');
  });

  it('mmap_lock queued in mmap (observed): vm_mmap_pgoff ← do_syscall_64 is a kernel lock', () => {
    const c = classifyThread(rootView('D', ['vm_mmap_pgoff', ...X64_ENTRY], sys(9, 0n, 4096n)));
    expectSite(c, 'kernel-lock', 'rwsem-wait', 'vm_mmap_pgoff');
    expect(c.sourceFile).toBe('mm/util.c');
    expect(c.summary).toBe('kernel lock (mmap_lock): mmap()');
    expectExplained(c);
  });

  it('f_pos lock (observed fdget_pos, older __fdget_pos)', () => {
    const c = classifyThread(rootView('D', ['fdget_pos', 'ksys_read', ...X64_ENTRY], sys(0, 3n)));
    expectSite(c, 'kernel-lock', 'mutex-wait', 'fdget_pos');
    expect(c.summary).toBe('kernel lock (file position lock (f_pos_lock)): read(fd=3)');
    expectSite(classifyThread(userView('D', '__fdget_pos', sys(0, 3n))), 'kernel-lock', 'mutex-wait', '__fdget_pos');
  });

  it('a page fault waiting for mmap_lock: do_user_addr_fault, not in a syscall', () => {
    const c = classifyThread(userView('D', 'do_user_addr_fault', syscall('-1 0x7ffd0000 0x55d00000')));
    expectSite(c, 'kernel-lock', 'rwsem-wait', 'do_user_addr_fault');
    expect(c.syscall).toBeNull();
  });

  it('4.x x86 rwsem thunk', () => {
    expectSite(classifyThread(userView('D', 'call_rwsem_down_write_failed', sys(11, 0n))), 'kernel-lock', 'rwsem-wait', 'call_rwsem_down_write_failed');
  });

  it('a syscall entry as the top frame in D: a lock taken in the syscall body', () => {
    const c = classifyThread(rootView('D', ['__x64_sys_mremap', ...X64_ENTRY], sys(25, 0n)));
    expect(c.kind).toBe('kernel-lock');
    expect(c.function).toBe('__x64_sys_mremap');
    expect(c.confidence).toBe('likely');
  });

  it('frozen filesystem: percpu_rwsem_wait', () => {
    expectSite(classifyThread(userView('D', 'percpu_rwsem_wait', sys(257, neg(-100)))), 'kernel-lock', 'fs-freeze-wait', 'percpu_rwsem_wait');
  });

  it('an unknown D wait with no I/O frame: uninterruptible, with the raw symbol', () => {
    const c = classifyThread(rootView('D', ['drm_atomic_wait_mystery', 'drm_ioctl', '__x64_sys_ioctl'], sys(16, 9n)));
    expect(c.kind).toBe('uninterruptible');
    expect(c.function).toBe('drm_atomic_wait_mystery');
    expect(c.summary).toBe('uninterruptible in drm_atomic_wait_mystery: ioctl(fd=9)');
  });
});

describe('vfork and freezer', () => {
  it('6.18 vfork parent (observed): D in kernel_clone ← __do_sys_vfork', () => {
    const c = classifyThread(rootView('D', ['kernel_clone', '__do_sys_vfork', ...X64_ENTRY], sys(58)));
    expectSite(c, 'vfork', 'vfork-wait', 'kernel_clone');
    expect(c.confidence).toBe('certain');
    expect(c.basis).toContain('syscall');
  });

  it('4.x _do_fork in clone(CLONE_VM|CLONE_VFORK)', () => {
    expectSite(classifyThread(userView('D', '_do_fork', sys(56, 0x4111n))), 'vfork', 'vfork-wait', '_do_fork');
  });

  it('aarch64 has no vfork: clone (220)', () => {
    const c = classifyThread(userView('D', 'kernel_clone', sys(220, 0x4111n), { arch: 'aarch64' }));
    expect(c.kind).toBe('vfork');
    expect(c.syscall?.name).toBe('clone');
  });

  it('kernel_clone without the syscall: vfork, likely', () => {
    const c = classifyThread(thread({ state: 'D', wchan: wchan('kernel_clone') }));
    expect(c.kind).toBe('vfork');
    expect(c.confidence).toBe('likely');
  });

  it('kernel_clone in another syscall is not a vfork wait', () => {
    expect(classifyThread(userView('D', 'kernel_clone', sys(0, 3n))).kind).not.toBe('vfork');
  });

  it('cgroup v1 freezer: D in __refrigerator, interrupted pause', () => {
    const c = classifyThread(rootView('D', ['__refrigerator', 'get_signal', 'arch_do_signal_or_restart', 'exit_to_user_mode_loop'], sys(34)));
    expectSite(c, 'frozen', 'frozen', '__refrigerator');
    expect(c.sourceFile).toBe('kernel/freezer.c');
  });

  it('cgroup v2 freeze: S in do_freezer_trap, or get_signal when inlined (likely)', () => {
    expectSite(classifyThread(userView('S', 'do_freezer_trap', sys(34))), 'frozen', 'frozen', 'do_freezer_trap');
    const inlined = classifyThread(userView('S', 'get_signal', syscall('-1 0x7ffd0000 0x55d00000')));
    expectSite(inlined, 'frozen', 'frozen', 'get_signal');
    expect(inlined.confidence).toBe('likely');
  });
});

// ---- sleeps, signals, IPC, sockets --------------------------------------------------------

describe('sleep and signals', () => {
  it('coreutils sleep (observed): clock_nanosleep(CLOCK_REALTIME, 0)', () => {
    const line = syscall('230 0x0 0x0 0x7ffdee752030 0x7ffdee752070 0x0 0x0 0x7ffdee752018 0x7f5e1eff3503');
    const c = classifyThread(rootView('S', ['hrtimer_nanosleep', 'common_nsleep', '__x64_sys_clock_nanosleep', ...X64_ENTRY], line));
    expectSite(c, 'sleep', 'nanosleep', 'hrtimer_nanosleep');
    expect(c.sourceFile).toBe('kernel/time/hrtimer.c');
    expect(c.summary).toBe('clock_nanosleep(CLOCK_REALTIME, relative)');
    expect(c.argument?.value).toMatch(/user memory/);
  });

  it('python time.sleep: CLOCK_MONOTONIC, TIMER_ABSTIME', () => {
    const c = classifyThread(userView('S', 'hrtimer_nanosleep', sys(230, 1n, 1n, 0x7fffec6fadb0n)));
    expect(c.argument).toEqual({
      name: 'clock',
      value: 'CLOCK_MONOTONIC, TIMER_ABSTIME (the wake-up time is in user memory, which is not read)',
      raw: '1',
    });
    expect(c.summary).toBe('clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)');
  });

  it('nanosleep (35) and aarch64 clock_nanosleep (115)', () => {
    expect(classifyThread(userView('S', 'hrtimer_nanosleep', sys(35, 0x7ffdn))).summary).toBe('nanosleep(CLOCK_MONOTONIC, relative)');
    const arm = classifyThread(userView('S', 'hrtimer_nanosleep', sys(115, 7n, 0n), { arch: 'aarch64' }));
    expect(arm.summary).toBe('clock_nanosleep(CLOCK_BOOTTIME, relative)');
  });

  it.each([
    ['__do_sys_pause', 34, 'pause', 'pause()'],
    ['sys_pause', 34, 'pause', 'pause()'],
    ['sigsuspend.isra.0', 130, 'sigsuspend', 'rt_sigsuspend()'],
    ['do_sigtimedwait.isra.0', 128, 'sigtimedwait', 'rt_sigtimedwait()'],
  ])('%s (suffix stripped) is a signal wait', (symbol, nr, site, summary) => {
    const c = classifyThread(userView('S', symbol, sys(nr, 0x7ffdn)));
    expectSite(c, 'signal', site, stripSymbolSuffix(symbol));
    expect(c.summary).toBe(summary);
  });

  it('signalfd read', () => {
    expectSite(classifyThread(userView('S', 'signalfd_read_iter', sys(0, 7n))), 'signal', 'signalfd-read', 'signalfd_read_iter');
  });

  it('userfaultfd: the faulting thread is not in a syscall', () => {
    const c = classifyThread(userView('S', 'handle_userfault', syscall('-1 0x7fffade29990 0x5629ef39baa7')));
    expectSite(c, 'event-fd', 'userfaultfd', 'handle_userfault');
    expect(c.syscall).toBeNull();
  });
});

describe('IPC, file locks, io_uring, sockets', () => {
  it.each([
    ['do_msgrcv', 70, 'sysv-msg', 'msgrcv(msqid=3)'],
    ['__do_semtimedop', 220, 'sysv-sem', 'semtimedop(semid=3)'],
    ['do_semtimedop', 65, 'sysv-sem', 'semop(semid=3)'],
  ])('%s', (symbol, nr, site, summary) => {
    const c = classifyThread(userView('S', symbol, sys(nr, 3n)));
    expectSite(c, 'ipc', site, symbol);
    expect(c.summary).toBe(summary);
  });

  it('POSIX mq: wq_sleep', () => {
    const c = classifyThread(userView('S', 'wq_sleep', sys(243, 3n)));
    expectSite(c, 'ipc', 'posix-mq', 'wq_sleep');
    expect(c.argument?.raw).toBe('3');
  });

  it('flock(LOCK_EX) (observed python line)', () => {
    const c = classifyThread(userView('S', 'locks_lock_inode_wait', syscall('73 0x14 0x2 0x0 0x55a182328df0 0x0 0x0 0x7efe7b5e6a28 0x7efe7d2a5b97')));
    expectSite(c, 'file-lock', 'file-lock', 'locks_lock_inode_wait');
    expect(c.summary).toBe('flock(fd=20, LOCK_EX)');
  });

  it('fcntl(F_SETLKW) and the aarch64 numbers (flock 32, fcntl 25)', () => {
    expect(classifyThread(userView('S', 'fcntl_setlk', sys(72, 3n, 7n))).summary).toBe('fcntl(fd=3, F_SETLKW)');
    expect(classifyThread(userView('S', 'fcntl_setlk', sys(25, 3n, 38n), { arch: 'aarch64' })).summary).toBe('fcntl(fd=3, F_OFD_SETLKW)');
    expect(classifyThread(userView('S', 'locks_lock_inode_wait', sys(32, 4n, 6n), { arch: 'aarch64' })).summary).toBe('flock(fd=4, LOCK_EX|LOCK_NB)');
  });

  it('io_uring_enter waiting for completions', () => {
    const c = classifyThread(userView('S', 'io_cqring_wait', sys(426, 5n, 0n, 1n, 1n)));
    expectSite(c, 'io_uring', 'io_uring-wait', 'io_cqring_wait');
    expect(c.argument).toEqual({ name: 'fd', value: '5 (min_complete 1)', raw: '5' });
    expect(c.summary).toBe('io_uring_enter(fd=5, min_complete=1)');
  });

  it('accept (observed inet_csk_accept), unix stream recv, send buffer full', () => {
    expect(classifyThread(userView('S', 'inet_csk_accept', sys(288, 4n))).summary).toBe('accept: accept4(fd=4)');
    expectSite(classifyThread(userView('S', 'unix_stream_read_generic', sys(45, 8n))), 'socket', 'unix-stream-recv', 'unix_stream_read_generic');
    expectSite(classifyThread(userView('S', 'sock_alloc_send_pskb', sys(44, 8n))), 'socket', 'sock-wmem-wait', 'sock_alloc_send_pskb');
    expectSite(classifyThread(userView('S', 'inet_csk_accept', sys(242, 4n), { arch: 'aarch64' })), 'socket', 'sock-accept', 'inet_csk_accept');
  });
});

// ---- what cannot be seen -------------------------------------------------------------------

describe('hidden and broken inputs', () => {
  it('another user’s task: wchan 0, syscall and stack denied → unknown, never running', () => {
    for (const state of ['S', 'D']) {
      const c = classifyThread(thread({ state }));
      expect(c.kind).toBe('unknown');
      expect(c.syscall).toBeNull();
      expect(c.function).toBeNull();
      expect(c.explanation.waitsFor).toMatch(/another user.*root/);
      expect(c.missing).toEqual(['wchan: reads 0 although the thread sleeps', 'stack: permission denied', 'syscall: permission denied']);
    }
  });

  it('x86 ORC kernels (4.14-5.15): wchan 0 but the stack (root) names the wait', () => {
    const c = classifyThread(
      thread({ wchan: wchan(null), stack: stack('ep_poll', 'SyS_epoll_wait', 'entry_SYSCALL_64_fastpath'), syscall: sys(232, 5n, 0n, 8n, neg(-1)) }),
    );
    expectSite(c, 'epoll', 'epoll-wait', 'ep_poll');
    expect(c.confidence).toBe('certain');
    expect(c.basis).toEqual(['stack']);
  });

  it('ORC without root: wchan 0, stack denied → from the syscall number, likely', () => {
    const c = classifyThread(thread({ syscall: sys(232, 5n, 0n, 8n, neg(-1)) }));
    expect(c.kind).toBe('epoll');
    expect(c.site).toBe('epoll-wait');
    expect(c.confidence).toBe('likely');
    expect(c.basis).toEqual(['state', 'syscall']);
    expect(c.function).toBeNull();
    // Every epoll symbol lives in fs/eventpoll.c, whatever the version.
    expect(c.sourceFile).toBe('fs/eventpoll.c');
    expect(c.summary).toBe('epoll_wait(epfd=5, timeout=∞)');
    expect(c.missing).toContain('wchan: reads 0 although the thread sleeps');
  });

  it('5.12-5.15 raw address in wchan: ignored, the syscall decides', () => {
    const c = classifyThread(thread({ wchan: wchan('0xffffffff8a2b3c4d'), syscall: sys(61, neg(-1)) }));
    expect(c.kind).toBe('waitpid');
    expect(c.function).toBeNull();
    expect(c.missing).toContain('wchan: a raw address, not a symbol');
  });

  it('ORC without root: the futex op picks wait or PI lock', () => {
    expect(classifyThread(thread({ syscall: sys(202, 0x5600n, 0x80n) })).site).toBe('futex-wait');
    expect(classifyThread(thread({ syscall: sys(202, 0x5600n, 0x86n) })).site).toBe('futex-lock-pi');
  });

  it('ORC without root: wait4 and aarch64-style ppoll', () => {
    expect(classifyThread(thread({ syscall: sys(61, neg(-1)) })).summary).toBe('waitpid(pid=-1 any child)');
    expect(classifyThread(thread({ syscall: sys(73, 0x1000n, 2n, 0n), arch: 'aarch64' })).kind).toBe('poll');
  });

  it('ORC without root, read in S: several kinds fit, say how to find out', () => {
    const c = classifyThread(thread({ syscall: sys(0, 7n) }));
    expect(c.kind).toBe('other');
    expect(c.confidence).toBe('guess');
    expect(c.explanation.waitsFor).toMatch(/fd 7/);
    expect(c.summary).toBe('sleeping: read(fd=7)');
  });

  it('ORC without root, read in D: disk I/O (likely)', () => {
    const c = classifyThread(thread({ state: 'D', syscall: sys(0, 7n) }));
    expect(c.kind).toBe('disk-io');
    expect(c.confidence).toBe('likely');
  });

  it('D outside a syscall with no symbol: uninterruptible, guessed', () => {
    const c = classifyThread(thread({ state: 'D', syscall: syscall('-1 0x7ffd0000 0x55d00000') }));
    expect(c.kind).toBe('uninterruptible');
    expect(c.confidence).toBe('guess');
  });

  it('an unknown symbol in S is "other" with the raw symbol', () => {
    const c = classifyThread(userView('S', 'drm_wait_vblank_ioctl.cold', sys(16, 9n)));
    expect(c.kind).toBe('other');
    expect(c.function).toBe('drm_wait_vblank_ioctl');
    expect(c.summary).toBe('sleeping in drm_wait_vblank_ioctl: ioctl(fd=9)');
    expect(c.explanation.waitsFor).toContain('drm_wait_vblank_ioctl');
  });

  it('a thread that vanished mid-read keeps what was read and says what was not', () => {
    const gone: ReadResult<SyscallState> = { ok: false, error: { kind: 'vanished', path: '1/task/1/syscall', message: 'ENOENT' } };
    const c = classifyThread(thread({ wchan: wchan('do_wait'), syscall: gone }));
    expect(c.kind).toBe('waitpid');
    expect(c.missing).toContain('syscall: the thread exited');
  });
});

// ---- the whole catalog ---------------------------------------------------------------------

describe('every catalog symbol', () => {
  const cases = WAIT_SITES.flatMap((site) => site.symbols.map((symbol) => ({ site, symbol })));

  it.each(cases.map(({ site, symbol }) => [site.id, symbol.name, site.states[0]!] as const))(
    '%s / %s: named, located and explained from wchan alone',
    (id, symbol, state) => {
      const c = classifyThread(userView(state, symbol, syscall('-1 0x7ffd0000 0x55d00000')));
      expect(c.kind).not.toBe('unknown');
      expect(c.kind).not.toBe('running');
      expect(c.function).toBe(symbol);
      expectExplained(c);
      if (c.site !== null && c.kind !== 'kernel-lock') expect(c.site).toBe(id);
    },
  );

  it('produces every wait kind from some input', () => {
    const kinds = new Set(cases.map(({ site, symbol }) => classifyThread(userView(site.states[0]!, symbol.name, syscall('-1 0x7ffd0000 0x55d00000'))).kind));
    kinds.add(classifyThread(thread({ state: 'R' })).kind);
    kinds.add(classifyThread(thread({ state: 'S' })).kind);
    kinds.add(classifyThread(userView('S', 'mystery_wait', sys(0, 1n))).kind);
    kinds.add(classifyThread(userView('D', 'mystery_wait', sys(16, 1n))).kind);
    // The terminal wait is wait_woken, told apart only by the stack.
    kinds.add(classifyThread(rootView('S', ['wait_woken', 'n_tty_read', 'tty_read'], sys(0, 0n))).kind);
    expect(WAIT_KINDS.filter((kind) => !kinds.has(kind))).toEqual([]);
  });
});

describe('formatMilliseconds', () => {
  it.each([
    [250, '250 ms'],
    [1500, '1.5 s'],
    [60_000, '1 min'],
    [5_400_000, '1.5 h'],
    [1e9, '11.6 d'],
  ])('%d → %s', (ms, text) => expect(formatMilliseconds(ms)).toBe(text));
});

describe('fdTarget decides a shared wait site without the stack', () => {
  const read = (fd: number) => sys(0, BigInt(fd), 0x1000n, 1n);
  it('read in wait_woken on a socket fd is a socket wait, on a tty a tty wait, on inotify an event-fd wait', () => {
    const onSocket = classifyThread(userView('S', 'wait_woken', read(5), { fdTarget: parseFdTarget('socket:[123]') }));
    expect(onSocket.kind).toBe('socket');
    expect(onSocket.basis).toContain('fd: socket:[123]');
    expect(classifyThread(userView('S', 'wait_woken', read(0), { fdTarget: parseFdTarget('/dev/pts/3') })).kind).toBe('tty');
    expect(classifyThread(userView('S', 'wait_woken', read(7), { fdTarget: parseFdTarget('anon_inode:inotify') })).kind).toBe('event-fd');
  });

  it('without fdTarget the answer is unchanged (a guess among the rows)', () => {
    const c = classifyThread(userView('S', 'wait_woken', read(5)));
    expect(c.basis).not.toContain('fd: socket:[123]');
  });
});

describe('kernel versions: a symbol outside the versions the catalog knows it from', () => {
  const pipeRead = (kernel: string) =>
    classifyThread(thread({ state: 'S', wchan: wchan('pipe_wait'), syscall: sys(0, 0n), stack: denied('stack'), kernel: parseKernelRelease(kernel) }));

  it('is read as the catalog says on a kernel that has it (5.4: pipe_wait)', () => {
    const c = pipeRead('5.4.0-150-generic');
    expect(c.kind).toBe('pipe');
    expect(c.outsideKnownKernels).toBeNull();
    expect(c.explanation.waitsFor).not.toMatch(/On this kernel/);
  });

  it('is one step less sure on a kernel that should not show it (6.18: pipe_wait was gone after 5.8), and says so', () => {
    const known = pipeRead('5.4.0');
    const c = pipeRead('6.18.44-fc');
    expect(c.kind).toBe('pipe');
    expect(c.outsideKnownKernels).toEqual({ symbol: 'pipe_wait', kernel: '6.18.44', since: null, until: '5.8' });
    expect(c.confidence).not.toBe(known.confidence);
    expect(['likely', 'guess']).toContain(c.confidence);
    expect(c.basis).toContain('kernel 6.18.44: pipe_wait is known up to 5.8');
    expect(c.explanation.waitsFor).toMatch(/On this kernel \(6\.18\.44\) the wait shows as pipe_wait, which the catalog knows only up to 5\.8: the reading is less sure\.$/);
  });

  it('is not judged when the kernel version is unknown', () => {
    const c = classifyThread(thread({ state: 'S', wchan: wchan('pipe_wait'), syscall: sys(0, 0n), stack: denied('stack'), kernel: null }));
    expect(c.outsideKnownKernels).toBeNull();
  });
});
