import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProcFs, type ProcFs, type TextPrefix } from '../../src/procfs/procfs.js';
import { ok, type ReadResult } from '../../src/procfs/errors.js';
import { readListenCounters, readListeningSockets, readSomaxconn } from '../../src/readers/listen.js';
import { cgroupPressureGap, readCgroupLayout } from '../../src/readers/cgroup-layout.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (i: number, local: string, remote: string, st: string, rx: number) =>
  `${String(i).padStart(4)}: ${local} ${remote} ${st} 00000000:${rx.toString(16).toUpperCase().padStart(8, '0')} 00:00000000 00000000     0        0 ${1000 + i} 1 0000000000000000 100 0 0 10 0\n`;

const root = mkdtempSync(join(tmpdir(), 'proctriage-listen-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(root, 't-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('listening sockets from /proc/net/tcp', () => {
  it('takes the LISTEN rows, their rx_queue as the accept queue, and stops at the first other row', () => {
    const listeners = row(0, '0100007F:1F90', '00000000:0000', '0A', 3) + row(1, '00000000:0016', '00000000:0000', '0A', 0);
    const established = Array.from({ length: 2000 }, (_, i) => row(2 + i, '0100007F:1F90', '0100007F:C000', '01', 0)).join('');
    const fs = createProcFs({ root: tree({ 'net/tcp': HEADER + listeners + established }), cgroupRoot: null });
    const heads: number[] = [];
    const spy: ProcFs = { ...fs, readTextPrefix: (path, max): ReadResult<TextPrefix> => (heads.push(max), fs.readTextPrefix!(path, max)) };
    const rows = readListeningSockets(spy, 'tcp');
    expect(rows.ok && rows.value.map((r) => [r.local.address, r.local.port, r.rxQueue])).toEqual([
      ['127.0.0.1', 8080, 3],
      ['0.0.0.0', 22, 0],
    ]);
    // 2,000 connections were never read: the first 32 KiB already held a row past the listeners.
    expect(heads).toEqual([32 * 1024]);
  });

  it('reads on while every row is a listener, and takes a table that ends as it is', () => {
    const many = Array.from({ length: 400 }, (_, i) => row(i, `0100007F:${(2000 + i).toString(16).toUpperCase().padStart(4, '0')}`, '00000000:0000', '0A', i % 5)).join('');
    const fs = createProcFs({ root: tree({ 'net/tcp': HEADER + many }), cgroupRoot: null });
    const rows = readListeningSockets(fs, 'tcp');
    expect(rows.ok && rows.value.length).toBe(400);
  });

  it('parses only whole lines of a cut head (a recorded head replays as the whole file)', () => {
    const text = HEADER + row(0, '0100007F:1F90', '00000000:0000', '0A', 1) + row(1, '0100007F:1F91', '00000000:0000', '0A', 2).slice(0, 40);
    const fs: ProcFs = { mode: 'fixture', root: '/x', cgroupRoot: null, readText: () => ok(text), readLink: () => ok(''), listDir: () => ok([]), readCgroupText: () => ok(''), cgroupV1Roots: {}, readCgroupV1Text: () => ok('') };
    const rows = readListeningSockets(fs, 'tcp');
    expect(rows.ok && rows.value.map((r) => r.local.port)).toEqual([8080]);
  });

  it('reads somaxconn and the TcpExt listen counters', () => {
    const netstat = 'TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 7 9\nIpExt: InOctets\nIpExt: 1\n';
    const fs = createProcFs({ root: tree({ 'sys/net/core/somaxconn': '4096\n', 'net/netstat': netstat }), cgroupRoot: null });
    expect(readSomaxconn(fs)).toEqual(ok(4096));
    expect(readListenCounters(fs)).toEqual(ok({ overflows: 7, drops: 9 }));
    const none = createProcFs({ root: tree({ 'net/netstat': 'IpExt: InOctets\nIpExt: 1\n' }), cgroupRoot: null });
    expect(readListenCounters(none).ok).toBe(false);
  });
});

describe('the cgroup layout, for per-cgroup PSI', () => {
  const mountinfo = (lines: string[]) => `${lines.join('\n')}\n`;
  it('an empty cgroup v2 hierarchy beside cgroup v1 controllers (this machine), a v1-only one, and a v2 with cgroups', () => {
    const v1 = ['30 25 0:26 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu', '31 25 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory', '32 25 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd'];
    const empty = tree({ 'self/mountinfo': mountinfo(v1), 'cg/cgroup.procs': '' });
    const hybrid = readCgroupLayout(createProcFs({ root: empty, cgroupRoot: join(empty, 'cg') }));
    expect(hybrid).toEqual({ v2Root: join(empty, 'cg'), v2Children: 0, v1Controllers: ['cpu', 'memory'] });
    expect(cgroupPressureGap(hybrid)).toBe('cgroup-v2-empty');
    const v1only = readCgroupLayout(createProcFs({ root: empty, cgroupRoot: null }));
    expect(cgroupPressureGap(v1only)).toBe('cgroup-v1-only');
    const v2 = tree({ 'self/mountinfo': mountinfo(['40 25 0:30 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw']), 'cg/system.slice/cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n' });
    expect(cgroupPressureGap(readCgroupLayout(createProcFs({ root: v2, cgroupRoot: join(v2, 'cg') })))).toBeNull();
    expect(cgroupPressureGap(readCgroupLayout(createProcFs({ root: tree({ 'self/mountinfo': '' }), cgroupRoot: null })))).toBe('no-cgroup');
  });
});
