import { describe, expect, it } from 'vitest';
import { fail } from '../../../src/procfs/errors.js';
import { RateController } from '../../../src/sample/machine/budget.js';
import { MachineFeed, PSI_HISTORY_LENGTH } from '../../../src/sample/machine/feed.js';
import type { MachineSample, MachineSampler } from '../../../src/sample/machine/types.js';
import type { ProcFs } from '../../../src/procfs/procfs.js';

const NO_PSI = fail({ kind: 'unsupported', path: 'pressure/x', message: 'none' });

class CountingSampler implements MachineSampler {
  calls = 0;
  throughs: (ProcFs | undefined)[] = [];
  sample(through?: ProcFs): MachineSample {
    this.calls++;
    this.throughs.push(through);
    const cpu = { ok: true as const, value: { some: { avg10: this.calls, avg60: 0, avg300: 0, total: 0 }, full: null } };
    return {
      tMonoMs: performance.now(),
      tWallMs: Date.now(),
      threads: [],
      pressure: { cpu, memory: NO_PSI, io: NO_PSI, irq: NO_PSI },
      cgroupPressure: null,
      stats: { processes: 0, threads: 0, vanished: 0, filesRead: 0, stacksRead: 0, wallMs: 0, cpuMs: 0, listRefreshed: true },
    };
  }
  close(): void {}
}

describe('the machine feed', () => {
  it('samples at once, then at its rate, and stops after maxSamples with every sample in an unbounded window', async () => {
    const sampler = new CountingSampler();
    const feed = MachineFeed.plain({ sampler, rate: new RateController({ fixedHz: 100 }), windowMs: Infinity, maxSamples: 5 });
    const counts: number[] = [];
    feed.subscribe((u) => counts.push(u.count));
    const t0 = performance.now();
    const window = await feed.run();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(window).toHaveLength(5);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    expect(sampler.calls).toBe(5);
  });

  it('keeps the window and the PSI history; a window handed out is never changed afterwards', async () => {
    const feed = MachineFeed.plain({ sampler: new CountingSampler(), rate: new RateController({ fixedHz: 1000 }), windowMs: 0, maxSamples: 3 });
    const windows: (readonly MachineSample[])[] = [];
    feed.subscribe((u) => windows.push(u.window));
    await feed.run();
    expect(windows.map((w) => w.length)).toEqual([1, 1, 1]);
    expect(new Set(windows.map((w) => w[0])).size).toBe(3);
    expect(feed.psiHistory.cpu).toEqual([1, 2, 3]);
    expect(feed.psiHistory.memory).toEqual([null, null, null]);
    expect(PSI_HISTORY_LENGTH).toBeGreaterThan(100);
  });

  it('reads each sample through the wrapper it makes, and hands that wrapper to subscribers', async () => {
    const sampler = new CountingSampler();
    const made: ProcFs[] = [];
    const feed = new MachineFeed({
      sampler,
      rate: new RateController({ fixedHz: 1000 }),
      maxSamples: 2,
      through: () => {
        const fs = { mode: 'live', root: '/x', cgroupRoot: null } as unknown as ProcFs;
        made.push(fs);
        return fs;
      },
    });
    const got: ProcFs[] = [];
    feed.subscribe((u) => got.push(u.through));
    await feed.run();
    expect(sampler.throughs).toEqual(made);
    expect(got).toEqual(made);
  });

  it('pauses and resumes (sampling at once), and records each tick’s cost in its rate', async () => {
    const sampler = new CountingSampler();
    const rate = new RateController({ fixedHz: 0.001 });
    const feed = MachineFeed.plain({ sampler, rate });
    feed.start();
    expect(sampler.calls).toBe(1);
    expect(rate.averageCostMs).not.toBeNull();
    feed.pause();
    feed.resume();
    expect(sampler.calls).toBe(2);
    feed.stop();
    await feed.done;
  });

  it('stops when a subscriber throws, and done rejects with its error', async () => {
    const feed = MachineFeed.plain({ sampler: new CountingSampler(), rate: new RateController({ fixedHz: 1000 }) });
    feed.subscribe(() => {
      throw new Error('subscriber failed');
    });
    feed.start();
    await expect(feed.done).rejects.toThrow('subscriber failed');
    expect(feed.count).toBe(1);
  });
});
