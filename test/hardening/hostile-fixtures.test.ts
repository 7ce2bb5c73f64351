/**
 * Hostile captures, built at test time from a copy of a real fixture (nothing hostile is
 * committed): links out of the capture, odd names, huge, binary, truncated and missing files,
 * corrupt or newer meta.json. Each replays to a one-line error (exit 4) or a degraded
 * diagnosis that says what is wrong, and strace proves nothing outside the capture is opened.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCapture } from '../../src/capture/fixture.js';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { ReplaySession } from '../../src/session/replay.js';
import { have, PROJECT, traceCli, type TracedCall } from './support.js';

const SOURCE = join(PROJECT, 'fixtures', 'epoll-idle-node');
const META = JSON.parse(readFileSync(join(SOURCE, 'meta.json'), 'utf8')) as { pid: number; samples: { dir: string }[] };
const PID = META.pid;
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-hostile-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let made = 0;
/** A copy of the fixture; `edit` runs on each sample's proc/<pid> directory. */
function hostile(edit: (pidDir: string, sampleDir: string) => void, editRoot?: (dir: string) => void): string {
  const dir = join(scratch, `capture-${made++}`);
  cpSync(SOURCE, dir, { recursive: true, verbatimSymlinks: true });
  for (const s of META.samples) edit(join(dir, 'samples', s.dir, 'proc', String(PID)), join(dir, 'samples', s.dir));
  editRoot?.(dir);
  return dir;
}

function tids(pidDir: string): number[] {
  return readdirSync(join(pidDir, 'task')).map(Number).sort((a, b) => a - b);
}

function replace(path: string, link: string): void {
  rmSync(path, { recursive: true, force: true });
  symlinkSync(link, path);
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^proctriage: /);
  expect(lines[0]).toMatch(pattern);
}

const hasStrace = have('strace');
if (!hasStrace) console.warn('hostile-fixtures.test.ts: the strace checks are skipped: install strace (apt-get install strace)');

/**
 * What node opens on its own (runtime libraries, /proc/self/maps, cgroup memory limits, TLS
 * config), measured once by running `--version` under the same strace, plus the tool's files.
 */
let runtimeOpens = new Set<string>();
const toolFile = (path: string) =>
  path === join(PROJECT, 'package.json') || ['dist', 'node_modules', 'bin'].some((d) => path.startsWith(join(PROJECT, d) + '/'));

beforeAll(async () => {
  if (!hasStrace) return;
  const { calls } = await traceCli(['--version']);
  // Opened lazily by the runtime, not by our code: the time zone the first time a date is
  // formatted (node), and the overcommit policy when V8 first reserves a large heap region (glibc/V8).
  runtimeOpens = new Set([...calls.flatMap((c) => (c.path ? [c.path] : [])), '/etc/localtime', '/proc/sys/vm/overcommit_memory']);
}, 30_000);

/** Every open attempt is the runtime's, the tool's own, or inside the capture. */
function expectOnlyInside(calls: readonly TracedCall[], capture: string): void {
  const outside = calls.filter((c) => c.path !== undefined && !runtimeOpens.has(c.path) && !toolFile(c.path) && !c.path.startsWith(capture + '/') && c.path !== capture);
  expect(outside.map((c) => `${c.name}(${c.path}, ${c.flags})`)).toEqual([]);
  for (const c of calls) if (c.path?.startsWith(capture)) expect(c.flags, c.path).toMatch(/^O_RDONLY/);
}

/** Replay a capture under strace (when available) and check it opened nothing outside. */
async function replayTraced(dir: string, json = true): Promise<{ code: number | null; stdout: string; stderr: string; calls: readonly TracedCall[] }> {
  const args = ['triage', '--replay', dir, '--threshold', '100', ...(json ? ['--json'] : [])];
  if (!hasStrace) {
    const { runCli } = await import('../cli/run-cli.js');
    return { ...(await runCli(args)), calls: [] };
  }
  const { result, calls } = await traceCli(args);
  expectOnlyInside(calls, dir);
  return { ...result, calls };
}

