import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStat } from '../../src/parsers/stat.js';
import { ownPids } from '../../src/procfs/names.js';
import { createProcFs, DEFAULT_MAX_BYTES, findCgroup2Mount, readFdBounded } from '../../src/procfs/procfs.js';
import { expectError, expectValue, layout, tempDir } from './support.js';

describe('createProcFs on this machine\'s /proc', () => {
  const proc = createProcFs();

  it('reads our own stat, lists our threads, reads an fd link', () => {
    expect(parseStat(expectValue(proc.readText('self/stat'))).pid).toBe(process.pid);
    expect(expectValue(proc.listDir('self/task'))).toContain(String(process.pid));
    const dir = tempDir();
    const fd = openSync(layout(dir, { f: 'x' }) + '/f', 'r');
    try {
      expect(expectValue(proc.readLink(`self/fd/${fd}`))).toBe(join(dir, 'f'));
      // The fd link itself is never followed: O_NOFOLLOW on the last component.
      expectError(proc.readText(`self/fd/${fd}`), { errno: 'ELOOP' });
    } finally {
      closeSync(fd);
    }
  });

  it('refuses a file larger than maxBytes instead of returning it', () => {
    expectError(proc.readText('self/status', 64), { kind: 'io', errno: 'EFBIG', path: 'self/status', message: /larger than 64 bytes/ });
    expect(expectValue(proc.readText('self/status')).length).toBeGreaterThan(64);
  });

  it('says a pid that does not exist has vanished', () => {
    expectError(proc.readText('999999999/stat'), { kind: 'vanished', errno: 'ENOENT' });
    expectError(proc.listDir('999999999/task'), { kind: 'vanished' });
  });

  it.each(['../etc/passwd', 'self/../../etc/passwd', '/etc/passwd', 'self/root/../../etc/passwd'])('refuses %s in every method', (path) => {
    expectError(proc.readText(path), { kind: 'io', message: /leaves the root/ });
    expectError(proc.readLink(path), { kind: 'io', message: /leaves the root/ });
    expectError(proc.listDir(path), { kind: 'io', message: /leaves the root/ });
    expectError(proc.readCgroupText(path), { message: /leaves the root|no cgroup v2/ });
  });
});

describe('createProcFs bounded reads (rooted at a temp directory)', () => {
  it('reads a file of exactly maxBytes and refuses one byte more', () => {
    const root = layout(tempDir(), { a: 'x'.repeat(100), b: 'x'.repeat(101) });
    const proc = createProcFs({ root, cgroupRoot: null });
    expect(expectValue(proc.readText('a', 100))).toHaveLength(100);
    expectError(proc.readText('b', 100), { errno: 'EFBIG' });
  });

  it('refuses a file past the default limit (4 MiB)', () => {
    const root = tempDir();
    writeFileSync(join(root, 'huge'), Buffer.alloc(DEFAULT_MAX_BYTES + 1, 0x41));
    expectError(createProcFs({ root, cgroupRoot: null }).readText('huge'), { errno: 'EFBIG' });
  });

  it('refuses a device (/dev/zero) before reading it; the bounded reader stops an endless file after maxBytes + 1 bytes', () => {
    const dev = createProcFs({ root: '/dev', cgroupRoot: null });
    expectError(dev.readText('zero', 10), { errno: 'EINVAL', message: /^not a regular file \(a character device\)/ });
    const fd = openSync('/dev/zero', 'r');
    try {
      expect(() => readFdBounded(fd, 10, false, false)).toThrow(/larger than 10 bytes/);
      expect(() => readFdBounded(fd, DEFAULT_MAX_BYTES, false, false)).toThrow(new RegExp(`larger than ${DEFAULT_MAX_BYTES} bytes`));
    } finally {
      closeSync(fd);
    }
  });

  it('opens a FIFO without waiting for a writer and refuses it', () => {
    const root = layout(tempDir(), { '1/': '' });
    execFileSync('mkfifo', [join(root, '1', 'stat')]);
    expectError(createProcFs({ root, cgroupRoot: null }).readText('1/stat'), { errno: 'EINVAL', message: /^not a regular file \(a FIFO\)/ });
    // The first read of a file kept open across samples checks it too.
    expectError(createProcFs({ root, cgroupRoot: null, keepOpen: 8 }).readText('1/stat'), { errno: 'EINVAL', message: /a FIFO/ });
  });

  it('returns a file whole if and only if it fits, across buffer growth and reuse', () => {
    const root = tempDir();
    const proc = createProcFs({ root, cgroupRoot: null });
    fc.assert(
      fc.property(fc.nat({ max: 300_000 }), fc.nat({ max: 300_000 }), fc.nat({ max: 255 }), (size, maxBytes, fill) => {
        const content = Buffer.alloc(size, 0x20 + (fill % 90));
        writeFileSync(join(root, 'f'), content);
        const result = proc.readText('f', maxBytes);
        if (size <= maxBytes) expect(expectValue(result)).toBe(content.toString('utf8'));
        else expectError(result, { errno: 'EFBIG' });
      }),
      { numRuns: 60 },
    );
  });

  it('reads a cgroup file below its cgroup root and refuses to leave it', () => {
    const base = layout(tempDir(), { 'cg/system.slice/cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n', 'secret': 's' });
    const proc = createProcFs({ root: base, cgroupRoot: join(base, 'cg') });
    expect(expectValue(proc.readCgroupText('system.slice/cpu.pressure'))).toMatch(/^some/);
    expectError(proc.readCgroupText('../secret'), { path: 'cgroup:../secret', message: /leaves the root/ });
    expectError(proc.readCgroupText('gone.slice/cpu.pressure'), { kind: 'unsupported', path: 'cgroup:gone.slice/cpu.pressure' });
    expectError(createProcFs({ root: base, cgroupRoot: null }).readCgroupText('cpu.pressure'), { kind: 'unsupported' });
  });
});

describe('findCgroup2Mount', () => {
  it('finds the cgroup2 mount point in mountinfo and decodes its octal escapes', () => {
    const mountinfo = [
      '22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
      '30 24 0:26 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory',
      '31 24 0:27 / /my\\040cgroups\\011v2\\134x rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate',
      '',
    ].join('\n');
    const root = layout(tempDir(), { 'self/mountinfo': mountinfo });
    expect(findCgroup2Mount(root)).toBe('/my cgroups\tv2\\x');
  });

  it('gives null without a cgroup2 mount or without mountinfo', () => {
    expect(findCgroup2Mount(layout(tempDir(), { 'self/mountinfo': '22 1 0:21 / /proc rw - proc proc rw\n' }))).toBeNull();
    expect(findCgroup2Mount(tempDir())).toBeNull();
  });
});

describe('ownPids: proctriage as the proc root numbers it', () => {
  it('is this process under the live /proc', () => {
    expect(ownPids('/proc')).toEqual([process.pid]);
  });
  it('follows the root it is given, not process.pid (another pid namespace)', () => {
    const root = mkdtempSync(join(tmpdir(), 'proctriage-self-'));
    symlinkSync('4242', join(root, 'self'));
    expect(ownPids(root)).toEqual([4242]);
  });
  it('is none where the root has no self (a capture)', () => {
    expect(ownPids(mkdtempSync(join(tmpdir(), 'proctriage-noself-')))).toEqual([]);
  });
});
