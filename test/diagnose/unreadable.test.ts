import { afterAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCapture } from '../../src/capture/fixture.js';
import { ReplaySession } from '../../src/session/replay.js';

const scratch = mkdtempSync(join(tmpdir(), 'proctriage-unreadable-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Errors = Record<string, { kind: string; errno?: string; message: string }>;

/** A copy of a captured fixture in which some files are recorded as unreadable. */
function withRecordedErrors(fixture: string, extra: (pid: number, tids: number[]) => Errors): string {
  const dir = join(scratch, `${fixture}-${Object.keys(extra(0, [])).length}-${Math.random().toString(36).slice(2)}`);
  cpSync(join(import.meta.dirname, '..', '..', 'fixtures', fixture), dir, { recursive: true, verbatimSymlinks: true });
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { pid: number; samples: { dir: string }[] };
  for (const s of meta.samples) {
    const errorsPath = join(dir, 'samples', s.dir, 'errors.json');
    const errors = JSON.parse(readFileSync(errorsPath, 'utf8')) as Errors;
    const tids = [meta.pid];
    writeFileSync(errorsPath, JSON.stringify({ ...errors, ...extra(meta.pid, tids) }));
  }
  return dir;
}

const denied = { kind: 'denied', errno: 'EACCES', message: 'permission denied' };

describe('unreadable files degrade the diagnosis and say so', () => {
  it('stack, io and fd denied (not root, own process): still classified from wchan + syscall', () => {
    const dir = withRecordedErrors('pipe-reader', (pid) => ({
      [`proc/${pid}/task/${pid}/stack`]: denied,
      [`proc/${pid}/io`]: denied,
      [`proc/${pid}/task/${pid}/io`]: denied,
      [`proc/${pid}/fd`]: denied,
    }));
    const d = new ReplaySession(loadCapture(dir), { threshold: 100 }).last().diagnosis!;
    const t = d.threads[0]!;
    expect(t.wait.kind).toBe('pipe');
    expect(t.wait.function).toBe('anon_pipe_read');
    expect(t.wait.missing.join(' ')).toMatch(/stack/);
    expect(t.stack).toEqual([]);
    expect(d.source.complete).toBe(false);
    const what = d.missing.map((m) => m.what);
    expect(what).toContain('kernel stacks of 1 thread(s)');
    expect(what).toContain('I/O counters');
    expect(what).toContain('open files');
    expect(d.missing.find((m) => m.what === 'I/O counters')!.why).toMatch(/permission denied/);
    expect(d.process.readBytesPerSec).toBeNull();
    expect(d.process.fdCount).toBeNull();
  });

  it("another user's thread (wchan 0, syscall denied) is unknown, never running", () => {
    const dir = withRecordedErrors('nanosleep', (pid) => ({
      [`proc/${pid}/task/${pid}/stack`]: denied,
      [`proc/${pid}/task/${pid}/syscall`]: denied,
    }));
    // As another user wchan reads "0": rewrite it the way the kernel shows it.
    const meta = loadCapture(dir).meta;
    for (const s of meta.samples) writeFileSync(join(dir, 'samples', s.dir, 'proc', String(meta.pid), 'task', String(meta.pid), 'wchan'), '0');
    const d = new ReplaySession(loadCapture(dir), { threshold: 100 }).last().diagnosis!;
    expect(d.threads[0]!.wait.kind).toBe('unknown');
    expect(d.verdict.kind).toBe('hidden');
    expect(d.verdict.summary).toMatch(/hidden from this user/);
    expect(d.missing.some((m) => /syscalls of 1 thread/.test(m.what))).toBe(true);
    expect(d.next[0]!.command).toMatch(/^sudo proctriage triage/);
  });

  it('a malformed file is reported with its path and line, not a crash', () => {
    const dir = withRecordedErrors('pipe-reader', () => ({}));
    const meta = loadCapture(dir).meta;
    writeFileSync(join(dir, 'samples', '0001', 'proc', String(meta.pid), 'io'), 'rchar: 1\nwchar: x\n');
    const d = new ReplaySession(loadCapture(dir), { threshold: 100 }).last().diagnosis!;
    const io = d.missing.find((m) => m.what === 'I/O counters')!;
    expect(io.why).toMatch(new RegExp(`${meta.pid}/io`));
    expect(io.why).toMatch(/wchar is not a number/);
  });
});
