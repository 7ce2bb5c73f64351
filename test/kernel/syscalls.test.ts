import { describe, expect, it } from 'vitest';
import { syscallEntries, syscallName, syscallNumber } from '../../src/kernel/syscalls.js';
import type { Arch } from '../../src/kernel/arch.js';

// Numbers from arch/x86/entry/syscalls/syscall_64.tbl and the generic table, and the ones the
// wait catalog (shared/kernel-wait-sites.md) quotes per wait.
const X86_64: Record<string, number> = {
  read: 0, write: 1, open: 2, poll: 7, mmap: 9, readv: 19, select: 23, msync: 26, mincore: 27, pause: 34,
  nanosleep: 35, connect: 42, accept: 43, sendto: 44, recvfrom: 45, sendmsg: 46, recvmsg: 47, clone: 56,
  vfork: 58, wait4: 61, semop: 65, msgsnd: 69, msgrcv: 70, fcntl: 72, flock: 73, fsync: 74, fdatasync: 75,
  rt_sigtimedwait: 128, rt_sigsuspend: 130, sync: 162, futex: 202, semtimedop: 220, clock_nanosleep: 230,
  epoll_wait: 232, mq_timedsend: 242, mq_timedreceive: 243, waitid: 247, openat: 257, newfstatat: 262,
  pselect6: 270, ppoll: 271, sync_file_range: 277, epoll_pwait: 281, accept4: 288, recvmmsg: 299,
  syncfs: 306, statx: 332, rseq: 334, io_uring_setup: 425, io_uring_enter: 426, clone3: 435,
  epoll_pwait2: 441, memfd_secret: 447, futex_waitv: 449, futex_wait: 455, mseal: 462, file_setattr: 469,
};

const AARCH64: Record<string, number> = {
  io_setup: 0, epoll_pwait: 22, fcntl: 25, flock: 32, renameat: 38, openat: 56, getdents64: 61, read: 63,
  write: 64, readv: 65, pselect6: 72, ppoll: 73, newfstatat: 79, fstat: 80, sync: 81, fsync: 82,
  fdatasync: 83, sync_file_range: 84, waitid: 95, futex: 98, nanosleep: 101, clock_nanosleep: 115,
  rt_sigsuspend: 133, rt_sigtimedwait: 137, getrlimit: 163, mq_timedsend: 182, mq_timedreceive: 183,
  msgrcv: 188, msgsnd: 189, semtimedop: 192, semop: 193, accept: 202, connect: 203, sendto: 206,
  recvfrom: 207, sendmsg: 211, recvmsg: 212, clone: 220, mmap: 222, msync: 227, mincore: 232, accept4: 242,
  recvmmsg: 243, wait4: 260, syncfs: 267, statx: 291, kexec_file_load: 294, io_uring_enter: 426, clone3: 435,
  epoll_pwait2: 441, memfd_secret: 447, futex_waitv: 449, futex_wait: 455, file_setattr: 469,
};

describe.each([
  ['x86_64', X86_64],
  ['aarch64', AARCH64],
] as const)('%s syscall table', (arch: Arch, expected) => {
  it.each(Object.entries(expected))('%s is %i', (name, nr) => {
    expect(syscallName(arch, nr)).toBe(name);
    expect(syscallNumber(arch, name)).toBe(nr);
  });

  it('maps every name back to its number, with no name twice', () => {
    const entries = syscallEntries(arch);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    for (const { nr, name } of entries) expect(syscallNumber(arch, name)).toBe(nr);
  });

  it('knows nothing outside the table', () => {
    expect(syscallName(arch, -1)).toBeNull();
    expect(syscallName(arch, 400)).toBeNull();
    expect(syscallName(arch, 470)).toBeNull();
    expect(syscallNumber(arch, 'no_such_syscall')).toBeNull();
  });
});

describe('differences between the architectures', () => {
  it('aarch64 lacks the legacy calls glibc emulates there', () => {
    for (const name of ['epoll_wait', 'select', 'poll', 'pause', 'vfork', 'fork', 'open', 'stat']) {
      expect(syscallNumber('aarch64', name), name).toBeNull();
      expect(syscallNumber('x86_64', name), name).not.toBeNull();
    }
  });

  it('leaves the reserved ranges empty', () => {
    for (let nr = 335; nr < 424; nr++) expect(syscallName('x86_64', nr)).toBeNull();
    for (let nr = 244; nr < 260; nr++) expect(syscallName('aarch64', nr)).toBeNull();
    // 42 was nfsservctl, removed everywhere.
    expect(syscallName('aarch64', 42)).toBeNull();
  });

  it('has the full 64-bit tables (x86_64 0-334 and 424-469)', () => {
    expect(syscallEntries('x86_64')).toHaveLength(335 + 46);
    expect(syscallEntries('x86_64').every(({ nr }) => nr < 335 || (nr >= 424 && nr <= 469))).toBe(true);
  });

  it('the same number means different calls: a kernel thread’s zeroed line is read on x86_64 but io_setup on aarch64', () => {
    expect(syscallName('x86_64', 0)).toBe('read');
    expect(syscallName('aarch64', 0)).toBe('io_setup');
  });
});
