import type { ProcFs } from '../procfs/procfs.js';
import { parseStatus } from '../parsers/status.js';
import { parseResult } from '../readers/parsed.js';

export interface ResolvedPid {
  /** The process (thread group leader) to look at. */
  readonly pid: number;
  /** Said to the user when the number given was a thread of another process. */
  readonly note: string | null;
}

/**
 * /proc/<tid> exists for every thread, not only for processes, so a thread id given as a pid
 * would read the thread's files as if it were a process. A thread id is resolved to its
 * process (its Tgid); anything unreadable is left to the session, which reports it.
 */
export function resolveProcessId(fs: ProcFs, pid: number): ResolvedPid {
  const status = parseResult(fs.readText(`${pid}/status`), `${pid}/status`, parseStatus);
  if (status.ok && status.value.tgid !== pid && status.value.tgid > 0) {
    return { pid: status.value.tgid, note: `${pid} is a thread of process ${status.value.tgid} (${status.value.name}): showing the process` };
  }
  return { pid, note: null };
}
