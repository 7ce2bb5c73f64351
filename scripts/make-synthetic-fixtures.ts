/**
 * Writes hand-made variants of captured fixtures for kernels we cannot boot here: the same
 * processes as older kernels would show them. Each is marked `"synthetic": true` in meta.json
 * and cites the kernel source it follows. Run after make-fixtures.ts:
 *   npx tsx scripts/make-synthetic-fixtures.ts [name…]
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeVariant } from './fixture-variant.js';

/** A wait site as an older kernel prints it: wchan and the frames of /proc/PID/stack. */
interface OldSite {
  readonly wchan: string;
  readonly stack: readonly string[];
}

interface Variant {
  readonly name: string;
  readonly from: string;
  readonly kernelRelease: string;
  readonly source: string;
  readonly scenario: string;
  /** wchan as captured (suffix stripped) → the older kernel's site. */
  readonly sites: Readonly<Record<string, OldSite>>;
  /**
   * What to do with /proc/pressure: keep, drop `full` from cpu (pre-5.13), remove it (no PSI),
   * or keep the files but make every read fail with EOPNOTSUPP (psi=0 on 4.20–5.5).
   */
  readonly psi: 'keep' | 'cpu-some-only' | 'absent' | 'disabled';
  /** `v1-only`: the process's cgroup file has no `0::` line and the capture no cgroup/ directory. */
  readonly cgroup?: 'v1-only';
  /** Rewrite syscall numbers and entry frames as this architecture shows them. */
  readonly arch?: 'aarch64';
  /**
   * Files of a kernel before 4.13/4.14: epoll fdinfo `tfd:` lines without `pos: ino: sdev:` (added in
   * 4.13), no `smaps_rollup` (4.14), and net.core.somaxconn at its old default of 128 (4096 from 5.4).
   */
  readonly before414?: boolean;
}

const frames = (names: readonly string[]) => names.map((n, i) => `[<0>] ${n}+0x${(0x40 + i * 0x1c).toString(16)}/0x${(0x200 + i * 0x40).toString(16)}\n`).join('');

