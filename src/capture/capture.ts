import { existsSync, rmSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessGoneError } from '../sample/process-gone.js';
import { errnoOf, UserError } from '../procfs/errors.js';
import type { HostFacts } from '../readers/types.js';
import type { ProcFs } from '../procfs/procfs.js';
import { takeSample } from '../sample/sampler.js';
import { liveHostFacts } from '../readers/host.js';
import { monotonicMs, processVanished } from '../sample/sampler.js';
import { IntervalObserver, type ObserveRate } from '../sample/observe.js';
import { readAllCounters } from '../sample/culprits.js';
import { ownPids } from '../procfs/names.js';
import { commitPartial, createPartial } from './partial.js';
import { RecordingProcFs, type RecordedSample } from './recording-procfs.js';
import { captureWriteError, checkCaptureTarget } from './target.js';
import { captureTreeSteps } from './write.js';
import { runStepsSliced, type Steps } from './steps.js';
import { BIG_PROCESS_THREADS, bigProcessReads, countTasks } from '../sample/big-process.js';

export interface CaptureOptions {
  readonly fs: ProcFs;
  readonly pid: number;
  readonly outDir: string;
  readonly samples: number;
  readonly intervalMs: number;
  /** Keep the whole command line (it may hold secrets); by default only the program name. */
  readonly includeCmdline: boolean;
  readonly scenario?: string;
  readonly howMade?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** Told before writing how big the capture will be, then how much is written (files). */
  readonly onWrite?: (progress: WriteProgress) => void;
  /** Cancels the capture: nothing is left behind, and it rejects with CaptureCancelled. */
  readonly signal?: AbortSignal;
  /**
   * Exit on SIGINT/SIGTERM/SIGHUP after removing the partial capture (the CLI's `capture`);
   * false for a caller that handles signals itself and cancels through `signal` (the dashboard).
   */
  readonly exitOnSignal?: boolean;
}

export interface CaptureResult {
  readonly dir: string;
  readonly samples: number;
  /** Files that could not be read, by kind (denied, vanished, …). */
  readonly errorCounts: Readonly<Record<string, number>>;
  /** The process exited before all samples were taken. */
  readonly exitedEarly: boolean;
}

const CAPTURE_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface WriteProgress {
  /** Files (and directories) the capture holds, and the text bytes in them. */
  readonly files: number;
  readonly bytes: number;
  /** Files written so far. */
  readonly written: number;
}

/** The capture was cancelled through its AbortSignal: nothing was left behind. */
export class CaptureCancelled extends Error {
  override readonly name = 'CaptureCancelled';
  constructor() {
    super('capture cancelled; nothing was written');
  }
}

/** Writing is cut into slices this long, so that a dashboard's keys and timers stay live. */
const WRITE_SLICE_MS = 4;

/** `steps`, stopping with CaptureCancelled when `signal` aborts, and counting files for `onStep`. */
function* cancellable<T>(steps: Steps<T>, signal: AbortSignal | undefined, onStep: (done: number) => void): Steps<T> {
  let done = 0;
  for (;;) {
    if (signal?.aborted) throw new CaptureCancelled();
    const r = steps.next();
    if (r.done) return r.value;
    if (++done % 500 === 0) onStep(done);
    yield;
  }
}

/** The program name alone: argv[0] without its directory. */
export function reducedCmdline(raw: string): string {
  const argv0 = raw.split('\0', 1)[0] ?? '';
  return `${basename(argv0)}\0`;
}

/** Looks between full samples are recorded at most this often: each is a sample directory of its own. */
const CAPTURE_LOOK_RATE: ObserveRate = { maxHz: 10, duty: 0.25 };
/** Above this many threads a capture records no looks between its samples (each would hold thousands of files). */
const MAX_LOOKED_THREADS = 1000;

/**
 * The looks at the threads between two full samples, each recorded as a light sample, as a live
 * triage takes them; without an observer (too many threads), the interval is only waited out.
 */
