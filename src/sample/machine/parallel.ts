import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { createProcFs, type ProcFs } from '../../procfs/procfs.js';
import { createMachineSampler, type MachineSamplerCore, type Task } from './sampler.js';
import type { MachineSample, MachineThread } from './types.js';

/**
 * One full-machine sample for a one-shot command (`top --once`), shared with a worker thread
 * when the machine is big enough for it to pay: nearly all of a cold sample is open/read/close
 * system calls, which two threads do side by side. The tasks are handed out one at a time
 * through a shared counter, so neither side waits for the other: the main thread starts at
 * once, and the worker (≈ 20 ms to start) joins when it is ready. A worker that has not
 * joined when the main thread runs out of tasks is locked out and dropped; a worker that
 * fails after joining has its tasks read again here. Threads come out in listing order
 * either way.
 */

/**
 * Below this many threads the worker does not pay for its start (≈ 20 ms and ≈ 40 ms of CPU):
 * measured here, `top --once` at 2,000 threads was 120 ms with it and 116 ms without; at
 * 10,000, 302 ms with it and 352 ms without.
 */
export const PARALLEL_MIN_THREADS = 4000;

/** Slots of the shared control array. */
const NEXT = 0;
const JOINED = 1;
/** JOINED values: the worker has not come, has claimed its place, or was locked out. */
const NOT_YET = 0;
const CAME = 1;
const LOCKED_OUT = -1;

/** What the main thread sends the worker: the listing and the shared counter. */
export interface WorkerTasks {
  readonly procRoot: string;
  readonly tasks: readonly Task[];
  readonly control: SharedArrayBuffer;
}

/** What the worker sends back: the threads of each task it read, by index in the listing. */
export interface WorkerResult {
  readonly joined: boolean;
  readonly byTask: ReadonlyArray<readonly [number, readonly MachineThread[]]>;
  readonly vanished: number;
  readonly stacksRead: number;
  readonly filesRead: number;
}

export interface OnceOptions {
  readonly procRoot: string;
  /** The worker script (bin/sample-worker.cjs); without it the sample is read on this thread alone. */
  readonly workerScript?: string;
  /** Share the sample only from this many threads (default PARALLEL_MIN_THREADS). */
  readonly minThreadsForWorker?: number;
  /** Processes left out (proctriage's own); see MachineSamplerOptions.excludePids. */
  readonly excludePids?: readonly number[];
  /** CPUs free for a worker (default: from /proc/loadavg, see idleCpus). */
  readonly idleCpus?: () => number;
  /**
   * Wait up to this long for the worker to join before reading (default 0: never wait). For
   * tests, which must see the share happen whatever the load on the machine.
   */
  readonly awaitJoinMs?: number;
}

export async function sampleMachineOnce(options: OnceOptions): Promise<MachineSample> {
  const sampler = createMachineSampler({ procRoot: options.procRoot, cgroupPressureEveryMs: Infinity, excludePids: options.excludePids });
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const times = { tMonoMs: t0, tWallMs: Date.now() };
    const tasks = sampler.listTasks(undefined, { leaderStat: true });
    const threadCount = tasks.reduce((n, t) => n + t.tids.length, 0);
    const useWorker = options.workerScript !== undefined && threadCount >= (options.minThreadsForWorker ?? PARALLEL_MIN_THREADS) && (options.idleCpus ?? (() => idleCpus(createProcFs({ root: options.procRoot, cgroupRoot: null }))))() >= 1;
    const control = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    // Loaded only when used: most machines are below the threshold.
    const helper = useWorker ? startWorker((await import('node:worker_threads')).Worker, options.workerScript!, { procRoot: options.procRoot, tasks, control: control.buffer as SharedArrayBuffer }) : null;
    if (helper !== null && (options.awaitJoinMs ?? 0) > 0) {
      const until = performance.now() + options.awaitJoinMs!;
      while (Atomics.load(control, JOINED) === NOT_YET && performance.now() < until) await sleep(2);
    }

    const byTask = new Map<number, readonly MachineThread[]>();
    const tally = { vanished: 0, stacksRead: 0, filesRead: 0 };
    const readTask = (index: number): void => {
      const read = sampler.readTask(tasks[index]!);
      addTally(tally, read);
      byTask.set(index, read.threads);
    };
    forEachClaimed(control, tasks.length, readTask);

    let readers = 1;
    if (helper !== null) {
      if (Atomics.compareExchange(control, JOINED, NOT_YET, LOCKED_OUT) === NOT_YET) {
        void helper.worker.terminate();
      } else {
        const result = await helper.result;
        for (const [index, threads] of result?.byTask ?? []) byTask.set(index, threads);
        if (result) addTally(tally, result);
        if (result?.joined === true && result.byTask.length > 0) readers = 2;
        // A worker that died mid-way: read what it claimed and did not return.
        for (let i = 0; i < tasks.length; i++) if (!byTask.has(i)) readTask(i);
      }
    }

    const threads: MachineThread[] = [];
    let processes = 0;
    for (let i = 0; i < tasks.length; i++) {
      const read = byTask.get(i) ?? [];
      if (read.length > 0) processes++;
      for (const thread of read) threads.push(thread);
    }
    return sampler.finish({ t0, cpu0, times, threads, processes, ...tally, unchanged: 0, listRefreshed: true, readers });
  } finally {
    sampler.close();
  }
}

