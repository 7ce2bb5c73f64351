/**
 * Every error is one line on stderr with the exit code the README gives it (never a stack
 * trace, never "internal error" for the environment's doing), and with --json also one JSON
 * object on stdout. Disk full and read-only file systems are real: small tmpfs mounts this file
 * makes and removes (root only).
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { have, isRoot } from '../hardening/support.js';
import { spawnSleeper, stopAll, type Spawned } from '../support/spawners.js';
import { BIN, runCli, type CliResult } from './run-cli.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-errors-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterAll(stopAll);

function expectOneLine(r: CliResult, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.split('\n');
  expect(lines, r.stderr).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^proctriage: /);
  expect(lines[0]).toMatch(pattern);
}

/** The CLI with its stdout on /dev/full: every write fails with ENOSPC. */
function runToFull(args: readonly string[]): Promise<CliResult> {
  const full = openSync('/dev/full', 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', full, 'pipe'] });
    closeSync(full);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: '', stderr }));
  });
}

describe('stdout on a full disk', () => {
  it.each([
    ['triage --replay', ['triage', '--replay', join(FIXTURES, 'epoll-idle-node')]],
    ['triage --replay --json', ['triage', '--replay', join(FIXTURES, 'epoll-idle-node'), '--json']],
    ['top --once', ['top', '--once']],
    ['sample', ['sample', '--duration', '0.1']],
  ])('%s: one line, exit 74', async (_, args) => {
    expectOneLine(await runToFull(args), 74, /^proctriage: cannot write the output: no space left on the device$/);
  });
});

describe('where a capture goes', () => {
  let sleeper: Spawned;
  beforeAll(async () => {
    sleeper = await spawnSleeper();
  });

  it('onto a dangling symlink: one line, exit 2, the link left as it was', async () => {
    const link = join(scratch, 'dangling');
    symlinkSync(join(scratch, 'nowhere'), link);
    expectOneLine(await runCli(['capture', String(sleeper.pid), '-o', link, '--samples', '1']), 2, /dangling is a symlink; .*never through a link/);
    expect(existsSync(join(scratch, 'nowhere'))).toBe(false);
  });

  it('under a directory that does not exist: one line, exit 2, nothing created (only the last component is, as mkdir does)', async () => {
    const deep = join(scratch, 'nonexistent', 'dir', 'x');
    expectOneLine(await runCli(['capture', String(sleeper.pid), '-o', deep, '--samples', '1']), 2, /cannot write the capture to .*nonexistent\/dir\/x: the directory .*nonexistent\/dir does not exist/);
    expect(existsSync(join(scratch, 'nonexistent'))).toBe(false);
    const machine = await runCli(['sample', '--duration', '0.1', '--capture', deep]);
    expectOneLine(machine, 2, /the directory .*nonexistent\/dir does not exist/);
    expect(existsSync(join(scratch, 'nonexistent'))).toBe(false);
  });
});

