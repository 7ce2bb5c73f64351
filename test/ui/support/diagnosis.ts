import type { Diagnosis, PressureView, PsiReading, ThreadDiagnosis } from '../../../src/diagnose/types.js';
import type { WaitClassification, WaitKind } from '../../../src/kernel/wait-kinds.js';
import { groupWaits } from '../../../src/diagnose/threads.js';
import type { PsiResource } from '../../../src/readers/types.js';

/** Hand-made diagnoses: the panels are tested on what they would draw from these. */

export function wait(kind: WaitKind, over: Partial<WaitClassification> = {}): WaitClassification {
  return {
    kind,
    site: kind,
    function: kind === 'futex' ? 'futex_wait_queue' : kind === 'waitpid' ? 'do_wait' : kind === 'epoll' ? 'do_epoll_wait' : null,
    sourceFile: kind === 'futex' ? 'kernel/futex/waitwake.c' : kind === 'waitpid' ? 'kernel/exit.c' : null,
    syscall: kind === 'futex' ? { nr: 202, name: 'futex' } : kind === 'waitpid' ? { nr: 61, name: 'wait4' } : null,
    argument: kind === 'futex' ? { name: 'futex address', value: '0x7f3a2c000b10', raw: '0x7f3a2c000b10' } : kind === 'waitpid' ? { name: 'pid', value: '-1 (any child)', raw: '-1' } : null,
    explanation: {
      waitsFor: kind === 'futex' ? 'A user-space lock or condition variable.' : kind === 'waitpid' ? 'A child process to exit or stop.' : `Something (${kind}).`,
      wakesWhen: kind === 'futex' ? 'Another thread unlocks it.' : kind === 'waitpid' ? 'A child exits.' : 'It is done.',
      cost: 'None while it waits.',
    },
    summary: kind === 'futex' ? 'futex wait 0x7f3a2c000b10' : kind === 'waitpid' ? 'wait4(pid=-1 any child)' : kind,
    confidence: 'certain',
    basis: ['wchan', 'syscall'],
    missing: [],
    gaps: [],
    ...over,
  } as WaitClassification;
}

export function thread(tid: number, kind: WaitKind, over: Partial<ThreadDiagnosis> = {}): ThreadDiagnosis {
  return {
    tid,
    comm: over.comm ?? (kind === 'futex' ? 'worker' : 'main'),
    state: kind === 'running' ? 'R' : kind === 'disk-io' ? 'D' : 'S',
    cpuPercent: kind === 'running' ? 97.5 : 0,
    voluntarySwitchesPerSec: 1,
    involuntarySwitchesPerSec: 0,
    runqueueDelayMsPerSec: 0.2,
    stack: kind === 'futex' ? ['futex_wait_queue', 'futex_wait', 'do_futex', '__x64_sys_futex'] : kind === 'running' ? [] : ['do_wait', 'kernel_wait4'],
    wait: wait(kind),
    ...over,
  };
}

function psi(resource: PsiResource, avg10: number | null, threshold: number, over: Partial<PsiReading> = {}): PsiReading {
  const v = avg10 === null ? null : { avg10, avg60: avg10, avg300: avg10, total: 1000 };
  return { resource, some: v, full: resource === 'cpu' ? null : v && { ...v, avg10: v.avg10 / 2 }, someIntervalPercent: null, fullIntervalPercent: null, contended: avg10 !== null && avg10 > threshold, recently: avg10 !== null && avg10 > threshold, unavailable: null, ...over };
}

export function pressure(scope: 'system' | 'cgroup', values: Partial<Record<PsiResource, number | null>>, threshold = 10): PressureView {
  const readings = (['cpu', 'memory', 'io', 'irq'] as const).map((r) =>
    values[r] === undefined ? psi(r, null, threshold, { unavailable: 'not provided by this kernel' }) : psi(r, values[r] ?? null, threshold),
  );
  return { scope, path: scope === 'cgroup' ? '/system.slice/app.service' : null, readings, threshold, unavailable: null };
}

export interface DiagnosisOptions {
  threads?: ThreadDiagnosis[];
  complete?: boolean;
  systemPsi?: Partial<Record<PsiResource, number | null>>;
  cgroupPsi?: Partial<Record<PsiResource, number | null>> | null;
  rates?: boolean;
}

/** A waitpid parent with 31 worker threads on one futex, by default. */
export function makeDiagnosis(o: DiagnosisOptions = {}): Diagnosis {
  const threads = o.threads ?? [thread(100, 'waitpid'), ...Array.from({ length: 31 }, (_, i) => thread(101 + i, 'futex'))];
  const rates = o.rates ?? true;
  const complete = o.complete ?? true;
  return {
    schemaVersion: 2,
    source: { mode: 'live', procRoot: '/proc', kernelRelease: '6.8.0-test', arch: 'x86_64', sampledAt: '2024-05-01T12:00:03.000Z', intervalMs: rates ? 1000 : null, complete },
    process: {
      pid: 100,
      comm: 'app',
      state: 'S',
      ppid: 1,
      uid: 1000,
      starttimeTicks: 12345,
      ageSeconds: 3723,
      threadCount: threads.length,
      cpuPercent: rates ? 2.5 : null,
      rssKb: 2048,
      swapKb: 0,
      readBytesPerSec: rates ? 4096 : null,
      writeBytesPerSec: rates ? 0 : null,
      syscallsPerSec: rates ? 120 : null,
      majorFaultsPerSec: rates ? 0 : null,
      voluntarySwitchesPerSec: rates ? 33 : null,
      involuntarySwitchesPerSec: rates ? 1 : null,
      runqueueDelayMsPerSec: rates ? 0.1 : null,
      fdCount: 37,
      fdSoftLimit: 1024,
      fdTypes: { socket: 12, pipe: 4, file: 8, 'anon_inode:[eventpoll]': 1 },
    },
    verdict: { kind: 'lock-contention', resource: null, cause: 'lock-holder', summary: 'The process is blocked: 31 threads wait on one futex.', severity: 'problem', facts: [], culprits: [] },
    path: [
      { id: 'pressure', question: 'Is the system contended?', answer: 'No: every PSI avg10 is at or below 10 %.', evidence: [{ label: 'system cpu some avg10', value: '0.40 %', source: '/proc/pressure/cpu', measure: null }] },
      { id: 'resource', question: 'Which resource?', answer: 'None stands out.', evidence: [] },
      { id: 'cpu', question: 'On or off CPU?', answer: 'Off-CPU: 32 of 32 threads sleep.', evidence: [{ label: 'process CPU', value: '2.5 %', source: '/proc/100/stat', measure: null }] },
      { id: 'waits', question: 'What do they wait on?', answer: '31 threads in futex (futex_wait_queue).', evidence: [{ label: 'futex waiters', value: '31', source: 'task/*/wchan', measure: null }] },
    ],
    next: [{ command: 'gdb -p 100 -batch -ex "thread apply all bt"', why: 'see which thread holds the lock' }],
    pressure: {
      system: pressure('system', o.systemPsi ?? { cpu: 0.4, memory: 0, io: 1.2 }),
      cgroup: o.cgroupPsi === null ? null : pressure('cgroup', o.cgroupPsi ?? { cpu: 0.1, memory: 0, io: 0.5 }),
    },
    threads,
    waitGroups: groupWaits(threads),
    missing: complete ? [] : [{ what: 'kernel stacks of 32 thread(s)', why: 'permission denied: /proc/PID/task/TID/stack is root-only', weakens: 'D-state waits', reason: 'root-only', fix: 'sudo proctriage triage 100' }],
  };
}
