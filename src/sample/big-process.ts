import { stackWhereItDecides } from '../classify/stack-policy.js';
import type { Arch } from '../kernel/arch.js';
import type { ProcFs } from '../procfs/procfs.js';
import type { ProcessReadOptions } from '../readers/process.js';

/**
 * Above this many threads a process is read as a dashboard reads it: no per-thread `status`,
 * `io` or `children`, `stack` only where it decides the wait, and an unchanged thread's snapshot
 * kept. A full read of every file of 10,000 threads takes over a second and a hundred megabytes.
 */
export const BIG_PROCESS_THREADS = 1000;

export function bigProcessReads(arch: Arch): ProcessReadOptions {
  return { stack: stackWhereItDecides(arch), threadIo: false, children: false, status: false };
}

/** The process's `task/` entries now (0 when it cannot be listed). */
export function countTasks(fs: ProcFs, pid: number): number {
  const tasks = fs.listDir(`${pid}/task`);
  return tasks.ok ? tasks.value.length : 0;
}
