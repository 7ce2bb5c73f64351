/**
 * The cgroup facts from reads to the Diagnosis section, on hand-laid capture samples: where
 * each controller is (v1, v2, both, neither), the limits of ancestors, the root, refused
 * files, and the rates between two samples.
 */
import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../src/parsers/cgroup.js';
import { fail, ok } from '../../src/procfs/errors.js';
import { createFixtureProcFs, type RecordedError } from '../../src/procfs/procfs.js';
import { readCgroups, v2MemoryOf, type CgroupSnapshot } from '../../src/readers/cgroup.js';
import { cgroupRatesOf } from '../../src/sample/cgroup-rates.js';
import type { Model } from '../../src/sample/model.js';
import type { Sample } from '../../src/sample/types.js';
import { cgroupView } from '../../src/diagnose/cgroup.js';
import { cgroupLines } from '../../src/report/cgroup.js';
import { PLAIN } from '../../src/report/style.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { layout, tempDir } from '../procfs/support.js';
import * as C from '../parsers/support/cgroup-samples.js';

type Files = Record<string, string | { link: string }>;

/** One capture sample: `files` under the sample dir (`cgroup/…`, `cgroup-v1/<controller>/…`, `proc/…`), the process's cgroup file. */
function snapshot(cgroupFile: string, files: Files, errors: Record<string, RecordedError> = {}): CgroupSnapshot {
  const fs = createFixtureProcFs({ sampleDir: layout(tempDir(), { 'proc/': '', ...files }), recordedErrors: errors });
  return readCgroups(fs, ok(parseCgroup(cgroupFile)));
}

const sampleOf = (cgroup: CgroupSnapshot): Sample => ({ follow: { cgroup } }) as unknown as Sample;

/** The section for two snapshots one second apart (or one, without rates). */
function view(current: CgroupSnapshot, previous?: CgroupSnapshot) {
  const rates = previous ? { cgroup: cgroupRatesOf(sampleOf(previous), sampleOf(current), 1).cgroup } : null;
  return cgroupView({ current: sampleOf(current), rates } as unknown as Model)!;
}

const V2_SERVICE = (controllers: string, extra: Files = {}): Files => ({
  'cgroup/system.slice/cpu.max': 'max 100000\n',
  'cgroup/system.slice/memory.max': 'max\n',
  'cgroup/system.slice/memory.high': 'max\n',
  'cgroup/system.slice/app.service/cgroup.controllers': `${controllers}\n`,
  ...extra,
});

