import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingProcFs, recordedSampleSteps } from '../../src/capture/recording-procfs.js';
import { runSteps } from '../../src/capture/steps.js';
import { cgroupMountsFrom, cgroupV1MountsByController, placeUnderV1Mount, visibleCgroupMounts, type CgroupMount, type CgroupV1Controller } from '../../src/procfs/cgroup-mounts.js';
import { createFixtureProcFs, createProcFs, type RecordedError } from '../../src/procfs/procfs.js';
import { expectError, expectValue, layout, tempDir } from './support.js';

/** Mount table of this machine (v1 controllers, each on its own hierarchy, and an empty v2) plus a co-mount and a container's subtree mount. */
const MOUNTINFO = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
  '50 31 0:40 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:7 - cgroup cgroup rw,cpu,cpuacct',
  '51 31 0:41 /docker/abc /c/blk\\040io rw - cgroup cgroup rw,blkio',
  '',
].join('\n');

describe('cgroup mounts from mountinfo', () => {
  const mounts = cgroupMountsFrom(MOUNTINFO);

  it('keeps cgroup and cgroup2 mounts with their root and super options, unescaped', () => {
    expect(mounts.map((m) => [m.fstype, m.mountPoint, m.root])).toEqual([
      ['cgroup', '/sys/fs/cgroup/cpu', '/'],
      ['cgroup', '/sys/fs/cgroup/memory', '/'],
      ['cgroup', '/sys/fs/cgroup/systemd', '/'],
      ['cgroup2', '/sys/fs/cgroup/unified', '/'],
      ['cgroup', '/sys/fs/cgroup/cpu,cpuacct', '/'],
      ['cgroup', '/c/blk io', '/docker/abc'],
    ]);
  });

  it('maps each v1 controller to its mounts: cpu twice (alone, co-mounted), cpuacct from the co-mount, none for a named hierarchy', () => {
    const by = cgroupV1MountsByController(mounts);
    expect(by.cpu?.map((m) => m.mountPoint)).toEqual(['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']);
    expect(by.cpuacct?.map((m) => m.mountPoint)).toEqual(['/sys/fs/cgroup/cpu,cpuacct']);
    expect(Object.keys(by).sort()).toEqual(['blkio', 'cpu', 'cpuacct', 'memory']);
  });

  it('places a cgroup under the mount whose root holds it, and nowhere when none does', () => {
    const blkio = cgroupV1MountsByController(mounts).blkio!;
    expect(placeUnderV1Mount(blkio, 'docker/abc/blkio.throttle.read_bps_device')).toEqual({ mountPoint: '/c/blk io', relative: 'blkio.throttle.read_bps_device' });
    expect(placeUnderV1Mount(blkio, 'docker/abcd/x')).toBeNull();
    expect(placeUnderV1Mount(blkio, 'other/x')).toBeNull();
    const nested: CgroupMount[] = [
      { fstype: 'cgroup', mountPoint: '/all', root: '/', options: ['memory'] },
      { fstype: 'cgroup', mountPoint: '/pod', root: '/kubepods/pod1', options: ['memory'] },
    ];
    expect(placeUnderV1Mount(nested, 'kubepods/pod1/ctr/memory.stat')).toEqual({ mountPoint: '/pod', relative: 'ctr/memory.stat' });
    expect(placeUnderV1Mount(nested, 'system.slice/memory.stat')).toEqual({ mountPoint: '/all', relative: 'system.slice/memory.stat' });
  });

  it('a proc root that is not a procfs has no mounts, even with a mountinfo in it', () => {
    expect(visibleCgroupMounts(layout(tempDir(), { 'self/mountinfo': MOUNTINFO }))).toEqual([]);
    expect(visibleCgroupMounts(tempDir())).toEqual([]);
    const live = createProcFs({ root: layout(tempDir(), { 'self/mountinfo': MOUNTINFO }) });
    expect(live.cgroupRoot).toBeNull();
    expect(live.cgroupV1Roots).toEqual({});
    expectError(live.readCgroupV1Text('memory', 'memory.stat'), { kind: 'unsupported', path: 'cgroup-v1:memory/memory.stat', message: /no cgroup v1 hierarchy with the memory controller is mounted/ });
  });

  it('the live /proc sees the same mounts as this process', () => {
    const expected = cgroupMountsFrom(readFileSync('/proc/self/mountinfo', 'utf8'));
    expect(visibleCgroupMounts('/proc')).toEqual(expected);
    expect(createProcFs().cgroupRoot).toBe(expected.find((m) => m.fstype === 'cgroup2')?.mountPoint ?? null);
  });
});

