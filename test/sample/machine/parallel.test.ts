import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idleCpus, sampleMachineOnce } from '../../../src/sample/machine/parallel.js';
import { createProcFs } from '../../../src/procfs/procfs.js';
import type { MachineSample } from '../../../src/sample/machine/types.js';
import { spawnManyThreads, stopAll, type Spawned } from '../../support/spawners.js';

afterAll(stopAll);

// The worker runs the built bundle (npm test builds before vitest runs).
const WORKER = join(import.meta.dirname, '..', '..', '..', 'bin', 'sample-worker.cjs');

/** tid → "kind function" of the load's parked threads. */
function waitsOf(sample: MachineSample, loads: readonly Spawned[]): Map<number, string> {
  const tids = new Set(loads.flatMap((l) => l.waitingTids));
  return new Map(sample.threads.filter((t) => tids.has(t.tid)).map((t) => [t.tid, `${t.wait.kind} ${t.wait.function}`]));
}

describe('idle CPUs, from /proc/loadavg', () => {
  const root = mkdtempSync(join(tmpdir(), 'proctriage-loadavg-'));
  const cpus = availableParallelism();
  it('counts the CPUs that no runnable task (this one aside) wants', () => {
    writeFileSync(join(root, 'loadavg'), '0.50 0.40 0.30 1/2128 19500\n');
    expect(idleCpus(createProcFs({ root, cgroupRoot: null }))).toBe(cpus - 1);
    writeFileSync(join(root, 'loadavg'), `4.12 3.57 2.77 ${cpus + 3}/2128 19500\n`);
    expect(idleCpus(createProcFs({ root, cgroupRoot: null }))).toBeLessThan(1);
  });
  it('assumes only this task runs when loadavg cannot be read', () => {
    expect(idleCpus(createProcFs({ root: join(root, 'nowhere'), cgroupRoot: null }))).toBe(cpus - 1);
  });
  it('a busy machine does not start the worker', async () => {
    const s = await sampleMachineOnce({ procRoot: '/proc', workerScript: WORKER, minThreadsForWorker: 0, idleCpus: () => 0 });
    expect(s.stats.readers).toBe(1);
  });
});

describe('top --once shares its sample with a worker thread', () => {
  it('reads the same threads, in listing order, as one thread alone', async () => {
    const loads = [await spawnManyThreads(60, 'futex'), await spawnManyThreads(40, 'poll'), await spawnManyThreads(40, 'epoll')];
    const alone = await sampleMachineOnce({ procRoot: '/proc' });
    const shared = await sampleMachineOnce({ procRoot: '/proc', workerScript: WORKER, minThreadsForWorker: 0, idleCpus: () => 1, awaitJoinMs: 20_000 });
    expect(alone.stats.readers).toBe(1);
    expect(shared.stats.readers).toBe(2);
    const tids = shared.threads.map((t) => t.tid);
    expect(new Set(tids).size).toBe(tids.length);
    const pids = shared.threads.map((t) => t.pid);
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
    const a = waitsOf(alone, loads);
    const b = waitsOf(shared, loads);
    expect(a.size).toBe(140);
    expect(b).toEqual(a);
    expect(new Set(b.values())).toEqual(new Set(['futex futex_do_wait', 'poll poll_schedule_timeout', 'epoll do_epoll_wait'].filter((w) => [...a.values()].includes(w))));
    await Promise.all(loads.map((l) => l.stop()));
  }, 60_000);

  it('joins on a machine of many threads and does part of the work', async () => {
    const loads = [await spawnManyThreads(400, 'futex'), await spawnManyThreads(400, 'nanosleep')];
    // Under load the worker may start after this thread has read everything (it is then locked
    // out, by design): wait for it to join, so that the share itself is what is tested.
    const shared = await sampleMachineOnce({ procRoot: '/proc', workerScript: WORKER, minThreadsForWorker: 0, idleCpus: () => 1, awaitJoinMs: 20_000 });
    expect(waitsOf(shared, loads).size).toBe(800);
    expect(shared.stats.readers, 'the worker joined and read part of the machine').toBe(2);
    await Promise.all(loads.map((l) => l.stop()));
  }, 60_000);

  it('reads again what a worker claimed and never returned', async () => {
    // A worker that claims its place and the first task, then dies.
    const dir = mkdtempSync(join(tmpdir(), 'proctriage-worker-'));
    const dying = join(dir, 'dying-worker.cjs');
    writeFileSync(
      dying,
      `const { workerData } = require('node:worker_threads');
       const c = new Int32Array(workerData.control);
       if (Atomics.compareExchange(c, 1, 0, 1) === 0 && Atomics.add(c, 0, 1) < workerData.tasks.length) {
         require('node:fs').appendFileSync(${JSON.stringify(join(dir, 'claimed'))}, 'x');
       }
       throw new Error('worker died');`,
    );
    const load = await spawnManyThreads(200, 'futex');
    const control = await sampleMachineOnce({ procRoot: '/proc' });
    const shared = await sampleMachineOnce({ procRoot: '/proc', workerScript: dying, minThreadsForWorker: 0, idleCpus: () => 1, awaitJoinMs: 20_000 });
    expect(existsSync(join(dir, 'claimed')), 'the dying worker claimed a task').toBe(true);
    expect(waitsOf(shared, [load])).toEqual(waitsOf(control, [load]));
    // No task was lost: every process alive before and after the shared sample is in it (a count
    // would not do: other work on the machine starts and ends processes meanwhile).
    const after = new Set(readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number));
    const sharedPids = new Set(shared.threads.map((t) => t.pid));
    const stable = [...new Set(control.threads.map((t) => t.pid))].filter((pid) => after.has(pid));
    expect(stable.filter((pid) => !sharedPids.has(pid))).toEqual([]);
    expect(shared.stats.readers).toBe(1);
    await load.stop();
  }, 60_000);
});
