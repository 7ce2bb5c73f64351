import { ParseError } from '../procfs/errors.js';
import { parseFlatKeyed } from './cgroup-memory.js';

/**
 * The cgroup files of the CPU controller, v1 (`cpu.cfs_quota_us`, `cpu.cfs_period_us`,
 * `cpu.stat`, `cpuacct.usage`, `cpu.shares`) and v2 (`cpu.max`, `cpu.stat`, `cpu.weight`).
 */

/** A CFS bandwidth limit: `quotaUs` of CPU time per `periodUs`; null quota = no limit. */
export interface CpuQuota {
  readonly quotaUs: number | null;
  readonly periodUs: number;
}

/**
 * v1 `cpu.cfs_quota_us` (kernel/sched/core.c cpu_cfs_quota_read_s64, a signed number): µs per
 * period, or -1 for no limit (RUNTIME_INF) → null.
 */
export function parseCfsQuota(text: string): number | null {
  const value = text.trim();
  if (value === '-1') return null;
  if (!/^\d+$/.test(value)) throw new ParseError(`cpu.cfs_quota_us is neither -1 nor a number of µs: ${JSON.stringify(value.slice(0, 30))}`, 1);
  return Number(value);
}

/**
 * v2 `cpu.max` (kernel/sched/core.c cpu_period_quota_print): `max 100000` (no limit) or
 * `10000 100000` (quota and period in µs).
 */
export function parseCpuMax(text: string): CpuQuota {
  const fields = text.trim().split(/\s+/);
  const [quota, period] = fields;
  if (fields.length !== 2 || quota === undefined || period === undefined || !/^\d+$/.test(period) || (quota !== 'max' && !/^\d+$/.test(quota))) {
    throw new ParseError(`cpu.max is not "max PERIOD" or "QUOTA PERIOD": ${JSON.stringify(text.trim().slice(0, 40))}`, 1);
  }
  return { quotaUs: quota === 'max' ? null : Number(quota), periodUs: Number(period) };
}

/** `cpu.stat`, the same facts from either version (a counter a kernel does not print is null). */
export interface CgroupCpuStat {
  /** CPU time the cgroup's tasks used, µs (v2 `usage_usec`; v1 has it in `cpuacct.usage` instead). */
  readonly usageUs: number | null;
  /** Enforcement periods that had runnable tasks (CFS bandwidth; absent on v2 without the cpu controller). */
  readonly nrPeriods: number | null;
  /** Of those, the periods in which the cgroup ran out of quota and was throttled. */
  readonly nrThrottled: number | null;
  /** Time its runqueues spent throttled, µs, summed over CPUs (v1 `throttled_time` is in ns). */
  readonly throttledUs: number | null;
}

/**
 * `cpu.stat`: flat keyed. v1 (cpu_cfs_stat_show): `nr_periods`, `nr_throttled`,
 * `throttled_time` (ns), from 5.14 `nr_bursts`, `burst_time`, with schedstats `wait_sum`.
 * v2 (cgroup_base_stat_cputime_show + cpu_extra_stat_show): `usage_usec`, `user_usec`,
 * `system_usec`, then with the cpu controller `nr_periods`, `nr_throttled`, `throttled_usec`,
 * `nr_bursts`, `burst_usec`.
 */
export function parseCpuStat(text: string): CgroupCpuStat {
  const kv = parseFlatKeyed(text);
  const throttledUs = kv.throttled_usec ?? (kv.throttled_time !== undefined ? kv.throttled_time / 1000 : undefined);
  return {
    usageUs: kv.usage_usec ?? null,
    nrPeriods: kv.nr_periods ?? null,
    nrThrottled: kv.nr_throttled ?? null,
    throttledUs: throttledUs ?? null,
  };
}
