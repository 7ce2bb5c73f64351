/**
 * Every parser against hostile text: arbitrary code points, arbitrary bytes decoded as
 * UTF-8, /proc-like character soup, and real samples with random edits. A parser may
 * refuse with ParseError and nothing else, and what it accepts holds no NaN.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../src/parsers/cgroup.js';
import { parseCgroupCounter, parseFlatKeyed, parseMemoryLimit, parseV1MemoryLimit } from '../../src/parsers/cgroup-memory.js';
import { parseCgroupControllers } from '../../src/parsers/cgroup.js';
import { parseCfsQuota, parseCpuMax, parseCpuStat } from '../../src/parsers/cgroup-cpu.js';
import { parseBlkioServiceBytes, parseBlkioThrottle, parseIoMax, parseIoStat } from '../../src/parsers/cgroup-io.js';
import { parsePartitions } from '../../src/parsers/partitions.js';
import * as C from './support/cgroup-samples.js';
import { parseChildren } from '../../src/parsers/children.js';
import { parseCpuInfo } from '../../src/parsers/cpuinfo.js';
import { parseFdTarget } from '../../src/parsers/fd.js';
import { parseFdInfo } from '../../src/parsers/fdinfo.js';
import { parseIo } from '../../src/parsers/io.js';
import { parseDecimal, parseKeyValueLines } from '../../src/parsers/keyvalue.js';
import { parseLimits } from '../../src/parsers/limits.js';
import { parseMemTotalBytes } from '../../src/parsers/meminfo.js';
import { parseInetSockets, parseUnixSockets } from '../../src/parsers/net.js';
import { parseOsRelease } from '../../src/parsers/os-release.js';
import { parsePressure } from '../../src/parsers/pressure.js';
import { parseSchedStat } from '../../src/parsers/schedstat.js';
import { parseSmapsRollup } from '../../src/parsers/smaps-rollup.js';
import { parseSnmp } from '../../src/parsers/snmp.js';
import { parseStack } from '../../src/parsers/stack.js';
import { parseStat, parseStatHead } from '../../src/parsers/stat.js';
import { parseStatus } from '../../src/parsers/status.js';
import { parseSyscall } from '../../src/parsers/syscall.js';
import { parseWchan } from '../../src/parsers/wchan.js';
import { anyBytesAsText, anyText, findNaN, mutatedFrom, parseOrRefuse, procishText, RUNS } from './support/fuzz.js';
import * as S from './support/samples.js';

const PARSERS: { name: string; parse: (text: string) => unknown; samples: string[] }[] = [
  { name: 'stat', parse: parseStat, samples: [S.STAT_CAT, S.STAT_INIT, S.STAT_TRICKY_COMM, S.STAT_KWORKER] },
  { name: 'status', parse: parseStatus, samples: [S.STATUS_CAT, S.STATUS_KTHREAD] },
  { name: 'io', parse: parseIo, samples: [S.IO_CAT] },
  { name: 'syscall', parse: parseSyscall, samples: [S.SYSCALL_PSELECT, S.SYSCALL_ZOMBIE, 'running\n'] },
  { name: 'wchan', parse: parseWchan, samples: [S.WCHAN_POLL, '0', 'do_wait'] },
  { name: 'stack', parse: parseStack, samples: [S.STACK_PSELECT, S.STACK_KWORKER, '[<ffffffff810a1b2c>] ext4_file_write_iter+0x4a/0x60 [ext4]\n'] },
  {
    name: 'fdinfo',
    parse: parseFdInfo,
    samples: [S.FDINFO_EPOLL, S.FDINFO_EVENTFD, S.FDINFO_TIMERFD, S.FDINFO_INOTIFY, S.FDINFO_SIGNALFD, S.FDINFO_PIPE],
  },
  { name: 'fd target', parse: parseFdTarget, samples: ['socket:[28902]', 'pipe:[28932]', 'anon_inode:[eventpoll]', 'anon_inode:inotify', '/dev/pts/0', '/tmp/x (deleted)'] },
  { name: 'limits', parse: parseLimits, samples: [S.LIMITS_CAT] },
  { name: 'cgroup', parse: parseCgroup, samples: [S.CGROUP_HYBRID, '0::/user.slice/user-1000.slice/session-2.scope\n'] },
  { name: 'pressure', parse: parsePressure, samples: [S.PRESSURE_CPU, S.PRESSURE_IO] },
  { name: 'schedstat', parse: parseSchedStat, samples: [S.SCHEDSTAT] },
  { name: 'children', parse: parseChildren, samples: [S.CHILDREN, '12 13 14 '] },
  { name: 'smaps_rollup', parse: parseSmapsRollup, samples: [S.SMAPS_ROLLUP_618, S.SMAPS_ROLLUP_414] },
  { name: 'net tcp', parse: (t) => parseInetSockets(t, 'tcp'), samples: [S.NET_TCP, S.NET_TCP6] },
  { name: 'net udp', parse: (t) => parseInetSockets(t, 'udp'), samples: [S.NET_UDP, S.NET_UDP6] },
  { name: 'net unix', parse: parseUnixSockets, samples: [S.NET_UNIX] },
  { name: 'key: value lines', parse: (t) => Object.fromEntries(parseKeyValueLines(t)), samples: [S.IO_CAT, S.STATUS_CAT] },
  { name: 'decimal', parse: (t) => parseDecimal(t, 'value'), samples: ['0', '-1', '18446744073709551615'] },
  { name: 'stat head', parse: parseStatHead, samples: [S.STAT_CAT, S.STAT_INIT, S.STAT_TRICKY_COMM, S.STAT_KWORKER] },
  { name: 'cgroup memory limit', parse: parseMemoryLimit, samples: ['max\n', '536870912\n'] },
  { name: 'cgroup flat-keyed', parse: parseFlatKeyed, samples: ['low 0\nhigh 12\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n', 'anon 1234\nfile 5678\n'] },
  { name: 'cgroup.controllers', parse: parseCgroupControllers, samples: ['cpuset cpu io memory pids\n', '\n'] },
  { name: 'cgroup counter', parse: parseCgroupCounter, samples: ['81617726\n', '100\n'] },
  { name: 'cgroup v1 memory limit', parse: parseV1MemoryLimit, samples: [C.V1_UNLIMITED, '33554432\n'] },
  { name: 'cpu.cfs_quota_us', parse: parseCfsQuota, samples: ['-1\n', '10000\n'] },
  { name: 'cpu.max', parse: parseCpuMax, samples: ['max 100000\n', '10000 100000\n'] },
  { name: 'cpu.stat', parse: parseCpuStat, samples: [C.V1_CPU_STAT, C.V2_CPU_STAT, C.V2_CPU_STAT_NO_CONTROLLER] },
  { name: 'blkio throttle', parse: parseBlkioThrottle, samples: [C.V1_BLKIO_READ_BPS, C.V1_BLKIO_WRITE_IOPS, ''] },
  { name: 'blkio io_service_bytes', parse: parseBlkioServiceBytes, samples: [C.V1_BLKIO_SERVICE_BYTES, 'Total 0\n'] },
  { name: 'io.max', parse: parseIoMax, samples: [C.V2_IO_MAX] },
  { name: 'io.stat', parse: parseIoStat, samples: [C.V2_IO_STAT] },
  { name: 'partitions', parse: parsePartitions, samples: [C.PARTITIONS] },
  {
    name: 'net snmp',
    parse: parseSnmp,
    samples: [
      'Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens RetransSegs\nTcp: 1 200 120000 -1 42 7\nUdp: InDatagrams RcvbufErrors\nUdp: 100 0\n',
      'TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 3 3\n',
    ],
  },
  { name: 'cpuinfo', parse: parseCpuInfo, samples: [S.CPUINFO_X86, S.CPUINFO_AARCH64] },
  { name: 'meminfo', parse: parseMemTotalBytes, samples: [S.MEMINFO] },
  { name: 'os-release', parse: parseOsRelease, samples: [S.OS_RELEASE_DEBIAN, "# comment\nNAME='Alpine Linux'\nVERSION_ID=3.20.0\n"] },
];


describe.each(PARSERS)('$name parser on hostile input', ({ parse, samples }) => {
  const refusesOrParsesClean = (text: string) => {
    const value = parseOrRefuse(parse, text);
    expect(findNaN(value)).toBeNull();
  };

  it('accepts each real sample', () => {
    for (const sample of samples) expect(() => parse(sample)).not.toThrow();
  });

  it('throws only ParseError on arbitrary code points', () => {
    fc.assert(fc.property(anyText, refusesOrParsesClean), { numRuns: RUNS });
  });

  it('throws only ParseError on arbitrary bytes read as UTF-8', () => {
    fc.assert(fc.property(anyBytesAsText, refusesOrParsesClean), { numRuns: RUNS });
  });

  it('throws only ParseError on /proc-like character soup', () => {
    fc.assert(fc.property(procishText, refusesOrParsesClean), { numRuns: RUNS });
  });

  it('throws only ParseError on real samples with random edits', () => {
    fc.assert(fc.property(mutatedFrom(samples), refusesOrParsesClean), { numRuns: RUNS * 2 });
  });

  it('copes with a 4 MiB line (the largest file ProcFs hands over)', () => {
    const long = `${samples[0]!.slice(0, 40)}${'a+0x1/'.repeat((4 * 1024 * 1024) / 6)}`;
    refusesOrParsesClean(long);
  });
});
