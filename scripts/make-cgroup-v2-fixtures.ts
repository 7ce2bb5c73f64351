/**
 * Writes the cgroup v2 twins of the captured cgroup v1 fixtures: the same processes, as a
 * machine with the unified hierarchy (systemd's default) shows them. This machine has its
 * controllers on v1, so v2 cannot be captured here: the files are hand-written, their numbers
 * taken from the v1 capture (µs for ns, `memory.events max` for `failcnt`, `anon`/`file` for
 * `rss`/`cache`, …) so both shapes tell the same story. Each is marked `"synthetic": true` and
 * cites the kernel code it follows. Run after make-fixtures.ts:
 *   npx tsx scripts/make-cgroup-v2-fixtures.ts
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeVariant } from './fixture-variant.js';

const SOURCE =
  'Linux v6.18 with the unified cgroup v2 hierarchy: kernel/cgroup/cgroup.c proc_cgroup_show() prints one "0::/path" line and cgroup_controllers_show() ' +
  'the controllers enabled for the cgroup; kernel/sched/core.c cpu_period_quota_print() (cpu.max "max PERIOD" or "QUOTA PERIOD"), cpu_extra_stat_show() ' +
  '(nr_periods, nr_throttled, throttled_usec, nr_bursts, burst_usec after kernel/cgroup/rstat.c usage_usec, user_usec, system_usec), cpu_weight_read_u64(); ' +
  'mm/memcontrol.c memory_max_show()/memory_high_show() ("max" or bytes), memory_current_read(), memory_events_show() (low high max oom oom_kill oom_group_kill), ' +
  'memory_stat_format() (anon, file, …, workingset_refault_anon/file, …, pgfault, pgmajfault), swap_current_read(); block/blk-throttle.c tg_prfill_limit() ' +
  '(io.max "MAJ:MIN rbps= wbps= riops= wiops=", max when unset) and block/blk-cgroup.c blkcg_print_one_stat() (io.stat); Documentation/admin-guide/cgroup-v2.rst.';

/** One cgroup's files: name → text. */
type Files = Record<string, string>;

interface V1Sample {
  readonly dir: string;
  readonly pid: string;
  readonly read: (rel: string) => string | null;
  /** A `key value` counter of a v1 file, 0 when absent. */
  readonly counter: (rel: string, key: string) => number;
}

interface Variant {
  readonly name: string;
  readonly from: string;
  readonly scenario: string;
  /** The process's cgroup v2 path. */
  readonly path: string;
  /** Every cgroup's files (the process's and its ancestors'), by path, for one sample. */
  readonly cgroups: (s: V1Sample) => Record<string, Files>;
  /** Extra /proc files (e.g. `partitions`). */
  readonly proc?: Files;
}

const ALL = 'cpuset cpu io memory pids\n';
const PSI_QUIET = (total: number) => `some avg10=0.00 avg60=0.00 avg300=0.00 total=${total}\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n`;

/** memory.stat as memory_stat_format() prints it on 6.18 (byte counts first, then events). */
function memoryStat(v: { anon: number; file: number; mapped: number; refaultFile: number; pgfault: number; pgmajfault: number; inactiveFile: number; activeFile: number }): string {
  const rows: [string, number][] = [
    ['anon', v.anon], ['file', v.file], ['kernel', 1_200_128], ['kernel_stack', 16_384], ['pagetables', 81_920], ['sec_pagetables', 0], ['percpu', 0],
    ['sock', 0], ['vmalloc', 0], ['shmem', 0], ['zswap', 0], ['zswapped', 0], ['file_mapped', v.mapped], ['file_dirty', 0], ['file_writeback', 0],
    ['swapcached', 0], ['anon_thp', 0], ['file_thp', 0], ['shmem_thp', 0], ['inactive_anon', v.anon], ['active_anon', 0], ['inactive_file', v.inactiveFile],
    ['active_file', v.activeFile], ['unevictable', 0], ['slab_reclaimable', 301_056], ['slab_unreclaimable', 262_144], ['slab', 563_200],
    ['workingset_refault_anon', 0], ['workingset_refault_file', v.refaultFile], ['workingset_activate_anon', 0], ['workingset_activate_file', 0],
    ['workingset_restore_anon', 0], ['workingset_restore_file', 0], ['workingset_nodereclaim', 0], ['pgscan', v.refaultFile], ['pgsteal', v.refaultFile],
    ['pgscan_kswapd', 0], ['pgscan_direct', v.refaultFile], ['pgscan_khugepaged', 0], ['pgsteal_kswapd', 0], ['pgsteal_direct', v.refaultFile],
    ['pgsteal_khugepaged', 0], ['pgfault', v.pgfault], ['pgmajfault', v.pgmajfault], ['pgrefill', 0], ['pgactivate', 0], ['pgdeactivate', 0],
    ['pglazyfree', 0], ['pglazyfreed', 0], ['zswpin', 0], ['zswpout', 0], ['zswpwb', 0], ['thp_fault_alloc', 0], ['thp_collapse_alloc', 0],
  ];
  return rows.map(([k, n]) => `${k} ${n}\n`).join('');
}

