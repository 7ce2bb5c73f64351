import { fail } from '../../src/procfs/errors.js';
import type { MachineSample, MachineThread } from '../../src/sample/machine/types.js';
import type { WaitKind } from '../../src/kernel/wait-kinds.js';

const NO_PSI = fail({ kind: 'unsupported', path: 'pressure/x', message: 'none' });

export function thread(pid: number, tid: number, processComm: string, kind: WaitKind, fn: string | null, extra: Partial<MachineThread> = {}): MachineThread {
  return {
    pid,
    tid,
    comm: processComm,
    processComm,
    state: kind === 'running' ? 'R' : 'S',
    isKernelThread: false,
    wait: { kind, function: fn, syscall: null, site: null, confidence: 'certain' },
    ...extra,
  };
}

export function sample(tMonoMs: number, threads: readonly MachineThread[]): MachineSample {
  return {
    tMonoMs,
    tWallMs: 1_700_000_000_000 + tMonoMs,
    threads,
    pressure: { cpu: NO_PSI, memory: NO_PSI, io: NO_PSI, irq: NO_PSI },
    cgroupPressure: null,
    stats: { processes: 1, threads: threads.length, vanished: 0, filesRead: 0, stacksRead: 0, wallMs: 1, cpuMs: 1, listRefreshed: false },
  };
}