describe.runIf(isRoot && have('mount'))('full and read-only file systems (tmpfs mounts of this test)', () => {
  const mounts: string[] = [];
  /** A tmpfs of `size` at a new directory, unmounted after the file. */
  function tmpfs(name: string, options: string): string {
    const dir = join(scratch, name);
    mkdirSync(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  }
  afterAll(() => {
    for (const dir of mounts) execFileSync('umount', [dir]);
  });

  it('disk full during a capture: one line, exit 74, nothing left behind', async () => {
    const small = tmpfs('small', 'size=64k,mode=0755');
    // 16 pages: the partial directory and its marker fit, a sample's hundred small files do not.
    const sleeper = await spawnSleeper();
    try {
      const out = join(small, 'cap');
      expectOneLine(await runCli(['capture', String(sleeper.pid), '-o', out, '--samples', '2', '--interval', '50']), 74, /^proctriage: cannot write the capture to .*\/small\/cap: no space left on the device$/);
      expect(readdirSync(small)).toEqual([]);
    } finally {
      await sleeper.stop();
    }
  });

  it('sample --capture on a read-only file system: one line, exit 2', async () => {
    const ro = tmpfs('ro-sample', 'size=64k,ro');
    expectOneLine(await runCli(['sample', '--duration', '0.1', '--capture', join(ro, 'm')]), 2, /^proctriage: cannot write the capture to .*\/ro-sample\/m: read-only file system$/);
  });

  it('watch on a read-only file system says so, at the start and for each capture', async () => {
    const ro = tmpfs('ro-watch', 'size=64k,ro');
    const sleeper = await spawnSleeper();
    const dir = join(ro, 'w');
    const child = spawn(process.execPath, [BIN, 'watch', String(sleeper.pid), '--when', 'state:S', '--capture', dir, '--before', '0', '--after', '0', '--interval', '100', '--cooldown', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise((resolve) => child.on('close', resolve));
    try {
      for (let i = 0; stderr.split('\n').length < 3 && i < 200; i++) await sleep(50);
    } finally {
      child.kill('SIGTERM');
      await closed;
      await sleeper.stop();
    }
    const [warning, failure] = stderr.split('\n');
    expect(warning).toBe(`proctriage: warning: captures cannot be written to ${dir} (read-only file system); watching anyway`);
    expect(failure).toMatch(/could not write the capture of state:S .*: read-only file system; still watching$/);
    expect(stderr).not.toMatch(/ENOENT/);
  });
});

describe('a --proc-root that is not a proc', () => {
  const empty = mkdtempSync(join(tmpdir(), 'proctriage-empty-root-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));
  const roots = [
    ['/', /^proctriage: --proc-root \/ is not a proc file system: it holds no process directories$/],
    ['/nonexistent', /^proctriage: --proc-root \/nonexistent is not a proc file system: it cannot be listed \(no such directory\)$/],
    [empty, /is not a proc file system: it holds no process directories$/],
  ] as const;
  it.each(roots)('%s: one line, exit 2, for every command that samples', async (root, message) => {
    for (const args of [['triage', '1', '--interval', '10'], ['top', '--once'], ['sample', '--duration', '0.1'], ['capture', '1', '-o', join(scratch, 'never')]]) {
      expectOneLine(await runCli([...args, '--proc-root', root]), 2, message);
    }
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });
});

describe('a proc root whose process lacks limits or cgroup', () => {
  it('says they could not be read and diagnoses the rest, instead of "exited"', async () => {
    const meta = JSON.parse(readFileSync(join(FIXTURES, 'epoll-idle-node', 'meta.json'), 'utf8')) as { pid: number };
    const root = join(scratch, 'no-limits');
    cpSync(join(FIXTURES, 'epoll-idle-node', 'samples', '0001', 'proc'), root, { recursive: true, verbatimSymlinks: true });
    rmSync(join(root, String(meta.pid), 'limits'));
    rmSync(join(root, String(meta.pid), 'cgroup'));
    const r = await runCli(['triage', String(meta.pid), '--proc-root', root, '--interval', '10', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    const missing = d.missing.map((m) => `${m.what}: ${m.why}`).join('\n');
    expect(missing).toContain(`${meta.pid}/limits: not readable: missing`);
    expect(missing).toContain(`${meta.pid}/cgroup: not readable: missing`);
    expect(d.threads.length).toBeGreaterThan(1);
  });
});

describe('--json: an error is one JSON object on stdout, and one line on stderr', () => {
  it.each([
    ['a capture that is not one', ['triage', '--replay', join(tmpdir(), 'proctriage-no-such-capture'), '--json'], 4, 'bad-capture'],
    ['no such process', ['triage', '4194303', '--json', '--interval', '10'], 3, 'no-process'],
    ['bad usage', ['triage', 'nginx', '--json'], 2, 'usage'],
    ['a --proc-root that is not a proc', ['top', '--once', '--json', '--proc-root', '/'], 2, 'usage'],
  ] as const)('%s', async (_, args, exitCode, code) => {
    const r = await runCli(args);
    expectOneLine(r, exitCode, /^proctriage: /);
    const body = JSON.parse(r.stdout) as { error: { code: string; message: string; exitCode: number } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error).toEqual({ code, message: r.stderr.replace(/^proctriage: /, '').trimEnd(), exitCode });
  });
});