async function degraded(dir: string): Promise<Diagnosis> {
  const r = await replayTraced(dir);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Diagnosis;
}

const missingText = (d: Diagnosis) => d.missing.map((m) => `${m.what}: ${m.why} → ${m.weakens}`).join('\n');

describe('a capture that links outside itself', () => {
  it('fd links to /etc/shadow are shown as link text and never opened; links out are refused and named', async () => {
    const dir = hostile((pidDir, sampleDir) => {
      replace(join(pidDir, 'fd', '0'), '/etc/shadow');
      replace(join(pidDir, 'fd', '1'), '../../../../../../../../etc/passwd');
      replace(join(pidDir, 'fdinfo', '13'), '/etc/shadow'); // fdinfo of the epoll fd
      const last = tids(pidDir).at(-1)!;
      replace(join(pidDir, 'task', String(last)), '/proc/1/task/1');
      replace(join(sampleDir, 'proc', 'pressure'), '/proc/pressure');
      replace(join(sampleDir, 'proc', 'uptime'), '/proc/uptime');
    });
    const r = await replayTraced(dir);
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as Diagnosis;
    expect(r.calls.filter((c) => c.path !== undefined && /^\/(etc\/(shadow|passwd)|proc\/(1|pressure|uptime)\b)/.test(c.path))).toEqual([]);
    expect(d.process.fdTypes.file).toBeGreaterThanOrEqual(1);
    expect(d.pressure.system.unavailable).toMatch(/links outside itself|refusing to follow/);
    const text = missingText(d);
    expect(text).toMatch(/task\/\d+\/stat: the capture links outside itself; refusing to follow/);
    // The main thread is still diagnosed from its own files.
    expect(d.threads.find((t) => t.tid === PID)!.wait.kind).toBe('epoll');
  });

  it('an fdinfo file that is a link to /etc/shadow is refused and named', async () => {
    const dir = hostile((pidDir) => replace(join(pidDir, 'fdinfo', '13'), '/etc/shadow'));
    const d = await degraded(dir);
    expect(missingText(d)).toMatch(new RegExp(`^1 file\\(s\\) that could not be read: ${PID}/fdinfo/13: is a symlink in the capture; refusing to follow`, 'm'));
  });

  it('odd names under proc/ (non-numeric task entries) are ignored, not walked', async () => {
    const dir = hostile((pidDir) => {
      for (const name of ['-1', '1e3', ' 7', '..x', '0x10']) mkdirSync(join(pidDir, 'task', name));
      symlinkSync('/', join(pidDir, 'task', '00'));
    });
    const d = await degraded(dir);
    expect(d.threads.map((t) => t.tid)).toEqual(tids(join(SOURCE, 'samples', '0001', 'proc', String(PID))));
    expect(missingText(d)).not.toMatch(/task\/0\//);
  });
});

describe('damaged files: a degraded diagnosis that says what is wrong', () => {
  it('a 100 MB stack is refused after 4 MiB (bounded read, no huge memory) and named as malformed', async () => {
    const dir = hostile((pidDir) => truncateSync(join(pidDir, 'task', String(PID), 'stack'), 100 * 1024 * 1024));
    const d = await degraded(dir);
    const main = d.threads.find((t) => t.tid === PID)!;
    expect(main.wait.kind).toBe('epoll'); // wchan and syscall still say it
    expect(missingText(d)).toMatch(new RegExp(`${PID}/task/${PID}/stack: larger than 4194304 bytes; refusing to read it`));

    const before = process.memoryUsage().rss;
    const step = new ReplaySession(loadCapture(dir), { threshold: 100 }).last();
    expect(step.diagnosis!.threads.length).toBeGreaterThan(1);
    expect(process.memoryUsage().rss - before, 'memory grown by reading a 100 MB file').toBeLessThan(40 * 1024 * 1024);
  });

  it('binary, truncated and missing thread files: each named, the rest still classified', async () => {
    const [, binTid, cutTid, goneTid] = tids(join(SOURCE, 'samples', '0000', 'proc', String(PID)));
    const dir = hostile((pidDir) => {
      const task = join(pidDir, 'task');
      writeFileSync(join(task, String(binTid), 'stat'), Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37 + 11) % 256)));
      const status = readFileSync(join(task, String(cutTid), 'status'), 'utf8');
      writeFileSync(join(task, String(cutTid), 'status'), status.slice(0, 30));
      unlinkSync(join(task, String(goneTid), 'wchan'));
    });
    const d = await degraded(dir);
    const text = missingText(d);
    expect(text).toMatch(/file\(s\) with text that could not be parsed: .*task\/\d+\/stat:1: stat does not start with a pid/);
    expect(text).toMatch(new RegExp(`task/${cutTid}/status`));
    expect(text).toMatch(new RegExp(`1 file\\(s\\) that could not be read: ${PID}/task/${goneTid}/wchan: missing from the capture`));
    expect(d.threads.find((t) => t.tid === PID)!.wait.kind).toBe('epoll');
    expect(d.threads.every((t) => t.wait.kind !== 'running')).toBe(true);
  });

  it('a binary process stat still gives a report that names it', async () => {
    const dir = hostile((pidDir) => writeFileSync(join(pidDir, 'stat'), Buffer.from([0, 1, 2, 0xff, 0xfe, 0x1b, 0x5b, 0x32, 0x4a])));
    const d = await degraded(dir);
    expect(missingText(d)).toMatch(new RegExp(`${PID}/stat:1: `));
    const text = await replayTraced(dir, false);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(/\u001b/); // no raw escape sequence reaches the terminal
  });

  it('escape sequences in a comm are shown escaped in the text report', async () => {
    const dir = hostile((pidDir) => {
      for (const stat of [join(pidDir, 'stat'), join(pidDir, 'task', String(PID), 'stat')]) {
        writeFileSync(stat, readFileSync(stat, 'utf8').replace('(node)', '(\u001b]0;owned\u0007\u001b[2J\n)'));
      }
    });
    const r = await replayTraced(dir, false);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout).toContain('\\x1b]0;owned\\x07\\x1b[2J\\x0a');
  });
});

