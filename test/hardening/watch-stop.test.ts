/**
 * `watch` stops when asked (issue 15, point 4), on a 10,000-thread target where a capture is
 * hundreds of thousands of files: the first SIGINT/SIGTERM stops sampling and says so on stderr
 * at once, then writes what it collected with progress lines; a second signal exits at once,
 * leaving the partial capture, which the next watch into the same directory removes. (Before:
 * 16–130 s to stop, the second signal 130 s, nothing said.) The bounds are loose: they catch a
 * watch that does not hear a signal, not a slow disk.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnManyThreads, spawnSleeper, type Spawned } from '../support/spawners.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'proctriage');
const scratch = mkdtempSync(join(tmpdir(), 'proctriage-watch-stop-'));
let big: Spawned;

beforeAll(async () => {
  big = await spawnManyThreads(10_000, 'futex');
}, 120_000);
afterAll(async () => {
  await big?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

interface Run {
  readonly child: ChildProcess;
  stderr: string;
  stdout: string;
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

function watch(args: readonly string[]): Run {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = {
    child,
    stderr: '',
    stdout: '',
    closed: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, at: Date.now() }))),
  };
  child.stdout!.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (run.stderr += d.toString()));
  return run;
}

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
  return Date.now();
}

/** A watch of the big process that has triggered and is collecting its `--after` samples. */
async function collecting(dir: string): Promise<Run> {
  const run = watch([String(big.pid), '--when', 'state:S', '--capture', dir, '--before', '2', '--after', '60', '--interval', '1000', '--cooldown', '600']);
  // Two ticks of 10,000 threads: the trigger fired on the first and the second is collected.
  await sleep(4000);
  expect(run.child.exitCode, run.stderr).toBeNull();
  return run;
}

describe('watch on a 10,000-thread process stops when asked', () => {
  it('the first signal stops sampling, says so at once and writes the capture it has with progress; exit 0', async () => {
    const dir = join(scratch, 'one');
    const run = await collecting(dir);
    const sent = Date.now();
    run.child.kill('SIGINT');
    const heard = await until('the stop line', () => run.stderr.includes('SIGINT: sampling stops'), 5_000);
    expect(heard - sent).toBeLessThan(5_000);
    await until('the writing line', () => /writing 1 capture with the samples collected \([\d,]+ files, [\d.]+ MiB of text\); a second signal stops at once/.test(run.stderr), 10_000);
    const closed = await run.closed;
    expect(closed.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/captured .*\/0001 .*cut short/);
    expect(readdirSync(dir)).toEqual(['0001']);
  }, 180_000);

  it('a second signal exits at once (130), leaving a partial that the next watch removes', async () => {
    const dir = join(scratch, 'two');
    const run = await collecting(dir);
    run.child.kill('SIGTERM');
    await until('the writing line', () => run.stderr.includes('writing 1 capture'), 10_000);
    const second = Date.now();
    run.child.kill('SIGINT');
    const closed = await run.closed;
    expect(closed.code, run.stderr).toBe(130);
    expect(closed.at - second).toBeLessThan(3_000);
    expect(run.stderr).toContain('SIGINT again: stopped at once');
    const left = readdirSync(dir);
    expect(left.some((n) => /^\.0001\.partial-\d+-\d+$/.test(n)), left.join(' ')).toBe(true);

    // The next watch into the directory removes what the stopped one left.
    const sleeper = await spawnSleeper();
    try {
      const next = watch([String(sleeper.pid), '--when', 'state:D', '--capture', dir, '--interval', '200']);
      await until('the cleanup line', () => /removed .*partial capture/.test(next.stderr) || next.child.exitCode !== null, 20_000);
      next.child.kill('SIGTERM');
      expect((await next.closed).code, next.stderr).toBe(0);
      expect(readdirSync(dir).filter((n) => n.includes('.partial-'))).toEqual([]);
    } finally {
      await sleeper.stop();
    }
    expect(existsSync(join(dir, '0001'))).toBe(false);
  }, 180_000);
});