async function lookBetween(options: CaptureOptions, observer: IntervalObserver | null, recorded: RecordedSample[]): Promise<void> {
  const until = monotonicMs() + options.intervalMs;
  let delay = observer ? 1000 / CAPTURE_LOOK_RATE.maxHz : options.intervalMs;
  while (observer && monotonicMs() + delay < until) {
    await sleep(delay);
    const recorder = new RecordingProcFs(options.fs);
    const t0 = monotonicMs();
    if (!observer.look(recorder, t0)) break;
    recorded.push(recorder.finish(t0, Date.now(), true));
    delay = observer.nextDelayMs(monotonicMs() - t0);
  }
  const left = until - monotonicMs();
  if (left > 0) await sleep(left);
}

/**
 * Sample a live process N times into a fixture directory. Written to a temporary
 * directory beside the target and renamed at the end, so an interrupted capture never
 * leaves a half fixture that replays as valid.
 */
export async function captureProcess(options: CaptureOptions): Promise<CaptureResult> {
  const outDir = resolve(options.outDir);
  checkCaptureTarget(outDir);
  let partial: string | null = null;
  const cleanup = () => {
    if (partial !== null) rmSync(partial, { recursive: true, force: true });
  };
  // Interrupted: remove the partial capture, exit as the signal would have (128 + its number).
  // Set before the partial exists, so that no signal can leave it behind.
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.exit(128 + (osConstants.signals[signal] ?? 0));
  };
  const exitOnSignal = options.exitOnSignal !== false;
  if (exitOnSignal) for (const signal of CAPTURE_SIGNALS) process.once(signal, onSignal);
  try {
    // Owner-only: a capture taken as root holds what only root may read (stacks, io, fd/).
    const tmp = (partial = createPartial(dirname(outDir), basename(outDir)));
    const host = liveHostFacts(options.fs);
    const recorded: RecordedSample[] = [];
    const errorCounts: Record<string, number> = {};
    let comm = '?';
    let exitedEarly = false;
    let starttime: number | null = null;
    let observer: IntervalObserver | null = null;
    const exclude = new Set(ownPids(options.fs.root));
    for (let i = 0; i < options.samples; i++) {
      if (options.signal?.aborted) throw new CaptureCancelled();
      if (i > 0) await lookBetween(options, observer, recorded);
      if (options.signal?.aborted) throw new CaptureCancelled();
      const recorder = new RecordingProcFs(options.fs);
      recorder.readText('sys/kernel/osrelease');
      // A huge process is captured as a dashboard reads it: its full samples would otherwise take seconds each.
      const big = (observer?.latest().size ?? countTasks(options.fs, options.pid)) > BIG_PROCESS_THREADS;
      const sample = takeSample(recorder, options.pid, big ? bigProcessReads(host.arch) : {});
      if (processVanished(sample)) {
        const stat = sample.process.stat;
        if (i === 0) throw new ProcessGoneError(options.pid, false, stat.ok ? { kind: 'vanished', path: String(options.pid), message: 'exited' } : stat.error);
        exitedEarly = true;
        break;
      }
      const stat = sample.process.stat;
      // A different start time: the pid now names another process; what follows is not the target.
      if (stat.ok && starttime !== null && stat.value.starttime !== starttime) {
        exitedEarly = true;
        break;
      }
      if (stat.ok) {
        comm = stat.value.comm;
        starttime = stat.value.starttime;
      }
      // Every process's counters, so that replay names the same culprits.
      readAllCounters(recorder, sample.tMonoMs, exclude);
      const cmdline = options.fs.readText(`${options.pid}/cmdline`);
      if (cmdline.ok) recorder.addText(`${options.pid}/cmdline`, options.includeCmdline ? cmdline.value : reducedCmdline(cmdline.value));
      for (const e of Object.values(recorder.recordedErrors)) errorCounts[e.kind] = (errorCounts[e.kind] ?? 0) + 1;
      recorded.push(recorder.finish(sample.tMonoMs, sample.tWallMs));
      const threads = sample.process.threads.ok ? sample.process.threads.value : [];
      observer = threads.length <= MAX_LOOKED_THREADS ? new IntervalObserver(options.pid, host, { tMonoMs: sample.tMonoMs, threads }, CAPTURE_LOOK_RATE) : null;
      options.onProgress?.(recorded.filter((r) => !r.light).length, options.samples);
    }
    // Looks after the last full sample (the process exited during them) belong to no interval.
    while (recorded.at(-1)?.light) recorded.pop();
    const files = recorded.reduce((n, r) => n + r.entries.size + 1, 1);
    const bytes = recorded.reduce((n, r) => n + r.bytes, 0);
    options.onWrite?.({ files, bytes, written: 0 });
    await runStepsSliced(cancellable(captureTreeSteps(tmp, recorded, {
      pid: options.pid,
      comm,
      host,
      intervalMs: options.intervalMs,
      howMade: options.howMade ?? `proctriage capture ${options.pid} --samples ${options.samples} --interval ${options.intervalMs}`,
      ...(options.scenario ? { scenario: options.scenario } : {}),
      fullCmdline: options.includeCmdline,
      machineCounters: true,
    }), options.signal, (written) => options.onWrite?.({ files, bytes, written })), WRITE_SLICE_MS);
    if (existsSync(outDir)) rmSync(outDir, { recursive: true });
    commitPartial(tmp, outDir);
    return { dir: outDir, samples: recorded.filter((r) => !r.light).length, errorCounts, exitedEarly };
  } catch (err) {
    cleanup();
    // Reads never throw (errors are values): an errno here is a write that failed.
    throw errnoOf(err) !== undefined ? captureWriteError(outDir, err) : err;
  } finally {
    if (exitOnSignal) for (const signal of CAPTURE_SIGNALS) process.removeListener(signal, onSignal);
  }
}

