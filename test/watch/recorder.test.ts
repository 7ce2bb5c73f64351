/**
 * The flight recorder writes its captures without stalling its sampling. The file system is
 * made slow (or full) for the captures of this file by wrapping `writeFileSync`: a capture of a
 * few hundred files then takes over a second to write, and the ticks must go on meanwhile.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCapture } from '../../src/capture/fixture.js';
import { createProcFs } from '../../src/procfs/procfs.js';
import { monotonicMs } from '../../src/sample/sampler.js';
import { parseCondition } from '../../src/watch/conditions.js';
import { runWatch, type CaptureFailure, type CaptureReport, type WatchOptions } from '../../src/watch/recorder.js';
import { spawnSleeper, stopAll } from '../support/spawners.js';

const scratch = mkdtempSync(join(tmpdir(), 'proctriage-recorder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterAll(stopAll);

/** How files under `scratch` are written: each write busy-waits `msPerFile`; `fail` makes writes throw that errno. */
const disk = vi.hoisted(() => ({ root: '', msPerFile: 0, fail: null as string | null }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeFileSync: typeof fs.writeFileSync = (file, data, options) => {
    if (disk.root !== '' && typeof file === 'string' && file.startsWith(disk.root)) {
      if (disk.fail) throw Object.assign(new Error(`${disk.fail}: simulated, write '${file}'`), { code: disk.fail });
      for (const until = performance.now() + disk.msPerFile; performance.now() < until; );
    }
    fs.writeFileSync(file, data, options);
  };
  return { ...fs, default: { ...fs, writeFileSync }, writeFileSync };
});
disk.root = scratch;

function condition(text: string) {
  const c = parseCondition(text);
  if (!c.ok) throw new Error(c.message);
  return c.condition;
}

interface Run {
  readonly ticks: number[];
  readonly captures: (CaptureReport & { atMs: number })[];
  readonly failures: CaptureFailure[];
  readonly done: Promise<unknown>;
  stop(): void;
}

/** runWatch on a live process; `onCapture` may stop it. */
function watch(pid: number, dir: string, options: Partial<WatchOptions>, until: (run: Run) => boolean): Run {
  const controller = new AbortController();
  const run: Run = {
    ticks: [],
    captures: [],
    failures: [],
    done: Promise.resolve(),
    stop: () => controller.abort(),
  };
  const check = () => {
    if (until(run)) controller.abort();
  };
  (run as { done: Promise<unknown> }).done = runWatch({
    fs: createProcFs(),
    pid,
    conditions: [condition('state:S>1s')],
    captureDir: dir,
    intervalMs: 100,
    beforeMs: 1000,
    afterMs: 300,
    cooldownMs: 0,
    maxCaptures: 20,
    maxBytes: 2 ** 40,
    howMade: 'recorder.test.ts',
    signal: controller.signal,
    onCapture: (r) => {
      run.captures.push({ ...r, atMs: monotonicMs() });
      check();
    },
    onCaptureFailed: (f) => {
      run.failures.push(f);
      check();
    },
    onTick: () => {
      run.ticks.push(monotonicMs());
      check();
    },
    ...options,
  });
  return run;
}

function largestGap(times: readonly number[]): number {
  return Math.max(...times.slice(1).map((t, i) => t - times[i]!));
}

describe('runWatch writes captures in the background', () => {
  it('keeps sampling at its interval while a slow capture is written; the next capture has no gap', async () => {
    const sleeper = await spawnSleeper();
    const dir = join(scratch, 'slow');
    disk.msPerFile = 3;
    try {
      // state:S>1s holds from ~1 s on and the cooldown is 0: capture 2 fires on the tick after
      // capture 1's last sample, and its 1 s before the trigger is taken while capture 1 is written.
      const run = watch(sleeper.pid, dir, {}, (r) => r.captures.length >= 2);
      await run.done;
      expect(run.failures).toEqual([]);
      // Stopping drains the queue: capture 3, triggered while 2 was written, is written too.
      expect(run.captures.map((c) => c.dir).slice(0, 2)).toEqual([join(dir, '0001'), join(dir, '0002')]);

      const first = loadCapture(join(dir, '0001')).meta;
      const writeMs = run.captures[0]!.atMs - first.samples.at(-1)!.tMonoMs;
      expect(writeMs, 'the slowed write of capture 1 takes many intervals (else this test proves nothing)').toBeGreaterThan(600);
      const during = run.ticks.filter((t) => t > first.samples.at(-1)!.tMonoMs && t < run.captures[0]!.atMs);
      expect(during.length, 'ticks while capture 1 was written').toBeGreaterThanOrEqual(Math.floor(writeMs / 100) - 3);
      expect(largestGap(run.ticks), 'no tick waits for a write').toBeLessThan(300);

      const second = loadCapture(join(dir, '0002')).meta;
      expect(second.samples[0]!.tMonoMs, 'capture 2 starts before capture 1 was on disk').toBeLessThan(run.captures[0]!.atMs);
      expect(second.triggerSample).toBe(10); // a full 1 s ring at 100 ms
      expect(largestGap(second.samples.map((s) => s.tMonoMs))).toBeLessThan(300);
      expect(readdirSync(dir).sort()).toEqual(run.captures.map((c) => c.dir.slice(dir.length + 1)));
    } finally {
      disk.msPerFile = 0;
      await sleeper.stop();
    }
  }, 30_000);

  it('a capture that cannot be written (disk full) is reported, leaves no partial, and the watch goes on', async () => {
    const sleeper = await spawnSleeper();
    const dir = join(scratch, 'full');
    disk.fail = 'ENOSPC';
    try {
      const run = watch(sleeper.pid, dir, { beforeMs: 300, afterMs: 0 }, (r) => {
        if (r.failures.length > 0) disk.fail = null; // space comes back
        return r.captures.length >= 1;
      });
      await run.done;
      expect(run.failures.length).toBeGreaterThanOrEqual(1);
      expect(run.failures[0]!.reason).toBe('no space left on the device');
      expect(run.failures[0]!.dir).toBe(join(dir, '0001'));
      expect(run.failures[0]!.hit.condition.text).toBe('state:S>1s');
      // The capture after it is written under the same number: the failed one left nothing.
      expect(run.captures[0]!.dir).toBe(join(dir, '0001'));
      expect(readdirSync(dir).sort()).toEqual(run.captures.map((c) => c.dir.slice(dir.length + 1)));
      expect(existsSync(join(dir, '0001', 'meta.json'))).toBe(true);
      expect(existsSync(join(dir, '0001', '.proctriage-partial'))).toBe(false);
    } finally {
      disk.fail = null;
      await sleeper.stop();
    }
  }, 30_000);
});