const VARIANTS: readonly Variant[] = [
  {
    name: 'kernel-4.19-epoll-idle-node',
    from: 'epoll-idle-node',
    kernelRelease: '4.19.0-27-amd64',
    source:
      'Linux v4.19: fs/eventpoll.c ep_poll() (not inlined, called from do_epoll_wait), kernel/futex.c futex_wait_queue_me() ' +
      '(renamed futex_wait_queue in 5.16), arch/x86/entry/common.c do_syscall_64; PSI first appeared in 4.20 (kernel/sched/psi.c), so /proc/pressure is absent.',
    scenario: 'an idle node event loop as a 4.19 kernel shows it: ep_poll, futex_wait_queue_me, no PSI',
    sites: {
      do_epoll_wait: { wchan: 'ep_poll', stack: ['ep_poll', 'do_epoll_wait', '__x64_sys_epoll_pwait', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
      futex_do_wait: { wchan: 'futex_wait_queue_me', stack: ['futex_wait_queue_me', 'futex_wait', 'do_futex', '__x64_sys_futex', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'absent',
  },
  {
    name: 'kernel-5.10-pipe-reader',
    from: 'pipe-reader',
    kernelRelease: '5.10.0-30-amd64',
    source:
      'Linux v5.10: fs/pipe.c pipe_read() sleeps in wait_event_interruptible_exclusive (pipe_wait() was no longer used by pipe_read since 5.6 and removed in 5.9); ' +
      'fs/read_write.c new_sync_read/vfs_read/ksys_read; kernel/sched/psi.c before 5.13 has no cpu "full" line (added by "psi: Add PSI_CPU_FULL state").',
    scenario: 'cat blocked reading an empty pipe as a 5.10 kernel shows it: pipe_read, cpu PSI without full',
    sites: {
      anon_pipe_read: { wchan: 'pipe_read', stack: ['pipe_read', 'new_sync_read', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'cpu-some-only',
  },
  {
    name: 'kernel-5.4-pipe-reader',
    from: 'pipe-reader',
    kernelRelease: '5.4.0-150-generic',
    source: 'Linux v5.4: fs/pipe.c pipe_read() calls pipe_wait() (until commit 0ddad21d3e99, 5.6); fs/read_write.c __vfs_read; PSI cpu has only "some" before 5.13.',
    scenario: 'cat blocked reading an empty pipe as a 5.4 kernel shows it: pipe_wait',
    sites: {
      anon_pipe_read: { wchan: 'pipe_wait', stack: ['pipe_wait', 'pipe_read', 'new_sync_read', '__vfs_read', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'cpu-some-only',
  },
  {
    name: 'kernel-5.15-futex-lock-queue',
    from: 'futex-lock-queue',
    kernelRelease: '5.15.0-91-generic',
    source: 'Linux v5.15: kernel/futex.c futex_wait_queue_me() (the futex code was split into kernel/futex/ and the function renamed futex_wait_queue in 5.16).',
    scenario: 'threads queued on one pthread mutex as a 5.15 kernel shows them: futex_wait_queue_me',
    sites: {
      futex_do_wait: { wchan: 'futex_wait_queue_me', stack: ['futex_wait_queue_me', 'futex_wait', 'do_futex', '__x64_sys_futex', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
      hrtimer_nanosleep: { wchan: 'hrtimer_nanosleep', stack: ['hrtimer_nanosleep', '__x64_sys_clock_nanosleep', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'keep',
  },
  {
    name: 'kernel-6.6-futex-lock-queue',
    from: 'futex-lock-queue',
    kernelRelease: '6.6.30-generic',
    source: 'Linux v6.6: kernel/futex/waitwake.c futex_wait_queue() (renamed from futex_wait_queue_me in 5.16; futex_do_wait replaced it in 6.16).',
    scenario: 'threads queued on one pthread mutex as a 6.6 kernel shows them: futex_wait_queue',
    sites: {
      futex_do_wait: { wchan: 'futex_wait_queue', stack: ['futex_wait_queue', 'futex_wait', 'do_futex', '__x64_sys_futex', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'keep',
  },
  {
    name: 'kernel-5.4-psi-off-waitpid-parent',
    from: 'waitpid-parent',
    kernelRelease: '5.4.0-150-generic',
    source:
      'Linux v5.4: kernel/sched/psi.c psi_show() returns -EOPNOTSUPP when psi_disabled (booted with psi=0), while /proc/pressure/{cpu,memory,io} ' +
      'still exist (they are created only when PSI is enabled from 5.6, commit 3d817689a62c); kernel/exit.c do_wait ← kernel_wait4 ← __do_sys_wait4.',
    scenario: 'a shell waiting for its child on a 5.4 kernel booted with psi=0: every /proc/pressure read fails with EOPNOTSUPP',
    sites: {
      do_wait: { wchan: 'do_wait', stack: ['do_wait', 'kernel_wait4', '__do_sys_wait4', '__x64_sys_wait4', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'disabled',
  },
  {
    name: 'cgroup-v1-nanosleep',
    from: 'nanosleep',
    kernelRelease: '5.10.0-30-amd64',
    source:
      'Linux v5.10 on a cgroup v1 only machine (no cgroup2 mount, systemd.unified_cgroup_hierarchy=0 without the unified hierarchy): kernel/cgroup/cgroup.c proc_cgroup_show() ' +
      'prints only the v1 hierarchies, no "0::" line; kernel/time/hrtimer.c do_nanosleep ← hrtimer_nanosleep; PSI cpu has only "some" before 5.13.',
    scenario: 'sleep in nanosleep on a cgroup v1 only machine: no cgroup v2 membership, so no cgroup pressure',
    sites: {
      hrtimer_nanosleep: { wchan: 'do_nanosleep', stack: ['do_nanosleep', 'hrtimer_nanosleep', '__x64_sys_clock_nanosleep', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'] },
    },
    psi: 'cpu-some-only',
    cgroup: 'v1-only',
  },
  {
    name: 'aarch64-epoll-idle-node',
    from: 'epoll-idle-node',
    kernelRelease: '6.18.44-arm64',
    source:
      'Linux v6.18 arm64: syscall numbers from include/uapi/asm-generic/unistd.h (epoll_pwait 22, futex 98, read 63, wait4 260, clock_nanosleep 115; ' +
      'arm64 has no epoll_wait), entry frames from arch/arm64/kernel/syscall.c (invoke_syscall, el0_svc_common, do_el0_svc) and entry-common.c (el0_svc, el0t_64_sync_handler).',
    scenario: 'an idle node event loop as an arm64 machine shows it: the same wait sites under other syscall numbers and entry frames',
    sites: {},
    psi: 'keep',
    arch: 'aarch64',
  },
  {
    name: 'kernel-4.9-prefork-herd',
    from: 'prefork-herd',
    kernelRelease: '4.9.0-19-amd64',
    source:
      'Linux v4.9: fs/eventpoll.c ep_show_fdinfo() prints "tfd: %8d events: %8x data: %16llx" (pos/ino/sdev came in 4.13), EPOLLEXCLUSIVE exists (4.5); ' +
      'ep_poll() sleeps, called from SyS_epoll_wait; kernel/exit.c do_wait ← SyS_wait4; fs/proc/base.c has no smaps_rollup (4.14); ' +
      'include/linux/socket.h SOMAXCONN 128 (4096 from 5.4); no PSI (4.20).',
    scenario: 'the pre-fork herd (insight: thundering herd) as a 4.9 kernel shows it: epoll watches without ino:, resolved through the tfd fd; no smaps_rollup; no PSI',
    sites: {
      do_epoll_wait: { wchan: 'ep_poll', stack: ['ep_poll', 'SyS_epoll_wait', 'do_syscall_64', 'entry_SYSCALL64_slow_path'] },
      do_wait: { wchan: 'do_wait', stack: ['do_wait', 'SyS_wait4', 'do_syscall_64', 'entry_SYSCALL64_slow_path'] },
    },
    psi: 'absent',
    before414: true,
  },
];

/** x86_64 → aarch64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl → include/uapi/asm-generic/unistd.h). */
const AARCH64_NR: Readonly<Record<number, number>> = {
  0: 63, // read
  1: 64, // write
  7: 73, // poll → ppoll (arm64 has no poll)
  35: 101, // nanosleep
  61: 260, // wait4
  202: 98, // futex
  230: 115, // clock_nanosleep
  232: 22, // epoll_wait → epoll_pwait (arm64 has no epoll_wait)
  270: 72, // pselect6
  281: 22, // epoll_pwait
};

const X86_ENTRY = new Set(['do_syscall_64', 'entry_SYSCALL_64_after_hwframe']);
const ARM64_ENTRY = ['invoke_syscall', 'el0_svc_common.constprop.0', 'do_el0_svc', 'el0_svc', 'el0t_64_sync_handler', 'el0t_64_sync'];

/** A /proc/PID/task/TID/syscall line with its number as aarch64 numbers it. */
function aarch64SyscallLine(line: string, where: string): string {
  const [nr, ...rest] = line.trim().split(' ');
  if (nr === 'running' || nr === '-1' || nr === undefined) return line;
  const mapped = AARCH64_NR[Number(nr)];
  if (mapped === undefined) throw new Error(`${where}: no aarch64 number for x86_64 syscall ${nr}; add it to AARCH64_NR`);
  return `${[String(mapped), ...rest].join(' ')}\n`;
}

/** A stack as arm64 prints it: `__arm64_sys_*` wrappers and the el0 entry frames. */
function aarch64Stack(text: string): string {
  const names = text.split('\n').filter(Boolean).map((l) => l.replace(/^\[<[0-9a-f]+>\] /, '').replace(/\+0x.*$/, ''));
  if (names.length === 0) return text;
  const kernel = names.filter((n) => !X86_ENTRY.has(n)).map((n) => n.replace(/^__x64_sys_/, '__arm64_sys_'));
  return frames(names.some((n) => X86_ENTRY.has(n)) ? [...kernel, ...ARM64_ENTRY] : kernel);
}

/** The v1 hierarchies only: what /proc/PID/cgroup shows without a cgroup2 mount. */
function cgroupV1Only(text: string): string {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('0::')).map((l) => `${l}\n`).join('');
}

/** Every fdinfo of an epoll fd, smaps_rollup and somaxconn as a 4.9 kernel has them. */
function rewriteBefore414(sampleDir: string): void {
  const procDir = join(sampleDir, 'proc');
  const errorsPath = join(sampleDir, 'errors.json');
  const errors = JSON.parse(readFileSync(errorsPath, 'utf8')) as Record<string, unknown>;
  for (const pid of readdirSync(procDir).filter((n) => /^\d+$/.test(n))) {
    const fdinfo = join(procDir, pid, 'fdinfo');
    for (const fd of existsSync(fdinfo) ? readdirSync(fdinfo) : []) {
      const path = join(fdinfo, fd);
      const text = readFileSync(path, 'utf8');
      if (/^tfd:/m.test(text)) writeFileSync(path, text.replace(/^(tfd:.*data:\s*[0-9a-f]+)\s+pos:.*$/gm, '$1'));
    }
    const rollup = join(procDir, pid, 'smaps_rollup');
    if (existsSync(rollup)) {
      rmSync(rollup);
      // What a live read of a file the kernel lacks records: ENOENT under a live pid.
      errors[`proc/${pid}/smaps_rollup`] = { kind: 'vanished', errno: 'ENOENT', message: `no such file or directory, open '/proc/${pid}/smaps_rollup'` };
    }
  }
  const somaxconn = join(procDir, 'sys', 'net', 'core', 'somaxconn');
  if (existsSync(somaxconn)) writeFileSync(somaxconn, '128\n');
  writeFileSync(errorsPath, `${JSON.stringify(errors, null, 1)}\n`);
}

function rewriteSample(sampleDir: string, variant: Variant): void {
  const procDir = join(sampleDir, 'proc');
  for (const pid of readdirSync(procDir).filter((n) => /^\d+$/.test(n))) {
    const taskDir = join(procDir, pid, 'task');
    if (!existsSync(taskDir)) continue;
    for (const tid of readdirSync(taskDir)) {
      const wchanPath = join(taskDir, tid, 'wchan');
      if (!existsSync(wchanPath)) continue;
      const current = readFileSync(wchanPath, 'utf8').trim().split('.')[0] ?? '';
      const site = variant.sites[current];
      if (!site) continue;
      writeFileSync(wchanPath, site.wchan);
      const stackPath = join(taskDir, tid, 'stack');
      if (existsSync(stackPath)) writeFileSync(stackPath, frames(site.stack));
    }
    if (variant.arch === 'aarch64') {
      for (const tid of readdirSync(taskDir)) {
        const syscallPath = join(taskDir, tid, 'syscall');
        if (existsSync(syscallPath)) writeFileSync(syscallPath, aarch64SyscallLine(readFileSync(syscallPath, 'utf8'), syscallPath));
        const stackPath = join(taskDir, tid, 'stack');
        if (existsSync(stackPath)) writeFileSync(stackPath, aarch64Stack(readFileSync(stackPath, 'utf8')));
      }
    }
    if (variant.cgroup === 'v1-only') {
      for (const path of [join(procDir, pid, 'cgroup'), ...readdirSync(taskDir).map((tid) => join(taskDir, tid, 'cgroup'))]) {
        if (existsSync(path)) writeFileSync(path, cgroupV1Only(readFileSync(path, 'utf8')));
      }
    }
  }
  if (variant.before414) rewriteBefore414(sampleDir);
  const osrelease = join(procDir, 'sys', 'kernel', 'osrelease');
  if (existsSync(osrelease)) writeFileSync(osrelease, `${variant.kernelRelease}\n`);
  const pressure = join(procDir, 'pressure');
  const errorsPath = join(sampleDir, 'errors.json');
  const errors = JSON.parse(readFileSync(errorsPath, 'utf8')) as Record<string, unknown>;
  if (variant.cgroup === 'v1-only') {
    rmSync(join(sampleDir, 'cgroup'), { recursive: true, force: true });
    for (const key of Object.keys(errors)) if (key.startsWith('cgroup/')) delete errors[key];
  }
  if (variant.psi === 'disabled') {
    // The files exist but every read fails: a capture records the error, not the file.
    rmSync(pressure, { recursive: true, force: true });
    rmSync(join(sampleDir, 'cgroup'), { recursive: true, force: true });
    for (const key of Object.keys(errors)) if (key.startsWith('cgroup/')) delete errors[key];
    for (const r of ['cpu', 'memory', 'io']) {
      errors[`proc/pressure/${r}`] = { kind: 'unsupported', errno: 'EOPNOTSUPP', message: 'operation not supported' };
    }
    errors['proc/pressure/irq'] = { kind: 'unsupported', errno: 'ENOENT', message: 'no such file or directory' };
  } else if (variant.psi === 'absent') {
    rmSync(pressure, { recursive: true, force: true });
    rmSync(join(sampleDir, 'cgroup'), { recursive: true, force: true });
    for (const r of ['cpu', 'memory', 'io', 'irq']) {
      errors[`proc/pressure/${r}`] = { kind: 'unsupported', errno: 'ENOENT', message: 'no such file or directory' };
    }
    for (const key of Object.keys(errors)) if (key.startsWith('cgroup/')) delete errors[key];
  } else if (variant.psi === 'cpu-some-only') {
    for (const file of [join(pressure, 'cpu')]) {
      if (existsSync(file)) writeFileSync(file, readFileSync(file, 'utf8').split('\n').filter((l) => !l.startsWith('full')).join('\n'));
    }
  }
  writeFileSync(errorsPath, `${JSON.stringify(errors, null, 1)}\n`);
}

const wanted = new Set(process.argv.slice(2));

for (const variant of VARIANTS) {
  if (wanted.size > 0 && !wanted.has(variant.name)) continue;
  writeVariant(
    variant.from,
    variant.name,
    (sampleDir) => rewriteSample(sampleDir, variant),
    () => ({
      kernelRelease: variant.kernelRelease,
      ...(variant.arch ? { arch: variant.arch } : {}),
      source: variant.source,
      scenario: variant.scenario,
      howMade: `hand-written: scripts/make-synthetic-fixtures.ts rewrote the wait sites of the captured fixture "${variant.from}" as kernel ${variant.kernelRelease}${variant.arch ? ` on ${variant.arch}` : ''} prints them`,
    }),
  );
}
