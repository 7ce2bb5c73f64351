import { ParseError } from '../procfs/errors.js';

/**
 * One unsigned decimal number, as the kernel's `read_u64` cgroup files print it
 * (`cpuacct.usage`, `cpu.cfs_period_us`, `cpu.shares`, `cpu.weight`, `memory.failcnt`,
 * `memory.usage_in_bytes`, `memory.current`, `memory.swap.current`).
 */
export function parseCgroupCounter(text: string): number {
  const value = text.trim();
  if (!/^\d+$/.test(value)) throw new ParseError(`not an unsigned number: ${JSON.stringify(value.slice(0, 30))}`, 1);
  return Number(value);
}

/** `memory.max` / `memory.high`: bytes, or null for `max` (no limit). */
export function parseMemoryLimit(text: string): number | null {
  const value = text.trim();
  if (value === 'max') return null;
  if (!/^\d+$/.test(value)) throw new ParseError(`not a byte count or "max": ${JSON.stringify(value.slice(0, 30))}`, 1);
  return Number(value);
}

/** Flat-keyed cgroup files (`memory.events`, `memory.stat`): `key value` per line. */
export function parseFlatKeyed(text: string): Readonly<Record<string, number>> {
  const out: Record<string, number> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const m = /^(\S+) (\d+)$/.exec(line);
    if (!m) throw new ParseError(`expected "key value", got ${JSON.stringify(line.slice(0, 60))}`, i + 1);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * v1 "no limit" reads as PAGE_COUNTER_MAX pages in bytes (mm/memcontrol-v1.c
 * mem_cgroup_read_u64: `(u64)counter->max * PAGE_SIZE`, PAGE_COUNTER_MAX = LONG_MAX /
 * PAGE_SIZE on 64-bit): 9223372036854771712 with 4 KiB pages, 9223372036854710272 with 64
 * KiB. No real limit comes near 2^62 bytes (4 EiB).
 */
const V1_UNLIMITED_FROM = 2 ** 62;

/** v1 `memory.limit_in_bytes` (and `hierarchical_memory_limit`): bytes, or null for no limit. */
export function parseV1MemoryLimit(text: string): number | null {
  const value = text.trim();
  if (!/^\d+$/.test(value)) throw new ParseError(`memory.limit_in_bytes is not a byte count: ${JSON.stringify(value.slice(0, 30))}`, 1);
  const bytes = Number(value);
  return bytes >= V1_UNLIMITED_FROM ? null : bytes;
}

/** What the diagnosis takes from `memory.stat`, the same from either version; null = not printed by this kernel. */
export interface CgroupMemoryStatFacts {
  /** Major page faults of the cgroup's tasks (with v1 use_hierarchy, its whole subtree). */
  readonly majorFaults: number | null;
  /** Refaults: evicted pages read back while still in the workingset (thrashing). */
  readonly refaults: number | null;
  readonly anonBytes: number | null;
  readonly fileBytes: number | null;
  /** v1 only: the lowest `memory.limit_in_bytes` of the cgroup and its ancestors; null = none. */
  readonly hierarchicalLimitBytes: number | null;
}

function sum(...values: (number | undefined)[]): number | undefined {
  return values.every((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + (v ?? 0), 0);
}

/**
 * The counters of `memory.stat` the diagnosis uses. v2 (mm/memcontrol.c memory_stat_format):
 * `anon`, `file`, `pgmajfault`, `workingset_refault_anon` + `workingset_refault_file` (5.9+;
 * one `workingset_refault` before). v1 (memcg1_stat_format): `rss`, `cache`, `pgmajfault`,
 * `workingset_refault_anon/file` (6.18 prints them; older kernels' memcg1_stats have none), each
 * again as `total_*` over the subtree, which is what a limit on the cgroup applies to, and
 * `hierarchical_memory_limit`.
 */
export function cgroupMemoryStatFacts(stat: Readonly<Record<string, number>>): CgroupMemoryStatFacts {
  const get = (name: string): number | undefined => (Object.hasOwn(stat, `total_${name}`) ? stat[`total_${name}`] : Object.hasOwn(stat, name) ? stat[name] : undefined);
  const limit = get('hierarchical_memory_limit');
  return {
    majorFaults: get('pgmajfault') ?? null,
    refaults: sum(get('workingset_refault_anon'), get('workingset_refault_file')) ?? get('workingset_refault') ?? null,
    anonBytes: get('anon') ?? get('rss') ?? null,
    fileBytes: get('file') ?? get('cache') ?? null,
    hierarchicalLimitBytes: limit === undefined || limit >= V1_UNLIMITED_FROM ? null : limit,
  };
}
