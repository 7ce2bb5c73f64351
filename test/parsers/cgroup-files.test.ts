import { describe, expect, it } from 'vitest';
import { ParseError } from '../../src/procfs/errors.js';
import { cgroupV1Path, parseCgroup, parseCgroupControllers } from '../../src/parsers/cgroup.js';
import { parseCfsQuota, parseCpuMax, parseCpuStat } from '../../src/parsers/cgroup-cpu.js';
import { cgroupMemoryStatFacts, parseCgroupCounter, parseFlatKeyed, parseV1MemoryLimit } from '../../src/parsers/cgroup-memory.js';
import { parseBlkioServiceBytes, parseBlkioThrottle, parseIoMax, parseIoStat } from '../../src/parsers/cgroup-io.js';
import { parsePartitions } from '../../src/parsers/partitions.js';
import { CGROUP_HYBRID } from './support/samples.js';
import * as C from './support/cgroup-samples.js';

describe('/proc/PID/cgroup: the v1 path of a controller', () => {
  it('finds a controller in its own and in a co-mounted hierarchy, never in a named one or the v2 line', () => {
    const entries = parseCgroup(CGROUP_HYBRID);
    expect(cgroupV1Path(entries, 'memory')).toBe('/process_api/2513a494dd0b727bf33ade81d0c9b4bd');
    expect(cgroupV1Path(entries, 'cpu')).toBe('/');
    const comounted = parseCgroup('4:cpu,cpuacct:/kubepods/pod1/ctr\n1:name=systemd:/x\n0::/y\n');
    expect(cgroupV1Path(comounted, 'cpuacct')).toBe('/kubepods/pod1/ctr');
    expect(cgroupV1Path(comounted, 'systemd')).toBeNull();
    expect(cgroupV1Path(parseCgroup('0::/user.slice\n'), 'memory')).toBeNull();
  });
});

describe('cgroup.controllers (v2)', () => {
  it('reads the names, an empty line as none, and refuses what is not a name', () => {
    expect(parseCgroupControllers('cpuset cpu io memory hugetlb pids rdma misc\n')).toEqual(['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc']);
    expect(parseCgroupControllers('\n')).toEqual([]);
    expect(() => parseCgroupControllers('cpu memory\nio\n')).toThrow(ParseError);
    expect(() => parseCgroupControllers('cpu ../x\n')).toThrow(ParseError);
  });
});

describe('CPU files', () => {
  it('v1 cpu.cfs_quota_us: -1 is no limit, else µs', () => {
    expect(parseCfsQuota('-1\n')).toBeNull();
    expect(parseCfsQuota('10000\n')).toBe(10_000);
    expect(() => parseCfsQuota('-5\n')).toThrow(ParseError);
    expect(() => parseCfsQuota('max\n')).toThrow(ParseError);
  });

  it('v2 cpu.max: "max PERIOD" or "QUOTA PERIOD"', () => {
    expect(parseCpuMax('max 100000\n')).toEqual({ quotaUs: null, periodUs: 100_000 });
    expect(parseCpuMax('10000 100000\n')).toEqual({ quotaUs: 10_000, periodUs: 100_000 });
    for (const bad of ['max\n', '10000\n', 'max max\n', '1 2 3\n', '']) expect(() => parseCpuMax(bad), bad).toThrow(ParseError);
  });

  it('cpu.stat: v1 throttled_time in ns becomes µs; v2 has usage and throttled_usec; without the controller only usage', () => {
    expect(parseCpuStat(C.V1_CPU_STAT)).toEqual({ usageUs: null, nrPeriods: 18, nrThrottled: 17, throttledUs: 1_343_313.504 });
    expect(parseCpuStat(C.V2_CPU_STAT)).toEqual({ usageUs: 1_343_313, nrPeriods: 18, nrThrottled: 17, throttledUs: 1_343_313 });
    expect(parseCpuStat(C.V2_CPU_STAT_NO_CONTROLLER)).toEqual({ usageUs: 1_488_765_782, nrPeriods: null, nrThrottled: null, throttledUs: null });
    expect(() => parseCpuStat('nr_periods ten\n')).toThrow(ParseError);
  });

  it('single counters (cpuacct.usage, cpu.weight, memory.failcnt, …)', () => {
    expect(parseCgroupCounter('81617726\n')).toBe(81_617_726);
    expect(parseCgroupCounter('100')).toBe(100);
    for (const bad of ['-1\n', 'max\n', '1 2\n', '']) expect(() => parseCgroupCounter(bad), bad).toThrow(ParseError);
  });
});

