/**
 * The live process goes away: it exits, its pid is reused by another process (start time
 * differs), or threads end between two reads of the same sample. No crash, no mixed data.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { captureProcess } from '../../src/capture/capture.js';
import { loadCapture } from '../../src/capture/fixture.js';
import { fail, type ReadResult } from '../../src/procfs/errors.js';
import { createProcFs, type ProcFs } from '../../src/procfs/procfs.js';
import { readProcess } from '../../src/readers/process.js';
import { LiveSession } from '../../src/session/live.js';
import { ReplaySession } from '../../src/session/replay.js';
import { runCli } from '../cli/run-cli.js';
import { spawnShortLived, spawnThreadChurn, stopAll } from '../support/spawners.js';
import { PROJECT } from './support.js';

afterAll(stopAll);
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-vanishing-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const SOURCE = join(PROJECT, 'fixtures', 'epoll-idle-node');
const META = JSON.parse(readFileSync(join(SOURCE, 'meta.json'), 'utf8')) as { pid: number; samples: { dir: string }[] };
const PID = META.pid;

/** A copy of the fixture whose sample `index` belongs to a process started later (pid reused). */
function reusedCopy(index: number): string {
  const dir = mkdtempSync(join(scratch, 'reused-'));
  cpSync(SOURCE, dir, { recursive: true, verbatimSymlinks: true });
  const procDir = join(dir, 'samples', META.samples[index]!.dir, 'proc', String(PID));
  for (const stat of [join(procDir, 'stat'), join(procDir, 'task', String(PID), 'stat')]) {
    const text = readFileSync(stat, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    fields[19] = String(Number(fields[19]) + 12345); // field 22 (starttime) is the 20th after comm
    writeFileSync(stat, `${text.slice(0, close + 2)}${fields.join(' ')}`);
  }
  return dir;
}

/** A ProcFs that delegates to whichever inner ProcFs is current. */
class SwitchingProcFs implements ProcFs {
  readonly mode = 'fixture' as const;
  constructor(public current: ProcFs) {}
  get root() {
    return this.current.root;
  }
  get cgroupRoot() {
    return this.current.cgroupRoot;
  }
  readText(path: string, maxBytes?: number) {
    return this.current.readText(path, maxBytes);
  }
  readLink(path: string) {
    return this.current.readLink(path);
  }
  listDir(path: string) {
    return this.current.listDir(path);
  }
  readCgroupText(path: string, maxBytes?: number) {
    return this.current.readCgroupText(path, maxBytes);
  }
  get cgroupV1Roots() {
    return this.current.cgroupV1Roots;
  }
  readCgroupV1Text(...args: Parameters<ProcFs['readCgroupV1Text']>) {
    return this.current.readCgroupV1Text(...args);
  }
}

/** A ProcFs where everything under `gonePrefix` vanishes (ENOENT) once `after` has been read. */
function vanishingAfter(inner: ProcFs, after: string, gonePrefix: string): ProcFs {
  let gone = false;
  const check = <T>(path: string, read: () => ReadResult<T>): ReadResult<T> => {
    if (gone && (path === gonePrefix || path.startsWith(`${gonePrefix}/`))) {
      return fail({ kind: 'vanished', path, errno: 'ENOENT', message: 'no such file or directory' });
    }
    const result = read();
    if (path === after) gone = true;
    return result;
  };
  return {
    mode: inner.mode,
    root: inner.root,
    cgroupRoot: inner.cgroupRoot,
    readText: (path, maxBytes) => check(path, () => inner.readText(path, maxBytes)),
    readLink: (path) => check(path, () => inner.readLink(path)),
    listDir: (path) => check(path, () => inner.listDir(path)),
    readCgroupText: (path, maxBytes) => inner.readCgroupText(path, maxBytes),
    cgroupV1Roots: inner.cgroupV1Roots,
    readCgroupV1Text: (controller, path, maxBytes) => inner.readCgroupV1Text(controller, path, maxBytes),
  };
}

describe('the target exits', () => {
  it('a live session ends "exited" and keeps the last diagnosis; a capture stops early and replays', async () => {
    const short = await spawnShortLived(400);
    const session = new LiveSession(createProcFs(), short.pid);
    const first = session.step();
    expect(first.diagnosis!.threads[0]!.wait.kind).toBe('sleep');
    await short.exited;
    const after = session.step();
    expect(after.ended).toEqual({ reason: 'exited', message: `process ${short.pid} exited` });
    expect(after.diagnosis).toBe(first.diagnosis);
    expect(session.step()).toBe(after);
  });

  it('the process vanishes between two reads of one sample: the session ends, nothing is mixed', () => {
    const fixture = loadCapture(SOURCE);
    const fs = new SwitchingProcFs(fixture.procFs(0));
    const session = new LiveSession(fs, PID);
    const first = session.step();
    fs.current = vanishingAfter(fixture.procFs(1), `${PID}/status`, String(PID));
    const second = session.step();
    expect(second.ended?.reason).toBe('exited');
    expect(second.diagnosis).toBe(first.diagnosis);
  });
});

describe('the pid is reused (start time differs)', () => {
  it('a live session ends "pid-reused" and never mixes the two processes', () => {
    const fixture = loadCapture(SOURCE);
    const reused = loadCapture(reusedCopy(1));
    const fs = new SwitchingProcFs(fixture.procFs(0));
    const session = new LiveSession(fs, PID);
    const first = session.step();
    fs.current = reused.procFs(1);
    const second = session.step();
    expect(second.ended?.reason).toBe('pid-reused');
    expect(second.ended?.message).toMatch(/now belongs to a different process/);
    expect(second.diagnosis).toBe(first.diagnosis);
    expect(second.diagnosis!.process.cpuPercent).toBeNull(); // no rate across the two processes
    fs.current = fixture.procFs(1);
    expect(session.step()).toBe(second); // ended for good
  });

  it('a capture holding the new process replays as "pid-reused" on the old one, without mixed rates', () => {
    const session = new ReplaySession(loadCapture(reusedCopy(1)));
    const last = session.last();
    expect(last.ended).toEqual({ reason: 'pid-reused', message: `pid ${PID} belongs to a different process from sample 1 on (its start time changed)` });
    const first = session.sample(0).process.stat;
    expect(first.ok && last.diagnosis!.process.starttimeTicks === first.value.starttime).toBe(true);
    expect(last.diagnosis!.process.cpuPercent).toBeNull();
  });

  it('triage --replay of such a capture reports the old process and says why on stderr', async () => {
    const r = await runCli(['triage', '--replay', reusedCopy(1), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`proctriage: note: pid ${PID} belongs to a different process from sample 1 on (its start time changed); the report is of the last sample before that\n`);
    expect((JSON.parse(r.stdout) as { process: { cpuPercent: number | null } }).process.cpuPercent).toBeNull();
  });

  it('capture stops at the sample where the start time changes', async () => {
    const fixture = loadCapture(SOURCE);
    const reused = loadCapture(reusedCopy(1));
    const fs = new SwitchingProcFs(fixture.procFs(0));
    const out = join(scratch, 'reused-capture');
    const result = await captureProcess({ fs, pid: PID, outDir: out, samples: 3, intervalMs: 10, includeCmdline: false, onProgress: () => (fs.current = reused.procFs(1)) });
    expect(result).toMatchObject({ samples: 1, exitedEarly: true });
    expect(loadCapture(out).meta.samples).toHaveLength(1);
  });
});

describe('threads end while a sample is read', () => {
  it('a thread that vanishes after its stat is dropped, not shown half-read (or as "not in this kernel")', () => {
    const fixture = loadCapture(SOURCE);
    const tid = (fixture.procFs(0).listDir(`${PID}/task`) as { value: string[] }).value.map(Number).sort((a, b) => a - b).at(-1)!;
    const fs = vanishingAfter(fixture.procFs(0), `${PID}/task/${tid}/stat`, `${PID}/task/${tid}`);
    const snapshot = readProcess(fs, PID);
    expect(snapshot.threads.ok).toBe(true);
    const tids = snapshot.threads.ok ? snapshot.threads.value.map((t) => t.tid) : [];
    expect(tids).not.toContain(tid);
    expect(tids).toContain(PID);
  });

  it('a process creating and ending 300 threads a second, sampled 40 times: no crash, every thread whole', async () => {
    const churn = await spawnThreadChurn(300);
    try {
      const session = new LiveSession(createProcFs(), churn.pid);
      for (let i = 0; i < 40; i++) {
        const step = session.step();
        expect(step.ended).toBeNull();
        const sample = step.sample!;
        const threads = sample.process.threads.ok ? sample.process.threads.value : [];
        expect(threads.map((t) => t.tid)).toContain(churn.pid);
        for (const t of threads) {
          for (const r of [t.stat, t.status, t.wchan, t.syscall]) {
            if (!r.ok) expect(r.error.kind, `tid ${t.tid}: ${r.error.path}: ${r.error.message}`).not.toMatch(/vanished|unsupported/);
          }
        }
        expect(step.diagnosis!.threads.every((t) => t.wait.kind !== 'unknown')).toBe(true);
        await sleep(5);
      }
      const out = join(scratch, 'churn');
      await captureProcess({ fs: createProcFs(), pid: churn.pid, outDir: out, samples: 5, intervalMs: 20, includeCmdline: false });
      const replay = new ReplaySession(loadCapture(out));
      for (let i = 0; i < replay.sampleCount; i++) expect(replay.at(i).diagnosis!.threads.length).toBeGreaterThanOrEqual(1);
    } finally {
      await churn.stop();
    }
  });

  it('watch of a process churning 300 threads a second stops on SIGTERM with its capture written, and the capture replays', async () => {
    const churn = await spawnThreadChurn(300);
    const dir = join(scratch, 'watch-churn');
    const child = spawn(process.execPath, [join(PROJECT, 'bin', 'proctriage'), 'watch', String(churn.pid), '--when', 'threads:running>=1', '--when', 'state:S', '--capture', dir, '--before', '1', '--after', '30', '--interval', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      await sleep(2500);
      child.kill('SIGTERM');
      expect(await closed, stderr).toBe(0);
      expect(stderr).toContain('SIGTERM: sampling stops');
      const replay = new ReplaySession(loadCapture(join(dir, '0001')));
      expect(replay.sampleCount).toBeGreaterThan(2);
      for (let i = 0; i < replay.sampleCount; i++) expect(replay.at(i).diagnosis!.threads.length).toBeGreaterThanOrEqual(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await churn.stop();
    }
  }, 60_000);
});
