import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnosis } from '../../src/diagnose/types.js';
import { spawnFutexLockQueue, spawnShortLived, spawnWaitpidParent, stopAll } from '../support/spawners.js';
import { runCli } from './run-cli.js';

afterAll(stopAll);
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A pid no process has: above every pid this machine has handed out. */
function unusedPid(): string {
  return '4194303';
}

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('proctriage triage (CLI)', () => {
  it('prints the JSON schema the README documents', async () => {
    const parent = await spawnWaitpidParent();
    try {
      const r = await runCli(['triage', String(parent.pid), '--json', '--interval', '200']);
      expect(r.code, r.stderr).toBe(0);
      const d = JSON.parse(r.stdout) as Diagnosis;
      expect(d.schemaVersion).toBe(2);
      expect(d.threads.length).toBeGreaterThan(0);
      for (const t of d.threads) {
        expect(typeof t.tid).toBe('number');
        expect(typeof t.comm).toBe('string');
        expect(t.state).toMatch(/^[A-Za-z?]$/);
        expect(typeof t.wait.kind).toBe('string');
        expect('function' in t.wait).toBe(true);
        expect(typeof t.wait.explanation.waitsFor).toBe('string');
      }
      expect(d.threads[0]!.wait.kind).toBe('waitpid');
      expect(d.verdict.summary.length).toBeGreaterThan(10);
      expect(d.path.map((s) => s.id)).toEqual(['pressure', 'resource', 'cpu', 'waits', 'intermittent']);
      expect(d.source.intervalMs).toBeGreaterThanOrEqual(190);
    } finally {
      await parent.stop();
    }
  });

  it('prints a report for a person', async () => {
    const parent = await spawnWaitpidParent();
    try {
      const r = await runCli(['triage', String(parent.pid), '--interval', '100']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Verdict:');
      expect(r.stdout).toContain('Decision tree');
      expect(r.stdout).toMatch(/waitpid.*do_wait/);
      expect(r.stdout).toContain('kernel/exit.c');
      expect(r.stdout).not.toMatch(/\u001b\[/); // NO_COLOR
    } finally {
      await parent.stop();
    }
  });

  it('a PID that does not exist: one line, exit 3', async () => {
    const r = await runCli(['triage', unusedPid()]);
    expect(r.code).toBe(3);
    expectOneLineError(r.stderr, /^proctriage: no process with pid 4194303$/);
    expect(r.stdout).toBe('');
  });

  it('a process that exits during the measurement: one line, exit 3', async () => {
    // Long enough for the CLI to start and take its first sample on a loaded machine, not for the second.
    const short = await spawnShortLived(1500);
    const r = await runCli(['triage', String(short.pid), '--interval', '3000']);
    expect(r.code, r.stderr).toBe(3);
    expectOneLineError(r.stderr, new RegExp(`^proctriage: process ${short.pid} exited during the measurement$`));
  });

  it('a PID that is not a number: a one-line usage error, exit 2', async () => {
    const r = await runCli(['triage', 'nginx']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, /^proctriage: .*"nginx" is not a process id.*\(see --help\)$/);
    const bad = await runCli(['triage', '1', '--interval', 'soon']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, /^proctriage: option '--interval <ms>' argument 'soon' is invalid/);
    const sample = await runCli(['triage', '--replay', 'x', '--sample', '0']);
    expectOneLineError(sample.stderr, /--sample must be a whole number/);
  });

  it('a thread id is resolved to its process, and says so', async () => {
    const queue = await spawnFutexLockQueue(2);
    try {
      const tid = queue.waitingTids[0]!;
      const r = await runCli(['triage', String(tid), '--json', '--interval', '100']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe(`proctriage: note: ${tid} is a thread of process ${queue.pid} (waiters): showing the process\n`);
      const d = JSON.parse(r.stdout) as Diagnosis;
      expect(d.process.pid).toBe(queue.pid);
      expect(d.threads.length).toBeGreaterThanOrEqual(3);
    } finally {
      await queue.stop();
    }
  });

  it('a capture directory that is not one: exit 4', async () => {
    const missing = await runCli(['triage', '--replay', join(scratch, 'nope')]);
    expect(missing.code).toBe(4);
    expectOneLineError(missing.stderr, /not a usable capture: no such directory/);

    const corrupt = join(scratch, 'corrupt');
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, 'meta.json'), '{"format": "proctriage-capture", ');
    const r = await runCli(['triage', '--replay', corrupt]);
    expect(r.code).toBe(4);
    expectOneLineError(r.stderr, /meta.json is not valid JSON/);

    const newer = join(scratch, 'newer');
    mkdirSync(newer);
    writeFileSync(join(newer, 'meta.json'), JSON.stringify({ format: 'proctriage-capture', formatVersion: 99 }));
    const n = await runCli(['triage', '--replay', newer]);
    expect(n.code).toBe(4);
    expectOneLineError(n.stderr, /format 99, newer than this proctriage understands/);
  });
});

describe('the dashboard on a machine capture', () => {
  it('replay opens it in the top view: without a terminal, exit 5 and the command that works', async () => {
    const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'machine-waiters');
    const r = await runCli(['replay', dir]);
    expect(r.code).toBe(5);
    expectOneLineError(r.stderr, new RegExp(`proctriage sample --replay ${dir}`));
  });
});

describe('proctriage capture → triage --replay', () => {
  it('replays to the verdict reached live', async () => {
    const parent = await spawnWaitpidParent({ children: 2 });
    try {
      const out = join(scratch, 'cap-waitpid');
      const cap = await runCli(['capture', String(parent.pid), '-o', out, '--samples', '2', '--interval', '200']);
      expect(cap.code, cap.stderr).toBe(0);
      expect(cap.stdout).toContain(`captured 2 samples of pid ${parent.pid}`);
      // Live and capture are two measurements of one steady process; the machine's PSI moves
      // between them, so the comparison is made above any contention (threshold 100 %).
      const live = JSON.parse((await runCli(['triage', String(parent.pid), '--json', '--interval', '200', '--threshold', '100'])).stdout) as Diagnosis;
      const replayed = JSON.parse((await runCli(['triage', '--replay', out, '--json', '--threshold', '100'])).stdout) as Diagnosis;
      expect(replayed.source.mode).toBe('replay');
      expect(replayed.verdict.kind).toBe(live.verdict.kind);
      expect(replayed.verdict.summary).toBe(live.verdict.summary);
      expect(replayed.waitGroups.map((g) => [g.kind, g.function, g.count])).toEqual(live.waitGroups.map((g) => [g.kind, g.function, g.count]));
      expect(replayed.threads.map((t) => [t.tid, t.wait.kind, t.wait.function, t.wait.summary])).toEqual(live.threads.map((t) => [t.tid, t.wait.kind, t.wait.function, t.wait.summary]));

      const again = await runCli(['capture', String(parent.pid), '-o', out]);
      expect(again.code).toBe(2);
      expectOneLineError(again.stderr, /exists and is not empty/);

      const file = join(scratch, 'a-file');
      writeFileSync(file, 'x');
      const underFile = await runCli(['capture', String(parent.pid), '-o', join(file, 'cap')]);
      expect(underFile.code).toBe(2);
      expectOneLineError(underFile.stderr, /^proctriage: cannot write the capture to .*a-file\/cap: a part of the path is a file$/);
    } finally {
      await parent.stop();
    }
  });
});
