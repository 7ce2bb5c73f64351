import { afterAll, describe, expect, it } from 'vitest';
import { RecordingProcFs } from '../../../src/capture/recording-procfs.js';
import { createProcFs } from '../../../src/procfs/procfs.js';
import { createMachineSampler } from '../../../src/sample/machine/sampler.js';
import { CountingProcFs } from '../../support/counting-procfs.js';
import { spawnFutexLockQueue, spawnManyThreads, spawnThreadChurn, stopAll } from '../../support/spawners.js';

afterAll(stopAll);

describe('incremental machine sampling', () => {
  it('reads only schedstat of a thread that has not run, and keeps its last reading as it was', async () => {
    const load = await spawnManyThreads(40, 'nanosleep');
    const counting = new CountingProcFs(createProcFs({ keepTaskFiles: 10_000 }));
    const sampler = createMachineSampler({ fs: counting, incremental: true, pids: [load.pid] });
    const first = sampler.sample();
    const reads = counting.reads.length;
    const second = sampler.sample();
    const secondReads = counting.reads.slice(reads).filter((r) => r.includes('/task/'));
    sampler.close();
    counting.close();
    const workers = (s: typeof first) => s.threads.filter((t) => load.waitingTids.includes(t.tid));
    expect(workers(first)).toHaveLength(40);
    // The parked workers did not run between the samples: one schedstat each, the same thread values.
    for (const t of workers(second)) {
      expect(secondReads.filter((r) => r.startsWith(`proc/${load.pid}/task/${t.tid}/`))).toEqual([`proc/${load.pid}/task/${t.tid}/schedstat`]);
      expect(workers(first)).toContain(t);
      expect(t.stillSinceMs).toBe(first.tMonoMs);
    }
    expect(second.stats.unchanged).toBeGreaterThanOrEqual(40);
    await load.stop();
  }, 30_000);

  it('reads a thread that ran again in full', async () => {
    const queue = await spawnFutexLockQueue(4, { holder: 'spinning' });
    const sampler = createMachineSampler({ incremental: true, pids: [queue.pid], lockWords: true });
    sampler.sample();
    await new Promise((r) => setTimeout(r, 30));
    const s = sampler.sample();
    sampler.close();
    const holder = s.threads.find((t) => t.tid === queue.pid);
    expect(holder?.state).toBe('R');
    expect(holder?.stillSinceMs).toBe(s.tMonoMs);
    // The four waiters are queued on one mutex: the lock word is the mutex's address.
    const waiters = s.threads.filter((t) => queue.waitingTids.includes(t.tid));
    expect(waiters.map((t) => t.lockWord)).toEqual(Array(4).fill(`0x${queue.futexAddr.toString(16)}`));
    await queue.stop();
  }, 30_000);

  it('keeps up with threads created and ended hundreds of times a second', async () => {
    const churn = await spawnThreadChurn(500);
    const sampler = createMachineSampler({ incremental: true, relistOnForks: true, listEveryMs: 50, keepOpenFds: 100_000 });
    let seen = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 1000) {
      const s = sampler.sample();
      seen += s.threads.filter((t) => t.pid === churn.pid).length;
      for (const t of s.threads) expect(t.wait.kind).toBeTypeOf('string');
      await new Promise((r) => setTimeout(r, 5));
    }
    sampler.close();
    expect(seen).toBeGreaterThan(0);
    await churn.stop();
  }, 30_000);
});

describe('every read goes through the ProcFs', () => {
  it('a recording ProcFs holds exactly what the sampler read, fast paths included', async () => {
    const load = await spawnManyThreads(10, 'epoll');
    const counting = new CountingProcFs(createProcFs({ keepTaskFiles: 1000 }));
    const sampler = createMachineSampler({ fs: counting, cgroupPressureEveryMs: 0 });
    for (let i = 0; i < 2; i++) {
      const from = counting.reads.length;
      const rec = new RecordingProcFs(counting);
      sampler.sample(rec);
      const recorded = rec.finish(0, 0);
      const held = new Set([...recorded.entries.keys(), ...Object.keys(recorded.errors)]);
      expect(held).toEqual(new Set(counting.reads.slice(from)));
      expect(held.has(`proc/${load.pid}/task/${load.waitingTids[0]}/stat`)).toBe(true);
    }
    sampler.close();
    counting.close();
    await load.stop();
  }, 30_000);
});
