import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import type { Arch } from '../kernel/arch.js';
import { parseFdInfo, type FdInfo } from '../parsers/fdinfo.js';
import type { ProcessSnapshot } from './types.js';
import { parseResult } from './parsed.js';
import { waitCall } from './wait-call.js';

/**
 * The `fdinfo` of the process's regular files: its `flags:` say how each was opened (O_DSYNC,
 * O_SYNC, O_DIRECT, write access), which is the rung of the durability ladder a write is on.
 * readFds reads fdinfo of anonymous inodes only; this adds the files, bounded.
 */
export interface FileFlagReads {
  readonly files: readonly { readonly fd: number; readonly path: string; readonly info: ReadResult<FdInfo> }[];
}

/** A database holds thousands of files; the ones its threads are in a call on come first. */
const MAX_FILES = 16;

export function readFileFlags(fs: ProcFs, proc: ProcessSnapshot, arch: Arch): FileFlagReads {
  const fds = proc.fds.ok ? proc.fds.value.filter((f) => f.target.type === 'file') : [];
  if (fds.length === 0) return { files: [] };
  const inCalls = new Set((proc.threads.ok ? proc.threads.value : []).flatMap((t) => {
    const fd = waitCall(t.syscall, arch)?.fd;
    return fd == null ? [] : [fd];
  }));
  const ordered = [...fds.filter((f) => inCalls.has(f.fd)), ...fds.filter((f) => !inCalls.has(f.fd))].slice(0, MAX_FILES);
  return {
    files: ordered.map((f) => ({ fd: f.fd, path: f.target.target, info: parseResult(fs.readText(`${proc.pid}/fdinfo/${f.fd}`), `${proc.pid}/fdinfo/${f.fd}`, parseFdInfo) })),
  };
}