const memoryEvents = (max: number) => `low 0\nhigh 0\nmax ${max}\noom 0\noom_kill 0\noom_group_kill 0\n`;
const cpuStat = (usageUs: number, periods: number, throttled: number, throttledUs: number) =>
  `usage_usec ${usageUs}\nuser_usec ${usageUs}\nsystem_usec 0\nnr_periods ${periods}\nnr_throttled ${throttled}\nthrottled_usec ${throttledUs}\nnr_bursts 0\nburst_usec 0\n`;

/** utime + stime of the process in µs (CLK_TCK 100), for the CPU a cgroup holding only it used. */
function processCpuUs(s: V1Sample): number {
  const stat = s.read(`proc/${s.pid}/stat`) ?? '';
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** A slice above the service that sets no limit: what the walk up to the root reads there. */
const OPEN_SLICE: Files = { 'cpu.max': 'max 100000\n', 'memory.max': 'max\n', 'memory.high': 'max\n' };

const VARIANTS: readonly Variant[] = [
  {
    name: 'cgroup-v2-cpu-quota',
    from: 'cgroup-v1-cpu-quota',
    scenario:
      'the CPU spinner of cgroup-v1-cpu-quota on a cgroup v2 machine, in /system.slice/batch.slice/job.service, whose parent batch.slice has cpu.max "10000 100000" ' +
      '(systemd CPUQuota=10% on the slice): the limit is an ancestor\'s, throttled every period; also an io.max on vda (rbps 1 MiB/s, wiops 120) it does not reach',
    path: '/system.slice/batch.slice/job.service',
    proc: { partitions: 'major minor  #blocks  name\n\n 254        0  268435456 vda\n' },
    cgroups: (s) => {
      const cg = 'cgroup-v1/cpu/' + readdirSync(join(s.dir, 'cgroup-v1', 'cpu')).find((n) => n.startsWith('proctriage-cg-'))!;
      const acct = 'cgroup-v1/cpuacct/' + readdirSync(join(s.dir, 'cgroup-v1', 'cpuacct')).find((n) => n.startsWith('proctriage-cg-'))!;
      const usageUs = Math.round(Number(s.read(`${acct}/cpuacct.usage`)) / 1000);
      const periods = s.counter(`${cg}/cpu.stat`, 'nr_periods');
      const throttled = s.counter(`${cg}/cpu.stat`, 'nr_throttled');
      const throttledUs = Math.round(s.counter(`${cg}/cpu.stat`, 'throttled_time') / 1000);
      const rssBytes = 1_495_040;
      return {
        '/system.slice': OPEN_SLICE,
        '/system.slice/batch.slice': { ...OPEN_SLICE, 'cpu.max': '10000 100000\n', 'cpu.stat': cpuStat(usageUs, periods, throttled, throttledUs) },
        '/system.slice/batch.slice/job.service': {
          'cgroup.controllers': ALL,
          'cpu.max': 'max 100000\n',
          'cpu.stat': cpuStat(usageUs, 0, 0, 0),
          'cpu.weight': '100\n',
          'cpu.pressure': PSI_QUIET(usageUs),
          'memory.pressure': PSI_QUIET(0),
          'io.pressure': PSI_QUIET(0),
          'memory.max': 'max\n',
          'memory.high': 'max\n',
          'memory.current': `${rssBytes}\n`,
          'memory.events': memoryEvents(0),
          'memory.stat': memoryStat({ anon: 102_400, file: 1_392_640, mapped: 1_392_640, refaultFile: 0, pgfault: 106, pgmajfault: 0, inactiveFile: 0, activeFile: 1_392_640 }),
          'memory.swap.current': '0\n',
          'io.max': '254:0 rbps=1048576 wbps=max riops=max wiops=120\n',
          'io.stat': '',
        },
      };
    },
  },
  {
    name: 'cgroup-v2-memory-limit',
    from: 'cgroup-v1-memory-limit',
    scenario:
      'the thrashing process of cgroup-v1-memory-limit on a cgroup v2 machine, in /system.slice/thrash.service with memory.max 32 MiB (systemd MemoryMax=32M): ' +
      'at the limit, memory.events max, major faults and refaults growing, no OOM kill',
    path: '/system.slice/thrash.service',
    cgroups: (s) => {
      const memDir = findDir(join(s.dir, 'cgroup-v1', 'memory'), (n) => n.startsWith('proctriage-cg-'));
      const mem = (file: string) => `${memDir}/${file}`;
      const stat = (key: string) => s.counter(mem('memory.stat'), `total_${key}`);
      const usageUs = processCpuUs(s);
      const io = /^read_bytes: (\d+)$/m.exec(s.read(`proc/${s.pid}/io`) ?? '')?.[1] ?? '0';
      return {
        '/system.slice': OPEN_SLICE,
        '/system.slice/thrash.service': {
          'cgroup.controllers': ALL,
          'cpu.max': 'max 100000\n',
          'cpu.stat': cpuStat(usageUs, 0, 0, 0),
          'cpu.weight': '100\n',
          'cpu.pressure': PSI_QUIET(usageUs),
          'memory.pressure': PSI_QUIET(Math.round(usageUs / 3)),
          'io.pressure': PSI_QUIET(Math.round(usageUs / 3)),
          'memory.max': '33554432\n',
          'memory.high': 'max\n',
          'memory.current': `${s.read(mem('memory.usage_in_bytes'))?.trim()}\n`,
          'memory.events': memoryEvents(Number(s.read(mem('memory.failcnt')))),
          'memory.stat': memoryStat({
            anon: stat('rss'),
            file: stat('cache'),
            mapped: stat('mapped_file'),
            refaultFile: stat('workingset_refault_file'),
            pgfault: stat('pgfault'),
            pgmajfault: stat('pgmajfault'),
            inactiveFile: stat('inactive_file'),
            activeFile: stat('active_file'),
          }),
          'memory.swap.current': '0\n',
          'io.max': '',
          'io.stat': `254:0 rbytes=${io} wbytes=12288 rios=${Math.round(Number(io) / 4096)} wios=3 dbytes=0 dios=0\n`,
        },
      };
    },
  },
];

/** The path below `root` of the first directory whose name matches (depth first), relative to the sample. */
function findDir(root: string, match: (name: string) => boolean): string {
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const path = join(root, e.name);
    if (match(e.name)) return path.slice(path.indexOf('cgroup-v1/'));
    try {
      return findDir(path, match);
    } catch {
      // not below this one
    }
  }
  throw new Error(`no matching cgroup below ${root}`);
}