describe('createProcFs reads cgroup v1 files through the mounts it was given', () => {
  const setup = () => {
    const base = layout(tempDir(), {
      'cpu/job/cpu.cfs_quota_us': '10000\n',
      'pod/ctr/memory.limit_in_bytes': '33554432\n',
      'secret': 's',
    });
    const mounts: CgroupMount[] = [
      { fstype: 'cgroup', mountPoint: join(base, 'cpu'), root: '/', options: ['rw', 'cpu', 'cpuacct'] },
      { fstype: 'cgroup', mountPoint: join(base, 'pod'), root: '/kubepods/pod1', options: ['rw', 'memory'] },
    ];
    return { base, fs: createProcFs({ root: base, cgroupRoot: null, cgroupMounts: mounts }) };
  };

  it('reads a co-mounted controller by either name, and a subtree mount below its root', () => {
    const { base, fs } = setup();
    expect(fs.cgroupV1Roots).toEqual({ cpu: join(base, 'cpu'), cpuacct: join(base, 'cpu'), memory: join(base, 'pod') });
    expect(expectValue(fs.readCgroupV1Text('cpu', 'job/cpu.cfs_quota_us'))).toBe('10000\n');
    expect(expectValue(fs.readCgroupV1Text('cpuacct', 'job/cpu.cfs_quota_us'))).toBe('10000\n');
    expect(expectValue(fs.readCgroupV1Text('memory', 'kubepods/pod1/ctr/memory.limit_in_bytes'))).toBe('33554432\n');
  });

  it('says why it cannot: not mounted, outside the mounted subtree, leaving the root, missing', () => {
    const { fs } = setup();
    expectError(fs.readCgroupV1Text('blkio', 'blkio.throttle.read_bps_device'), { kind: 'unsupported', message: /blkio controller is mounted/ });
    expectError(fs.readCgroupV1Text('memory', 'system.slice/memory.stat'), { kind: 'unsupported', message: /outside the part of the memory hierarchy mounted here/ });
    expectError(fs.readCgroupV1Text('cpu', '../secret'), { kind: 'io', path: 'cgroup-v1:cpu/../secret', message: /leaves the root/ });
    expectError(fs.readCgroupV1Text('cpu', 'gone/cpu.stat'), { kind: 'unsupported', path: 'cgroup-v1:cpu/gone/cpu.stat' });
  });
});

describe('captures hold the cgroup v1 files and replay reads them back', () => {
  it('records cgroup-v1/<controller>/<path>, a mounted controller even when all its reads failed, and replays both', () => {
    const base = layout(tempDir(), { 'cpu/job/cpu.cfs_quota_us': '10000\n', 'mem/': '' });
    const live = createProcFs({
      root: base,
      cgroupRoot: null,
      cgroupMounts: [
        { fstype: 'cgroup', mountPoint: join(base, 'cpu'), root: '/', options: ['cpu'] },
        { fstype: 'cgroup', mountPoint: join(base, 'mem'), root: '/', options: ['memory'] },
      ],
    });
    const recorder = new RecordingProcFs(live);
    expect(recorder.cgroupV1Roots).toEqual(live.cgroupV1Roots);
    expectValue(recorder.readCgroupV1Text('cpu', 'job/cpu.cfs_quota_us'));
    expectError(recorder.readCgroupV1Text('memory', 'job/memory.stat'), { kind: 'unsupported' });
    expectError(recorder.readCgroupV1Text('blkio', 'job/blkio.throttle.read_bps_device'), { kind: 'unsupported' });
    const sampleDir = join(tempDir(), '0000');
    runSteps(recordedSampleSteps(sampleDir, recorder.finish(0, 0)));
    expect(readFileSync(join(sampleDir, 'cgroup-v1', 'cpu', 'job', 'cpu.cfs_quota_us'), 'utf8')).toBe('10000\n');
    const errors = JSON.parse(readFileSync(join(sampleDir, 'errors.json'), 'utf8')) as Record<string, RecordedError>;
    expect(Object.keys(errors).sort()).toEqual(['cgroup-v1/blkio/job/blkio.throttle.read_bps_device', 'cgroup-v1/memory/job/memory.stat']);

    const replay = createFixtureProcFs({ sampleDir, recordedErrors: errors });
    expect(Object.keys(replay.cgroupV1Roots).sort()).toEqual(['cpu', 'memory']);
    expect(expectValue(replay.readCgroupV1Text('cpu', 'job/cpu.cfs_quota_us'))).toBe('10000\n');
    expectError(replay.readCgroupV1Text('memory', 'job/memory.stat'), { kind: 'unsupported', path: 'cgroup-v1:memory/job/memory.stat' });
    expectError(replay.readCgroupV1Text('cpu', 'job/cpu.stat'), { kind: 'io', message: /missing from the capture/ });
    expectError(replay.readCgroupV1Text('cpuacct', 'job/cpuacct.usage'), { kind: 'unsupported', message: /holds no cgroup v1 cpuacct files/ });
  });

  it('never leaves the capture: links out, dot-dot, and a controller name that is a path', () => {
    const sampleDir = layout(tempDir(), {
      'proc/': '',
      'cgroup-v1/memory/escape': { link: '/sys/fs/cgroup/memory' },
      'cgroup-v1/memory/job/memory.stat': { link: '../../../../etc/passwd' },
      'cgroup-v1/cpu/ok/cpu.stat': 'nr_periods 1\n',
    });
    const fs = createFixtureProcFs({ sampleDir });
    expectError(fs.readCgroupV1Text('memory', 'escape/memory.limit_in_bytes'), { kind: 'io', message: /links outside itself/ });
    expectError(fs.readCgroupV1Text('memory', 'job/memory.stat'), { errno: 'ELOOP' });
    expectError(fs.readCgroupV1Text('cpu', '../memory/job/memory.stat'), { kind: 'io', message: /leaves the root/ });
    const hostile = '../cpu' as string as CgroupV1Controller;
    expectError(fs.readCgroupV1Text(hostile, 'ok/cpu.stat'), { kind: 'unsupported' });
    expect(expectValue(fs.readCgroupV1Text('cpu', 'ok/cpu.stat'))).toBe('nr_periods 1\n');
  });

  it('a cgroup-v1 directory that is itself a link out of the capture is never read through', () => {
    const outside = layout(tempDir(), { 'memory/a/memory.stat': 'cache 1\n' });
    const fs = createFixtureProcFs({ sampleDir: layout(tempDir(), { 'proc/': '', 'cgroup-v1': { link: outside } }) });
    expectError(fs.readCgroupV1Text('memory', 'a/memory.stat'), { kind: 'io', message: /links outside itself/ });
  });
});
