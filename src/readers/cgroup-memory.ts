import type { ProcFs } from '../procfs/procfs.js';
import type { ReadResult } from '../procfs/errors.js';
import { cgroupMemoryStatFacts, parseCgroupCounter, parseFlatKeyed, parseMemoryLimit, parseV1MemoryLimit } from '../parsers/cgroup-memory.js';
import { cgroupAncestry, type CgroupPlace } from './cgroup-place.js';
import { cgroupReader } from './cgroup-read.js';

/** The memory limits of one cgroup on the way to the root; bytes, null = none. */
export interface MemoryLimitLevel {
  readonly path: string;
  /** v1 `memory.limit_in_bytes`, v2 `memory.max`. */
  readonly max: ReadResult<number | null>;
  /** v2 `memory.high` (throttling and reclaim above it); null on v1, which has no such limit. */
  readonly high: ReadResult<number | null> | null;
}

/** The memory controller's files of the process's cgroup. */
export interface CgroupMemorySnapshot {
  readonly version: 'v1' | 'v2';
  readonly path: string;
  /**
   * The cgroup's own limits first, then its ancestors' that count: on v2 every ancestor up
   * to the root (not included); on v1 only when `hierarchical_memory_limit` in `memory.stat`
   * is below the cgroup's own limit, up to the ancestor that sets it.
   */
  readonly limits: readonly MemoryLimitLevel[];
  /** v1 `memory.usage_in_bytes`, v2 `memory.current`. */
  readonly usage: ReadResult<number>;
  /** v1 `memory.max_usage_in_bytes` (the peak); null on v2. */
  readonly maxUsage: ReadResult<number> | null;
  /** v1 `memory.failcnt`: how often usage hit the limit; null on v2 (see `events`). */
  readonly failcnt: ReadResult<number> | null;
  /** v2 `memory.events` (`low`, `high`, `max`, `oom`, `oom_kill`, …); null on v1. */
  readonly events: ReadResult<Readonly<Record<string, number>>> | null;
  /** `memory.stat` as printed (flat keyed). */
  readonly stat: ReadResult<Readonly<Record<string, number>>>;
  /** v2 `memory.swap.current`; null on v1. */
  readonly swap: ReadResult<number> | null;
}

/** The lowest `max` (and, on v2, `high`) over the levels read, with the cgroup that sets it. */
export function effectiveMemoryLimits(levels: readonly MemoryLimitLevel[]): { readonly max: { path: string; bytes: number } | null; readonly high: { path: string; bytes: number } | null } {
  const lowest = (pick: (l: MemoryLimitLevel) => ReadResult<number | null> | null) => {
    let best: { path: string; bytes: number } | null = null;
    for (const level of levels) {
      const r = pick(level);
      if (r?.ok && r.value !== null && (best === null || r.value < best.bytes)) best = { path: level.path, bytes: r.value };
    }
    return best;
  };
  return { max: lowest((l) => l.max), high: lowest((l) => l.high) };
}

/**
 * v1: `memory.limit_in_bytes`, `memory.usage_in_bytes`, `memory.max_usage_in_bytes`,
 * `memory.failcnt`, `memory.stat`. v2: `memory.max` and `memory.high` (also of each
 * ancestor), `memory.current`, `memory.events`, `memory.stat`, `memory.swap.current`.
 */
export function readMemoryController(fs: ProcFs, place: CgroupPlace): CgroupMemorySnapshot | null {
  if (place.version === null || place.path === null || place.unavailable !== null) return null;
  const read = cgroupReader(fs, place);
  const path = place.path;
  if (place.version === 'v2') {
    const levels = cgroupAncestry(path);
    return {
      version: 'v2',
      path,
      limits: (levels.length > 0 ? levels : [path]).map((p) => ({ path: p, max: read(p, 'memory.max', parseMemoryLimit), high: read(p, 'memory.high', parseMemoryLimit) })),
      usage: read(path, 'memory.current', parseCgroupCounter),
      maxUsage: null,
      failcnt: null,
      events: read(path, 'memory.events', parseFlatKeyed),
      stat: read(path, 'memory.stat', parseFlatKeyed),
      swap: read(path, 'memory.swap.current', parseCgroupCounter),
    };
  }
  const own: MemoryLimitLevel = { path, max: read(path, 'memory.limit_in_bytes', parseV1MemoryLimit), high: null };
  const stat = read(path, 'memory.stat', parseFlatKeyed);
  const limits: MemoryLimitLevel[] = [own];
  // Walk up only when an ancestor's limit is lower than the cgroup's own: the common case reads nothing more.
  const hierarchical = stat.ok ? cgroupMemoryStatFacts(stat.value).hierarchicalLimitBytes : null;
  const ownBytes = own.max.ok ? own.max.value : null;
  if (hierarchical !== null && (ownBytes === null || hierarchical < ownBytes)) {
    for (const ancestor of cgroupAncestry(path).slice(1)) {
      const max = read(ancestor, 'memory.limit_in_bytes', parseV1MemoryLimit);
      limits.push({ path: ancestor, max, high: null });
      if (!max.ok || max.value === hierarchical) break;
    }
  }
  return {
    version: 'v1',
    path,
    limits,
    usage: read(path, 'memory.usage_in_bytes', parseCgroupCounter),
    maxUsage: read(path, 'memory.max_usage_in_bytes', parseCgroupCounter),
    failcnt: read(path, 'memory.failcnt', parseCgroupCounter),
    events: null,
    stat,
    swap: null,
  };
}