describe('where the controllers are', () => {
  it('v1 here: every controller on its v1 hierarchy, cpu at the root, the v2 tree without controllers not read', () => {
    const snap = snapshot(C.CGROUP_THIS_MACHINE, {
      'cgroup/': '',
      'cgroup-v1/cpu/cpu.cfs_quota_us': '-1\n',
      'cgroup-v1/cpu/cpu.cfs_period_us': '100000\n',
      'cgroup-v1/cpu/cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
      'cgroup-v1/cpu/cpu.shares': '1024\n',
      'cgroup-v1/cpuacct/cpuacct.usage': '1510580007584\n',
      'cgroup-v1/memory/process_api/x/memory.limit_in_bytes': C.V1_UNLIMITED,
      'cgroup-v1/memory/process_api/x/memory.usage_in_bytes': '147845120\n',
      'cgroup-v1/memory/process_api/x/memory.max_usage_in_bytes': '656101376\n',
      'cgroup-v1/memory/process_api/x/memory.failcnt': '0\n',
      'cgroup-v1/memory/process_api/x/memory.stat': C.V1_MEMORY_STAT.replace('hierarchical_memory_limit 33554432', `hierarchical_memory_limit ${C.V1_UNLIMITED.trim()}`),
      'cgroup-v1/blkio/blkio.throttle.read_bps_device': '',
      'cgroup-v1/blkio/blkio.throttle.write_bps_device': '',
      'cgroup-v1/blkio/blkio.throttle.read_iops_device': '',
      'cgroup-v1/blkio/blkio.throttle.write_iops_device': '',
      'cgroup-v1/blkio/blkio.throttle.io_service_bytes': 'Total 0\n',
    });
    expect(snap.places.v2Controllers).toBeNull();
    const v = view(snap);
    expect(v.version).toBe('v1');
    expect(v.cpu).toMatchObject({ version: 'v1', path: '/', quotaCores: null, periodUs: 100_000, shares: 1024, unavailable: null, unreadable: [] });
    expect(v.memory).toMatchObject({ version: 'v1', path: '/process_api/x', limitBytes: null, usageBytes: 147_845_120, usagePercentOfLimit: null, unavailable: null });
    expect(v.io).toMatchObject({ version: 'v1', path: '/', throttles: [], unavailable: null });
    expect(cgroupLines({ cgroup: v } as unknown as Diagnosis, PLAIN)).toEqual(['', "cgroup (v1): no CPU quota, memory limit or io throttle on this process's cgroups"]);
  });

  it('a v1 controller whose hierarchy is not mounted (or not captured), and no v2 membership', () => {
    const v = view(snapshot('4:memory:/a\n2:cpu,cpuacct:/a\n', { 'cgroup-v1/cpu/a/cpu.cfs_quota_us': '-1\n', 'cgroup-v1/cpu/a/cpu.cfs_period_us': '100000\n', 'cgroup-v1/cpu/a/cpu.stat': C.V1_CPU_STAT, 'cgroup-v1/cpu/a/cpu.shares': '1024\n' }));
    expect(v.version).toBe('v1');
    expect(v.memory).toMatchObject({ version: 'v1', path: '/a', unavailableReason: 'not-mounted', unavailable: expect.stringMatching(/memory controller is on a cgroup v1 hierarchy that is not mounted here/) });
    expect(v.io).toMatchObject({ version: null, unavailableReason: 'not-enabled', unavailable: expect.stringMatching(/no cgroup v1 hierarchy carries the blkio controller and the process has no cgroup v2 membership/) });
    // cpuacct is co-mounted with cpu but not captured here: the usage is unknown, not zero.
    expect(v.cpu).toMatchObject({ version: 'v1', usageCores: null, unreadable: [] });
  });

  it('hybrid: cpu on v1, memory and io on v2', () => {
    const snap = snapshot('1:cpu:/job\n0::/system.slice/app.service\n', {
      'cgroup-v1/cpu/job/cpu.cfs_quota_us': '50000\n',
      'cgroup-v1/cpu/job/cpu.cfs_period_us': '100000\n',
      'cgroup-v1/cpu/job/cpu.stat': C.V1_CPU_STAT,
      'cgroup-v1/cpu/job/cpu.shares': '512\n',
      ...V2_SERVICE('memory io', {
        'cgroup/system.slice/app.service/memory.max': '1073741824\n',
        'cgroup/system.slice/app.service/memory.high': '805306368\n',
        'cgroup/system.slice/app.service/memory.current': '536870912\n',
        'cgroup/system.slice/app.service/memory.events': C.V2_MEMORY_EVENTS,
        'cgroup/system.slice/app.service/memory.stat': C.V2_MEMORY_STAT,
        'cgroup/system.slice/app.service/memory.swap.current': '0\n',
        'cgroup/system.slice/app.service/io.max': C.V2_IO_MAX,
        'cgroup/system.slice/app.service/io.stat': C.V2_IO_STAT,
        'proc/partitions': C.PARTITIONS,
      }),
    });
    const v = view(snap);
    expect(v.version).toBe('hybrid');
    expect(v.cpu).toMatchObject({ version: 'v1', path: '/job', quotaCores: 0.5, shares: 512, weight: null });
    expect(v.memory).toMatchObject({ version: 'v2', limitBytes: 1 << 30, highBytes: 768 << 20, usagePercentOfLimit: 50, events: { max: 10_965 }, unreadable: [] });
    expect(v.io.throttles).toEqual([
      { device: '8:16', name: 'sdb', readBytesPerSecMax: 2_097_152, writeBytesPerSecMax: null, readIopsMax: null, writeIopsMax: 120 },
      { device: '254:0', name: 'vda', readBytesPerSecMax: null, writeBytesPerSecMax: 1_048_576, readIopsMax: null, writeIopsMax: null },
    ]);
    // Diagnosis.memory.cgroup (v2) takes the same reads.
    expect(v2MemoryOf(snap)).toMatchObject({ path: '/system.slice/app.service', max: { ok: true, value: 1 << 30 }, high: { ok: true, value: 768 << 20 } });
  });

  it('v2 with a controller not enabled for the cgroup', () => {
    const v = view(snapshot('0::/system.slice/app.service\n', V2_SERVICE('memory')));
    expect(v.cpu).toMatchObject({ version: null, path: '/system.slice/app.service', unavailableReason: 'not-enabled', unavailable: expect.stringMatching(/not enabled for \/system\.slice\/app\.service on cgroup v2/) });
  });

  it('the v2 root has no limit files: "root cgroup", not a failure', () => {
    // What a capture of a process in the real root holds: the files the root lacks, recorded as ENOENT.
    const enoent: RecordedError = { kind: 'unsupported', errno: 'ENOENT', message: 'no such file or directory' };
    const absent = Object.fromEntries(['cpu.max', 'cpu.weight', 'memory.max', 'memory.high', 'memory.current', 'memory.events', 'memory.swap.current', 'io.max'].map((f) => [`cgroup/${f}`, enoent]));
    const v = view(snapshot('0::/\n', { 'cgroup/cgroup.controllers': 'cpu memory io\n', 'cgroup/cpu.stat': C.V2_CPU_STAT_NO_CONTROLLER, 'cgroup/memory.stat': C.V2_MEMORY_STAT, 'cgroup/io.stat': '' }, absent));
    for (const c of [v.cpu, v.memory, v.io]) expect(c).toMatchObject({ version: 'v2', path: '/', unavailableReason: 'root-cgroup', unreadable: [] });
    expect(v.memory.unavailable).toBe('/ is the root cgroup: it has no memory limits');
  });

  it('/proc/PID/cgroup unreadable, a path outside the namespace, cgroup.controllers refused', () => {
    const fs = createFixtureProcFs({ sampleDir: layout(tempDir(), { 'proc/': '' }) });
    const none = view(readCgroups(fs, fail({ kind: 'denied', path: '1/cgroup', errno: 'EACCES', message: 'permission denied' })));
    expect(none.version).toBeNull();
    expect(none.cpu).toMatchObject({ unavailableReason: 'no-cgroup-file', unavailable: '1/cgroup: permission denied (needs root or the same user)' });
    expect(view(snapshot('0::/../../other\n', { 'cgroup/': '' })).memory.unavailableReason).toBe('outside-view');
    const refused = view(snapshot('0::/a\n', { 'cgroup/a/x': '' }, { 'cgroup/a/cgroup.controllers': { kind: 'denied', errno: 'EACCES', message: 'permission denied' } }));
    expect(refused.cpu).toMatchObject({ unavailableReason: 'unreadable', unavailable: expect.stringMatching(/cgroup:a\/cgroup.controllers: permission denied/) });
  });

  it('a refused limit file is "denied"; other refused files are listed, the rest still read', () => {
    const v = view(
      snapshot('4:memory:/a\n', { 'cgroup-v1/memory/a/memory.usage_in_bytes': '1\n', 'cgroup-v1/memory/a/memory.max_usage_in_bytes': '1\n', 'cgroup-v1/memory/a/memory.failcnt': '0\n', 'cgroup-v1/memory/a/memory.stat': C.V1_MEMORY_STAT }, {
        'cgroup-v1/memory/a/memory.limit_in_bytes': { kind: 'denied', errno: 'EACCES', message: 'permission denied' },
      }),
    );
    expect(v.memory).toMatchObject({ unavailableReason: 'denied', usageBytes: 1 });
    // hierarchical_memory_limit in memory.stat still gives the limit.
    expect(v.memory.limitBytes).toBe(32 << 20);
  });
});