describe('terminal-safe errors, and a BOM', () => {
  it('an error quoting the bytes of a capture shows escape sequences as \\xNN, never raw', async () => {
    const dir = hostile(() => undefined, (d) => writeFileSync(join(d, 'meta.json'), '\u001b]0;PWNED\u0007\u001b[2J\u009b31m', 'utf8'));
    const r = await replayTraced(dir);
    expect(r.code).toBe(4);
    expectOneLineError(r.stderr, /meta\.json is not valid JSON/);
    expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(r.stderr).toContain('\\x1b]0;PWNED\\x07');
  });

  it('meta.json and errors.json that start with a UTF-8 byte order mark are read', async () => {
    const bom = (path: string) => writeFileSync(path, `\uFEFF${readFileSync(path, 'utf8')}`);
    const dir = hostile(
      (_, sampleDir) => bom(join(sampleDir, 'errors.json')),
      (d) => bom(join(d, 'meta.json')),
    );
    const d = await degraded(dir);
    expect(d.process.pid).toBe(PID);
  });
});

describe('an unusable capture: one line, exit 4', () => {
  const meta = (dir: string, edit: (m: Record<string, unknown>) => unknown) => {
    const path = join(dir, 'meta.json');
    writeFileSync(path, JSON.stringify(edit(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>)));
  };
  const cases: [string, (dir: string) => void, RegExp][] = [
    ['corrupt meta.json (binary)', (d) => writeFileSync(join(d, 'meta.json'), Buffer.from([0x7b, 0xff, 0x00, 0x1b, 0x5b])), /meta\.json is not valid JSON/],
    ['truncated meta.json', (d) => writeFileSync(join(d, 'meta.json'), readFileSync(join(d, 'meta.json'), 'utf8').slice(0, 80)), /meta\.json is not valid JSON/],
    ['meta.json from a newer format', (d) => meta(d, (m) => ({ ...m, formatVersion: 99 })), /format 99, newer than this proctriage understands \(2\); upgrade proctriage/],
    ['pid directory named ../..', (d) => meta(d, (m) => ({ ...m, pid: '../..' })), /meta\.json field pid must be a number/],
    ['a sample directory outside the capture', (d) => meta(d, (m) => ({ ...m, samples: [{ dir: '../../../etc', tMonoMs: 0, tWallMs: 0 }] })), /samples\[0\]\.dir must be four digits/],
    ['a 2 MB meta.json', (d) => writeFileSync(join(d, 'meta.json'), ' '.repeat(2 * 1024 * 1024)), /more than the 1048576 allowed/],
    ['meta.json linking to /etc/passwd', (d) => replace(join(d, 'meta.json'), '/etc/passwd'), /symlink; refusing to follow it/],
    ['no meta.json (an interrupted capture)', (d) => unlinkSync(join(d, 'meta.json')), /no meta\.json/],
    ['corrupt errors.json', (d) => writeFileSync(join(d, 'samples', '0001', 'errors.json'), '{"proc/x": 1'), /errors\.json is not valid JSON/],
    ['a sample directory that links to /', (d) => replace(join(d, 'samples', '0001'), '/'), /samples\/0001 is not a directory/],
    // Implausible metadata: refused, naming the field, never computed with.
    ['clockTicksPerSecond 0 (NaN % of CPU)', (d) => meta(d, (m) => ({ ...m, clockTicksPerSecond: 0 })), /meta\.json field clockTicksPerSecond must be a whole number from 1 to 10000, got 0$/],
    ['sample times that go backwards', (d) => meta(d, (m) => ({ ...m, samples: (m.samples as { tMonoMs: number }[]).map((s, i) => ({ ...s, tMonoMs: 1000 - i })) })), /meta\.json samples\[1\]\.tMonoMs \(999\) is not after samples\[0\]\.tMonoMs \(1000\)/],
    ['a pid of 1e308', (d) => meta(d, (m) => ({ ...m, pid: 1e308 })), /meta\.json field pid must be a whole number from 0 to 4194304, got 1e\+308$/],
    ['a pid of -1', (d) => meta(d, (m) => ({ ...m, pid: -1 })), /meta\.json field pid must be a whole number from 0 to 4194304, got -1$/],
    ['a pid of 30283.5', (d) => meta(d, (m) => ({ ...m, pid: 30283.5 })), /meta\.json field pid must be a whole number from 0 to 4194304, got 30283\.5$/],
    ['sample times of 1e308', (d) => meta(d, (m) => ({ ...m, samples: (m.samples as object[]).map((s) => ({ ...s, tMonoMs: 1e308, tWallMs: 1e308 })) })), /meta\.json samples\[0\]\.tWallMs must be a time in milliseconds since 1970 \(0 to 8\.64e15\), got 1e\+308$/],
    ['a cpuCount of 0', (d) => meta(d, (m) => ({ ...m, cpuCount: 0 })), /meta\.json field cpuCount must be a whole number from 1 to 65536, got 0$/],
    ['an intervalMs of -5', (d) => meta(d, (m) => ({ ...m, intervalMs: -5 })), /meta\.json field intervalMs must be a number of milliseconds from 0 to 3600000, got -5$/],
  ];
  it.each(cases)('%s', async (_, edit, message) => {
    const dir = hostile(() => undefined, edit);
    const r = await replayTraced(dir);
    expect(r.code, r.stderr).toBe(4);
    // Replayed with --json: the error is also one JSON object on stdout.
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'bad-capture', message: r.stderr.replace(/^proctriage: /, '').trimEnd(), exitCode: 4 } });
    expectOneLineError(r.stderr, message);
    expect(r.calls.some((c) => c.path === '/etc/passwd')).toBe(false);
  });
});