describe('memory files', () => {
  it('v1 memory.limit_in_bytes: PAGE_COUNTER_MAX pages (4 KiB or 64 KiB) is no limit', () => {
    expect(parseV1MemoryLimit(C.V1_UNLIMITED)).toBeNull();
    expect(parseV1MemoryLimit('9223372036854710272\n')).toBeNull();
    expect(parseV1MemoryLimit('33554432\n')).toBe(32 << 20);
    expect(() => parseV1MemoryLimit('-1\n')).toThrow(ParseError);
  });

  it('memory.stat facts from v1: the total_* (subtree) counters and hierarchical_memory_limit', () => {
    expect(cgroupMemoryStatFacts(parseFlatKeyed(C.V1_MEMORY_STAT))).toEqual({
      majorFaults: 14_800,
      refaults: 2515,
      anonBytes: 16_785_408,
      fileBytes: 16_506_880,
      hierarchicalLimitBytes: 32 << 20,
    });
  });

  it('memory.stat facts from an older v1 kernel: no refault counter, not zero', () => {
    expect(cgroupMemoryStatFacts(parseFlatKeyed(C.V1_MEMORY_STAT_OLD))).toMatchObject({ majorFaults: 14_800, refaults: null, hierarchicalLimitBytes: 32 << 20 });
  });

  it('memory.stat facts from v2: anon + file refaults (5.9+), or the one workingset_refault before', () => {
    expect(cgroupMemoryStatFacts(parseFlatKeyed(C.V2_MEMORY_STAT))).toEqual({ majorFaults: 14_800, refaults: 2518, anonBytes: 16_785_408, fileBytes: 16_506_880, hierarchicalLimitBytes: null });
    expect(cgroupMemoryStatFacts(parseFlatKeyed(C.V2_MEMORY_STAT_5_4))).toMatchObject({ refaults: 2515, majorFaults: 14_800 });
    expect(cgroupMemoryStatFacts({})).toEqual({ majorFaults: null, refaults: null, anonBytes: null, fileBytes: null, hierarchicalLimitBytes: null });
  });

  it('v1 memory.stat with an unlimited hierarchy has no hierarchical limit', () => {
    expect(cgroupMemoryStatFacts(parseFlatKeyed(C.V1_MEMORY_STAT.replace('hierarchical_memory_limit 33554432', `hierarchical_memory_limit ${C.V1_UNLIMITED.trim()}`))).hierarchicalLimitBytes).toBeNull();
  });

  it('a key named like an Object property is only a key', () => {
    expect(cgroupMemoryStatFacts(parseFlatKeyed('constructor 1\nhasOwnProperty 2\n'))).toEqual({ majorFaults: null, refaults: null, anonBytes: null, fileBytes: null, hierarchicalLimitBytes: null });
  });
});

describe('io files', () => {
  it('v1 blkio.throttle.*_device: MAJ:MIN value per limited device; empty is none', () => {
    expect(parseBlkioThrottle(C.V1_BLKIO_READ_BPS)).toEqual([{ device: '254:0', value: 1_048_576 }]);
    expect(parseBlkioThrottle(C.V1_BLKIO_WRITE_IOPS)).toEqual([{ device: '254:0', value: 120 }]);
    expect(parseBlkioThrottle('')).toEqual([]);
    for (const bad of ['vda 1048576\n', '254:0\n', '254:0 max\n', '254:0 1 2\n']) expect(() => parseBlkioThrottle(bad), bad).toThrow(ParseError);
  });

  it('v1 blkio.throttle.io_service_bytes: Read and Write per device, the Total lines skipped', () => {
    expect(parseBlkioServiceBytes(C.V1_BLKIO_SERVICE_BYTES)).toEqual([{ device: '254:0', readBytes: 524_288, writeBytes: 16_384 }]);
    expect(parseBlkioServiceBytes('Total 0\n')).toEqual([]);
    expect(() => parseBlkioServiceBytes('254:0 Read\n')).toThrow(ParseError);
  });

  it('v2 io.max: max is no limit; v2 io.stat: bytes per device, policy extras ignored', () => {
    expect(parseIoMax(C.V2_IO_MAX)).toEqual([
      { device: '8:16', readBps: 2_097_152, writeBps: null, readIops: null, writeIops: 120 },
      { device: '254:0', readBps: null, writeBps: 1_048_576, readIops: null, writeIops: null },
    ]);
    expect(parseIoMax('')).toEqual([]);
    expect(() => parseIoMax('8:16 rbps=lots\n')).toThrow(ParseError);
    expect(parseIoStat(C.V2_IO_STAT)).toEqual([
      { device: '8:16', readBytes: 1_459_200, writeBytes: 314_773_504 },
      { device: '254:0', readBytes: 90_430_464, writeBytes: 299_008_000 },
    ]);
    expect(parseIoStat('8:0 \n')).toEqual([{ device: '8:0', readBytes: 0, writeBytes: 0 }]);
    expect(() => parseIoStat('8:16 rbytes\n')).toThrow(ParseError);
  });

  it('/proc/partitions names the devices', () => {
    expect([...parsePartitions(C.PARTITIONS)]).toEqual([['254:0', 'vda'], ['8:16', 'sdb'], ['8:17', 'sdb1']]);
    expect(() => parsePartitions('major minor  #blocks  name\n\n 8 x 1 sda\n')).toThrow(ParseError);
  });
});