describe('limits set on an ancestor', () => {
  it('v2: the tightest cpu.max on the way up, whose cpu.stat gives the throttling; memory.max and memory.high of ancestors', () => {
    const files = (throttled: number, usage: number): Files => ({
      'cgroup/system.slice/cpu.max': 'max 100000\n',
      'cgroup/system.slice/memory.max': '2147483648\n',
      'cgroup/system.slice/memory.high': 'max\n',
      'cgroup/system.slice/batch.slice/cpu.max': '20000 100000\n',
      'cgroup/system.slice/batch.slice/cpu.stat': `usage_usec ${usage}\nnr_periods ${10 + throttled}\nnr_throttled ${throttled}\nthrottled_usec ${throttled * 80_000}\n`,
      'cgroup/system.slice/batch.slice/memory.max': 'max\n',
      'cgroup/system.slice/batch.slice/memory.high': '1073741824\n',
      'cgroup/system.slice/batch.slice/job.service/cgroup.controllers': 'cpu memory\n',
      'cgroup/system.slice/batch.slice/job.service/cpu.max': '50000 100000\n',
      'cgroup/system.slice/batch.slice/job.service/cpu.stat': `usage_usec ${usage}\nnr_periods 3\nnr_throttled 0\nthrottled_usec 0\n`,
      'cgroup/system.slice/batch.slice/job.service/cpu.weight': '100\n',
      'cgroup/system.slice/batch.slice/job.service/memory.max': 'max\n',
      'cgroup/system.slice/batch.slice/job.service/memory.high': 'max\n',
      'cgroup/system.slice/batch.slice/job.service/memory.current': '536870912\n',
      'cgroup/system.slice/batch.slice/job.service/memory.events': C.V2_MEMORY_EVENTS,
      'cgroup/system.slice/batch.slice/job.service/memory.stat': C.V2_MEMORY_STAT,
      'cgroup/system.slice/batch.slice/job.service/memory.swap.current': '0\n',
    });
    const path = '0::/system.slice/batch.slice/job.service\n';
    const v = view(snapshot(path, files(20, 3_000_000)), snapshot(path, files(10, 2_800_000)));
    expect(v.cpu).toMatchObject({ quotaCores: 0.2, quotaUs: 20_000, limitPath: '/system.slice/batch.slice', weight: 100, periodsInInterval: 10, nrThrottledInInterval: 10, throttledPeriodsPercent: 100, throttledMsPerSec: 800, nrThrottledTotal: 20 });
    expect(v.cpu.usageCores).toBeCloseTo(0.2, 5);
    expect(v.memory).toMatchObject({ limitBytes: 2 * 2 ** 30, limitPath: '/system.slice', highBytes: 1 << 30, highPath: '/system.slice/batch.slice', usagePercentOfLimit: 25, unreadable: [] });
    const text = cgroupLines({ cgroup: v } as unknown as Diagnosis, PLAIN).join('\n');
    expect(text).toContain('quota 0.20 cores (20000 µs per 100000 µs set on /system.slice/batch.slice) · used 0.20 cores · throttled in 100.0 % of periods (10 of 10) · 800 ms/s throttled');
    expect(text).toContain('limit 2.0 GiB on /system.slice · high 1.0 GiB on /system.slice/batch.slice · usage 512 MiB (25.0 %)');
  });

  it('v1: hierarchical_memory_limit below the own limit walks up to the ancestor that sets it', () => {
    const v = view(
      snapshot('4:memory:/kubepods/pod1/ctr\n', {
        'cgroup-v1/memory/kubepods/pod1/ctr/memory.limit_in_bytes': C.V1_UNLIMITED,
        'cgroup-v1/memory/kubepods/pod1/ctr/memory.usage_in_bytes': '33550336\n',
        'cgroup-v1/memory/kubepods/pod1/ctr/memory.max_usage_in_bytes': '33554432\n',
        'cgroup-v1/memory/kubepods/pod1/ctr/memory.failcnt': '10965\n',
        'cgroup-v1/memory/kubepods/pod1/ctr/memory.stat': C.V1_MEMORY_STAT,
        'cgroup-v1/memory/kubepods/pod1/memory.limit_in_bytes': '33554432\n',
      }),
    );
    expect(v.memory).toMatchObject({ limitBytes: 32 << 20, limitPath: '/kubepods/pod1', failcnt: 10_965, unreadable: [] });
  });
});