/**
 * CPUs no task wants right now: /proc/loadavg's fourth field counts the runnable tasks (this
 * one among them). On a busy machine a worker would only queue behind the others and add its
 * start-up to the wait.
 */
export function idleCpus(fs: ProcFs): number {
  // A proc root without loadavg (a capture): assume only this task runs.
  const loadavg = fs.readText('loadavg');
  const match = loadavg.ok ? /^\S+ \S+ \S+ (\d+)\//.exec(loadavg.value) : null;
  const runnable = match ? Number(match[1]) : 1;
  return availableParallelism() - Math.max(1, runnable);
}

interface Helper {
  readonly worker: Worker;
  /** The worker's answer; null when it failed or exited without one. */
  readonly result: Promise<WorkerResult | null>;
}

function startWorker(WorkerClass: typeof Worker, script: string, work: WorkerTasks): Helper | null {
  let worker: Worker;
  try {
    worker = new WorkerClass(script, { workerData: work, stdout: false, stderr: false });
  } catch {
    return null;
  }
  const result = new Promise<WorkerResult | null>((resolve) => {
    worker.once('message', (message: WorkerResult) => resolve(message));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
  return { worker, result };
}

type Tally = { vanished: number; stacksRead: number; filesRead: number };

function addTally(into: Tally, add: Tally): void {
  into.vanished += add.vanished;
  into.stacksRead += add.stacksRead;
  into.filesRead += add.filesRead;
}

/** Claim task indexes from the shared counter until none is left (both sides share it). */
function forEachClaimed(control: Int32Array, count: number, each: (index: number) => void): void {
  for (let i = Atomics.add(control, NEXT, 1); i < count; i = Atomics.add(control, NEXT, 1)) each(i);
}

/** The worker's side: claim tasks until none is left, then send what was read. */
export function runSampleWorker(work: WorkerTasks, send: (result: WorkerResult) => void): void {
  const control = new Int32Array(work.control);
  if (Atomics.compareExchange(control, JOINED, NOT_YET, CAME) !== NOT_YET) {
    send({ joined: false, byTask: [], vanished: 0, stacksRead: 0, filesRead: 0 });
    return;
  }
  // The sampler is built on the first task claimed: the main thread may already be waiting
  // on a worker that came too late to find one.
  let sampler = null as MachineSamplerCore | null;
  const byTask: Array<readonly [number, readonly MachineThread[]]> = [];
  const tally = { vanished: 0, stacksRead: 0, filesRead: 0 };
  forEachClaimed(control, work.tasks.length, (i) => {
    sampler ??= createMachineSampler({ procRoot: work.procRoot, cgroupPressureEveryMs: Infinity });
    const read = sampler.readTask(work.tasks[i]!);
    addTally(tally, read);
    byTask.push([i, read.threads]);
  });
  sampler?.close();
  send({ joined: true, byTask, ...tally });
}
