import type { ProcFs } from '../procfs/procfs.js';
import { mapResult, type ReadResult } from '../procfs/errors.js';
import { parseCfsQuota, parseCpuMax, parseCpuStat, type CgroupCpuStat, type CpuQuota } from '../parsers/cgroup-cpu.js';
import { parseCgroupCounter } from '../parsers/cgroup-memory.js';
import { cgroupAncestry, type CgroupPlace } from './cgroup-place.js';
import { cgroupReader } from './cgroup-read.js';

/** The CPU quota of one cgroup on the way to the root. */
export interface CpuQuotaLevel {
  readonly path: string;
  readonly quota: ReadResult<CpuQuota>;
}

/** The CPU controller's files of the process's cgroup (and the quotas above it). */
export interface CgroupCpuSnapshot {
  readonly version: 'v1' | 'v2';
  readonly path: string;
  /**
   * The cgroup's own quota first, then each ancestor's up to the root (not included): a
   * quota on a parent (a pod, a slice) limits every cgroup below it.
   */
  readonly quotas: readonly CpuQuotaLevel[];
  /** The cgroup's own `cpu.stat`. */
  readonly stat: ReadResult<CgroupCpuStat>;
  /** `cpu.stat` of the ancestor whose quota is the tightest, when that is not the cgroup itself: its throttling is what the process feels. */
  readonly limitingStat: { readonly path: string; readonly stat: ReadResult<CgroupCpuStat> } | null;
  /** v1 `cpuacct.usage`, ns (null: no cpuacct cgroup of the same path, or v2, whose `cpu.stat` has `usage_usec`). */
  readonly usageNs: ReadResult<number> | null;
  /** v1 `cpu.shares` (default 1024) or v2 `cpu.weight` (1–10000, default 100): the share under contention. */
  readonly weight: ReadResult<number>;
}

/** Cores a quota allows (quota / period); null = no limit. */
export function quotaCores(q: CpuQuota): number | null {
  return q.quotaUs === null || q.periodUs <= 0 ? null : q.quotaUs / q.periodUs;
}

/** The level with the smallest quota in cores, or null when no level has one. */
export function tightestQuota(levels: readonly CpuQuotaLevel[]): { readonly path: string; readonly quota: CpuQuota; readonly cores: number } | null {
  let best: { path: string; quota: CpuQuota; cores: number } | null = null;
  for (const level of levels) {
    if (!level.quota.ok) continue;
    const cores = quotaCores(level.quota.value);
    if (cores !== null && (best === null || cores < best.cores)) best = { path: level.path, quota: level.quota.value, cores };
  }
  return best;
}

/**
 * v1: `cpu.cfs_quota_us` + `cpu.cfs_period_us` per level, `cpu.stat`, `cpu.shares`, and
 * `cpuacct.usage` from the cpuacct hierarchy (often co-mounted as `cpu,cpuacct`). v2:
 * `cpu.max` per level, `cpu.stat` (usage and throttling), `cpu.weight`.
 */
export function readCpuController(fs: ProcFs, place: CgroupPlace, cpuacct: CgroupPlace): CgroupCpuSnapshot | null {
  if (place.version === null || place.path === null || place.unavailable !== null) return null;
  const read = cgroupReader(fs, place);
  const quotaAt = (path: string): ReadResult<CpuQuota> => {
    if (place.version === 'v2') return read(path, 'cpu.max', parseCpuMax);
    const quotaUs = read(path, 'cpu.cfs_quota_us', parseCfsQuota);
    if (!quotaUs.ok) return quotaUs;
    return mapResult(read(path, 'cpu.cfs_period_us', parseCgroupCounter), (periodUs) => ({ quotaUs: quotaUs.value, periodUs }));
  };
  const quotas = cgroupAncestry(place.path).map((path) => ({ path, quota: quotaAt(path) }));
  if (quotas.length === 0) quotas.push({ path: place.path, quota: quotaAt(place.path) });
  const tightest = tightestQuota(quotas);
  // cpuacct counts the CPU of its own cgroup: only one of the same path is this cgroup's (on a
  // machine with separate cpu and cpuacct mounts the process may sit in the cpuacct root).
  const acct = cpuacct.version === 'v1' && cpuacct.path === place.path && cpuacct.unavailable === null ? cgroupReader(fs, cpuacct) : null;
  return {
    version: place.version,
    path: place.path,
    quotas,
    stat: read(place.path, 'cpu.stat', parseCpuStat),
    limitingStat: tightest && tightest.path !== place.path ? { path: tightest.path, stat: read(tightest.path, 'cpu.stat', parseCpuStat) } : null,
    usageNs: acct && cpuacct.path !== null ? acct(cpuacct.path, 'cpuacct.usage', parseCgroupCounter) : null,
    weight: read(place.path, place.version === 'v2' ? 'cpu.weight' : 'cpu.shares', parseCgroupCounter),
  };
}
