import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import { parseFlatKeyed, parseMemoryLimit } from '../parsers/cgroup-memory.js';
import { parseResult } from './parsed.js';

/** The memory controller files of one cgroup v2 directory. */
export interface CgroupMemory {
  readonly path: string;
  /** Bytes, null = `max` (no limit). */
  readonly max: ReadResult<number | null>;
  readonly high: ReadResult<number | null>;
  readonly current: ReadResult<number | null>;
  /** `low`, `high`, `max`, `oom`, `oom_kill`, … counters since the cgroup was created. */
  readonly events: ReadResult<Readonly<Record<string, number>>>;
}

export function readCgroupMemory(fs: ProcFs, cgroupPath: string): CgroupMemory {
  const dir = cgroupPath.replace(/^\/+/, '');
  const read = <T>(name: string, parse: (text: string) => T): ReadResult<T> => {
    const path = dir === '' ? name : `${dir}/${name}`;
    return parseResult(fs.readCgroupText(path), `cgroup:${path}`, parse);
  };
  return {
    path: cgroupPath,
    max: read('memory.max', parseMemoryLimit),
    high: read('memory.high', parseMemoryLimit),
    current: read('memory.current', parseMemoryLimit),
    events: read('memory.events', parseFlatKeyed),
  };
}