describe('rates between two samples', () => {
  const v1 = (failcnt: number, majfault: number, refault: number, periods: number, throttledNs: number, usageNs: number): Files => ({
    'cgroup-v1/cpu/job/cpu.cfs_quota_us': '10000\n',
    'cgroup-v1/cpu/job/cpu.cfs_period_us': '100000\n',
    'cgroup-v1/cpu/job/cpu.stat': `nr_periods ${periods}\nnr_throttled ${periods}\nthrottled_time ${throttledNs}\n`,
    'cgroup-v1/cpu/job/cpu.shares': '1024\n',
    'cgroup-v1/cpuacct/job/cpuacct.usage': `${usageNs}\n`,
    'cgroup-v1/memory/job/memory.limit_in_bytes': '33554432\n',
    'cgroup-v1/memory/job/memory.usage_in_bytes': '33550336\n',
    'cgroup-v1/memory/job/memory.max_usage_in_bytes': '33554432\n',
    'cgroup-v1/memory/job/memory.failcnt': `${failcnt}\n`,
    'cgroup-v1/memory/job/memory.stat': C.V1_MEMORY_STAT.replace(/^total_pgmajfault \d+$/m, `total_pgmajfault ${majfault}`).replace(/^total_workingset_refault_file \d+$/m, `total_workingset_refault_file ${refault}`),
  });
  const file = '4:memory:/job\n2:cpuacct:/job\n1:cpu:/job\n';

  it('throttled share and time, usage in cores, failcnt growth, faults and refaults per second', () => {
    const v = view(snapshot(file, v1(11_000, 16_000, 3_500, 28, 2_143_000_000, 1_200_000_000)), snapshot(file, v1(10_000, 15_000, 2_500, 18, 1_343_000_000, 1_100_000_000)));
    expect(v.cpu).toMatchObject({ quotaCores: 0.1, periodsInInterval: 10, nrThrottledInInterval: 10, throttledPeriodsPercent: 100, throttledMsPerSec: 800 });
    expect(v.cpu.usageCores).toBeCloseTo(0.1, 5);
    expect(v.memory).toMatchObject({ failcnt: 11_000, failcntInInterval: 1000, majorFaultsPerSec: 1000, refaultsPerSec: 1000 });
  });

  it('no rates across a counter that went backwards (a new cgroup of the same name) or a process that moved', () => {
    const back = view(snapshot(file, v1(5, 5, 5, 5, 5, 5)), snapshot(file, v1(10_000, 15_000, 2_500, 18, 1_343_000_000, 1_100_000_000)));
    expect(back.memory).toMatchObject({ failcntInInterval: null, majorFaultsPerSec: null });
    expect(back.cpu).toMatchObject({ periodsInInterval: null, usageCores: null });
    const moved = view(snapshot(file, v1(1, 1, 1, 1, 1, 1)), snapshot('4:memory:/elsewhere\n', {}));
    expect(moved.memory.failcntInInterval).toBeNull();
  });

  it('a capture without cgroup reads (older proctriage) has no section', () => {
    expect(cgroupView({ current: {}, rates: null } as unknown as Model)).toBeNull();
    expect(cgroupRatesOf({} as Sample, {} as Sample, 1)).toEqual({});
  });
});

