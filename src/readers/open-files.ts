import { parseLimits } from '../parsers/limits.js';
import type { ProcFs } from '../procfs/procfs.js';

/** Room left for the rest of the program (the dashboard, stdio, sockets) when fds are kept open. */
const FD_RESERVE = 256;

/** The soft RLIMIT_NOFILE of this process (`self/limits` under the proc root); 1024 when it cannot be read. */
export function openFilesLimit(fs: ProcFs): number {
  const text = fs.readText('self/limits');
  if (!text.ok) return 1024;
  try {
    const limit = parseLimits(text.value)['Max open files'];
    if (limit) return limit.soft ?? 1 << 20;
  } catch {
    // a limits file we cannot read: the conservative default
  }
  return 1024;
}

/** How many fds a sampler may keep open, within the open-files limit. */
export function keepOpenBudget(limit: number): number {
  return Math.max(0, limit - FD_RESERVE);
}
