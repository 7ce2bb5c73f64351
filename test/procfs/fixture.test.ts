import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCapture } from '../../src/capture/fixture.js';
import { CAPTURE_FORMAT_VERSION } from '../../src/capture/format.js';
import { createFixtureProcFs, type RecordedError } from '../../src/procfs/procfs.js';
import { expectError, expectValue, layout, tempDir } from './support.js';

const STAT = '1234 (victim) S 1 1234 1234 0 -1 4194304 1 0 0 0 0 0 0 0 20 0 2 0 77 1000 10 1\n';

/** A capture sample with the hostile shapes a shared capture may hold. */
function sample(): string {
  return layout(tempDir(), {
    'proc/1234/stat': STAT,
    'proc/1234/task/1234/stat': STAT,
    'proc/1234/task/1235/': '',
    'proc/1234/fd/3': { link: '/etc/shadow' },
    'proc/1234/fd/4': { link: 'socket:[28902]' },
    'proc/1234/root': { link: '/' },
    'proc/1234/cwd': { link: '../../..' },
    'proc/1234/stat-link': { link: 'stat' },
    'proc/self': { link: '1234' },
    'cgroup/system.slice/cpu.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    'cgroup/escape': { link: '/sys/fs/cgroup' },
    'errors.json': '{}',
  });
}

describe('createFixtureProcFs', () => {
  it('reads files, directories and links of the capture', () => {
    const fs = createFixtureProcFs({ sampleDir: sample() });
    expect(fs.mode).toBe('fixture');
    expect(expectValue(fs.readText('1234/stat'))).toBe(STAT);
    expect(expectValue(fs.listDir('1234/task')).sort()).toEqual(['1234', '1235']);
    expect(expectValue(fs.readLink('1234/fd/4'))).toBe('socket:[28902]');
    expect(expectValue(fs.readCgroupText('system.slice/cpu.pressure'))).toMatch(/^some /);
    // A link to a directory inside the capture may be walked through.
    expect(expectValue(fs.readText('self/stat'))).toBe(STAT);
  });

  it('reads an fd link pointing at /etc/shadow as link text only, and readText on it refuses (ELOOP)', () => {
    const fs = createFixtureProcFs({ sampleDir: sample() });
    expect(expectValue(fs.readLink('1234/fd/3'))).toBe('/etc/shadow');
    expectError(fs.readText('1234/fd/3'), { kind: 'io', errno: 'ELOOP', path: '1234/fd/3', message: /symlink in the capture; refusing to follow/ });
  });

  it('never follows a final symlink, even one that stays inside the capture', () => {
    expectError(createFixtureProcFs({ sampleDir: sample() }).readText('1234/stat-link'), { errno: 'ELOOP' });
  });

  it('refuses a path through an intermediate directory that links to /', () => {
    const fs = createFixtureProcFs({ sampleDir: sample() });
    for (const result of [fs.readText('1234/root/etc/passwd'), fs.readLink('1234/root/etc/mtab'), fs.listDir('1234/root/etc')]) {
      expectError(result, { kind: 'io', message: /links outside itself/ });
    }
    expectError(fs.listDir('1234/root'), { kind: 'io', message: /symlink in the capture/ });
    expectError(fs.readText('1234/cwd/etc/hostname'), { kind: 'io', message: /links outside itself/ });
  });

  it('refuses a cgroup path through a link out of the capture', () => {
    expectError(createFixtureProcFs({ sampleDir: sample() }).readCgroupText('escape/cpu.pressure'), { path: 'cgroup:escape/cpu.pressure', message: /links outside itself/ });
  });

  it('refuses everything when proc/ itself links to the real /proc', () => {
    const fs = createFixtureProcFs({ sampleDir: layout(tempDir(), { proc: { link: '/proc' } }) });
    expectError(fs.readText('self/status'), { kind: 'io', message: /links outside itself/ });
    expectError(fs.readText('version'), { kind: 'io', message: /links outside itself/ });
    expectError(fs.listDir('self'), { kind: 'io', message: /links outside itself/ });
  });

  it.each(['../errors.json', '1234/../../errors.json', '1234/task/../../../../etc/passwd', '/etc/passwd', '..'])('refuses %s', (path) => {
    const fs = createFixtureProcFs({ sampleDir: sample() });
    for (const result of [fs.readText(path), fs.readLink(path), fs.listDir(path)]) expectError(result, { kind: 'io', message: /leaves the root/ });
    expectError(fs.readCgroupText(path), { kind: 'io', path: `cgroup:${path}`, message: /leaves the root/ });
  });

  it('says a file or directory missing from the capture is missing, as kind io', () => {
    const fs = createFixtureProcFs({ sampleDir: sample() });
    for (const [result, path] of [
      [fs.readText('1234/io'), '1234/io'],
      [fs.readText('1234/task/9999/stat'), '1234/task/9999/stat'],
      [fs.readLink('1234/fd/9'), '1234/fd/9'],
      [fs.listDir('4321/task'), '4321/task'],
      [fs.readText('1234/stat/child'), '1234/stat/child'],
    ] as const) {
      expectError(result, { kind: 'io', path, message: /missing from the capture/ });
    }
    expectError(fs.readCgroupText('user.slice/cpu.pressure'), { kind: 'io', path: 'cgroup:user.slice/cpu.pressure', message: /missing from the capture/ });
  });

  it('says a capture with no cgroup/ directory has no cgroup files', () => {
    const fs = createFixtureProcFs({ sampleDir: layout(tempDir(), { 'proc/1/stat': STAT }) });
    expect(fs.cgroupRoot).toBeNull();
    expectError(fs.readCgroupText('cpu.pressure'), { kind: 'unsupported', path: 'cgroup:cpu.pressure' });
  });

  it('refuses a file larger than maxBytes, and a FIFO without blocking', () => {
    const dir = sample();
    writeFileSync(join(dir, 'proc/1234/environ'), 'A'.repeat(5000));
    execFileSync('mkfifo', [join(dir, 'proc/1234/fifo')]);
    const fs = createFixtureProcFs({ sampleDir: dir });
    expect(expectValue(fs.readText('1234/environ', 5000))).toHaveLength(5000);
    expectError(fs.readText('1234/environ', 4999), { kind: 'malformed', errno: 'EFBIG' });
    expectError(fs.readText('1234/fifo'), { kind: 'malformed', message: /not a regular file/ });
    expectError(fs.readText('1234/task'), { kind: 'malformed', message: /not a regular file/ });
    expectError(fs.readLink('1234/stat'), { kind: 'malformed', message: /expected a symlink/ });
  });
});