function v1Sample(dir: string, pid: string): V1Sample {
  const read = (rel: string) => (existsSync(join(dir, rel)) ? readFileSync(join(dir, rel), 'utf8') : null);
  return { dir, pid, read, counter: (rel, key) => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(read(rel) ?? '')?.[1] ?? 0) };
}

function rewriteSample(dir: string, pid: string, variant: Variant): void {
  const sample = v1Sample(dir, pid);
  const cgroups = variant.cgroups(sample);
  // What /proc/PID/cgroup shows with only the unified hierarchy mounted.
  writeFileSync(join(dir, 'proc', pid, 'cgroup'), `0::${variant.path}\n`);
  rmSync(join(dir, 'cgroup-v1'), { recursive: true, force: true });
  rmSync(join(dir, 'cgroup'), { recursive: true, force: true });
  for (const [path, files] of Object.entries(cgroups)) {
    for (const [name, text] of Object.entries(files)) {
      const full = join(dir, 'cgroup', path.slice(1), name);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
  }
  for (const [name, text] of Object.entries(variant.proc ?? {})) writeFileSync(join(dir, 'proc', name), text);
  const errorsPath = join(dir, 'errors.json');
  const errors = JSON.parse(readFileSync(errorsPath, 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(errors)) if (key.startsWith('cgroup/') || key.startsWith('cgroup-v1/')) delete errors[key];
  // This kernel has no irq pressure (no CONFIG_IRQ_TIME_ACCOUNTING): no cgroup irq.pressure either.
  errors[`cgroup/${variant.path.slice(1)}/irq.pressure`] = { kind: 'unsupported', errno: 'ENOENT', message: 'no such file or directory' };
  writeFileSync(errorsPath, `${JSON.stringify(errors, null, 1)}\n`);
}

for (const variant of VARIANTS) {
  writeVariant(
    variant.from,
    variant.name,
    (sampleDir, meta) => rewriteSample(sampleDir, String(meta.pid), variant),
    () => ({
      source: SOURCE,
      scenario: variant.scenario,
      howMade: `hand-written: scripts/make-cgroup-v2-fixtures.ts rewrote the captured fixture "${variant.from}" as a cgroup v2 machine shows it, its numbers taken from the v1 files`,
    }),
  );
}