export interface KeptCaptureOptions {
  /** Samples kept in memory (MemoryProcFs), oldest first. */
  readonly samples: readonly RecordedSample[];
  readonly pid: number;
  readonly comm: string;
  readonly host: HostFacts;
  readonly outDir: string;
  readonly howMade: string;
  readonly onWrite?: (progress: WriteProgress) => void;
  readonly signal?: AbortSignal;
}

/**
 * Write samples already in memory as a capture: attach's `c` after the process exited, when
 * nothing is left to read. The command line is cut to the program name as `capture` does.
 */
export async function writeKeptCapture(options: KeptCaptureOptions): Promise<CaptureResult> {
  const outDir = resolve(options.outDir);
  checkCaptureTarget(outDir);
  if (options.samples.length === 0) throw new UserError('no sample of the process is in memory: nothing to capture', EXIT_NOTHING_KEPT);
  const cmdlineKey = `proc/${options.pid}/cmdline`;
  const samples = options.samples.map((s): RecordedSample => {
    const entries = new Map(s.entries);
    const cmdline = entries.get(cmdlineKey);
    if (cmdline?.type === 'text') entries.set(cmdlineKey, { type: 'text', text: reducedCmdline(cmdline.text) });
    if (!entries.has('proc/sys/kernel/osrelease')) entries.set('proc/sys/kernel/osrelease', { type: 'text', text: `${options.host.kernelRelease}\n` });
    return { ...s, entries };
  });
  let tmp: string | null = null;
  try {
    tmp = createPartial(dirname(outDir), basename(outDir));
    const files = samples.reduce((n, r) => n + r.entries.size + 1, 1);
    options.onWrite?.({ files, bytes: 0, written: 0 });
    const intervalMs = samples.length > 1 ? Math.round(samples[samples.length - 1]!.tMonoMs - samples[0]!.tMonoMs) : 0;
    const dir = tmp;
    await runStepsSliced(
      cancellable(captureTreeSteps(dir, samples, { pid: options.pid, comm: options.comm, host: options.host, intervalMs, howMade: options.howMade, fullCmdline: false }), options.signal, (written) => options.onWrite?.({ files, bytes: 0, written })),
      WRITE_SLICE_MS,
    );
    commitPartial(tmp, outDir);
    const errorCounts: Record<string, number> = {};
    for (const s of samples) for (const e of Object.values(s.errors)) errorCounts[e.kind] = (errorCounts[e.kind] ?? 0) + 1;
    return { dir: outDir, samples: samples.length, errorCounts, exitedEarly: true };
  } catch (err) {
    if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
    throw errnoOf(err) !== undefined ? captureWriteError(outDir, err) : err;
  }
}

/** Exit code of a capture with nothing to write (a usage error: there is no sample yet). */
const EXIT_NOTHING_KEPT = 2;