describe('recorded errors (the errors.json overlay)', () => {
  const recordedErrors: Record<string, RecordedError> = {
    'proc/1234/task/1234/stack': { kind: 'denied', errno: 'EACCES', message: 'Permission denied' },
    'proc/1234/task/1235': { kind: 'vanished', errno: 'ENOENT', message: 'no such file or directory' },
    'proc/1234/stat': { kind: 'malformed', message: 'recorded over a file that is present' },
    'cgroup/system.slice/io.pressure': { kind: 'unsupported', errno: 'EOPNOTSUPP', message: 'operation not supported' },
  };

  it('re-raises a recorded error with the path asked for', () => {
    const fs = createFixtureProcFs({ sampleDir: sample(), recordedErrors });
    expect(fs.readText('1234/task/1234/stack')).toEqual({
      ok: false,
      error: { kind: 'denied', errno: 'EACCES', path: '1234/task/1234/stack', message: 'Permission denied' },
    });
    expectError(fs.readText('1234/stat'), { kind: 'malformed' });
    expectError(fs.readCgroupText('system.slice/io.pressure'), { kind: 'unsupported', path: 'cgroup:system.slice/io.pressure' });
  });

  it('covers every path under a recorded directory, and only those', () => {
    const fs = createFixtureProcFs({ sampleDir: sample(), recordedErrors });
    expectError(fs.listDir('1234/task/1235'), { kind: 'vanished', path: '1234/task/1235' });
    expectError(fs.readText('1234/task/1235/stat'), { kind: 'vanished', path: '1234/task/1235/stat' });
    expectError(fs.readLink('1234/task/1235/fd/0'), { kind: 'vanished' });
    // 12350 shares a prefix with 1235 but is another thread.
    expectError(fs.readText('1234/task/12350/stat'), { kind: 'io', message: /missing from the capture/ });
    expect(expectValue(fs.readText('1234/task/1234/stat'))).toBe(STAT);
  });

  it('re-raises what errors.json records when a capture is loaded from disk', () => {
    const dir = tempDir();
    const meta = { format: 'proctriage-capture', formatVersion: CAPTURE_FORMAT_VERSION, pid: 1234, kernelRelease: '6.18.44', clockTicksPerSecond: 100, arch: 'x86_64', samples: [{ dir: '0000', tMonoMs: 0, tWallMs: 0 }] };
    layout(dir, { 'meta.json': JSON.stringify(meta), 'samples/0000/proc/1234/stat': STAT, 'samples/0000/errors.json': JSON.stringify(recordedErrors) });
    mkdirSync(join(dir, 'samples/0000/cgroup'));
    const fs = loadCapture(dir).procFs(0);
    expect(expectValue(fs.listDir('1234'))).toEqual(['stat']);
    expectError(fs.readText('1234/task/1234/stack'), { kind: 'denied', errno: 'EACCES' });
    expectError(fs.readText('1234/task/1235/status'), { kind: 'vanished' });
    expectError(fs.readCgroupText('system.slice/io.pressure'), { kind: 'unsupported' });
  });
});
