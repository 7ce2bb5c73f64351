import { ownPids } from '../procfs/names.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { reducedCmdline } from '../capture/capture.js';
import { ProcessGoneError } from '../sample/process-gone.js';
import { diagnoseThread } from '../diagnose/threads.js';
import { UserError } from '../procfs/errors.js';
import type { ProcFs } from '../procfs/procfs.js';
import { monotonicMs, takeSample } from '../sample/sampler.js';
import type { Sample } from '../sample/types.js';
import type { HostFacts } from '../readers/types.js';
import { liveHostFacts } from '../readers/host.js';
import { processVanished } from '../sample/sampler.js';
import { createMachineSampler } from '../sample/machine/sampler.js';
import { RateController } from '../sample/machine/budget.js';
import { MachineFeed } from '../sample/machine/feed.js';
import type { MachineSample } from '../sample/machine/types.js';
import { BIG_PROCESS_THREADS, bigProcessReads } from '../sample/big-process.js';
import { BackgroundCaptureWriter, type WatchCaptureInput, type WriteProgress } from './capture-writer.js';
import { firstHit, needsWaitKinds, trackStates, type Condition, type HeldStates, type Hit, type WatchFrame } from './conditions.js';
import { RecordingProcFs, type RecordedSample } from '../capture/recording-procfs.js';
import { Ring } from './ring.js';

export interface WatchOptions {
  readonly fs: ProcFs;
  /** The process to sample each tick; null: the machine (PSI and every thread). */
  readonly pid: number | null;
  readonly conditions: readonly Condition[];
  /** Captures go to `<captureDir>/NNNN`. */
  readonly captureDir: string;
  readonly intervalMs: number;
  /** How much history before the trigger a capture holds, and how long it keeps sampling after. */
  readonly beforeMs: number;
  readonly afterMs: number;
  /** No new trigger for this long after one. */
  readonly cooldownMs: number;
  /** Disk bound: when either is exceeded, the oldest captures of this run are deleted. */
  readonly maxCaptures: number;
  readonly maxBytes: number;
  /** The command line, for meta.json `howMade`. */
  readonly howMade: string;
  readonly signal: AbortSignal;
  readonly onCapture: (report: CaptureReport) => void;
  /** A capture could not be written (disk full, no permission): its partial is removed and the watch goes on. */
  readonly onCaptureFailed: (failure: CaptureFailure) => void;
  /** Called after every tick (for a heartbeat on a terminal). */
  readonly onTick?: (status: WatchStatus) => void;
  /**
   * Sampling has ended and captures are still to be written: `progress` says how far the
   * writing is, until the returned promise settles (the CLI shows it on stderr).
   */
  readonly onDrain?: (progress: () => WriteProgress) => void;
}

export interface CaptureReport {
  readonly dir: string;
  readonly hit: Hit;
  /** Wall time of the trigger sample. */
  readonly triggerWallMs: number;
  readonly samples: number;
  readonly triggerSample: number;
  readonly bytes: number;
  readonly pid: number | null;
  readonly comm: string;
  /** Older captures of this run deleted to stay within --max-captures / --max-bytes. */
  readonly deleted: readonly string[];
  /** The process exited or the watch was stopped before all `--after` samples were taken. */
  readonly cutShort: boolean;
}

export interface CaptureFailure {
  /** The capture it was writing, or the `--capture` directory if it did not get that far. */
  readonly dir: string;
  readonly hit: Hit;
  readonly triggerWallMs: number;
  /** Why, in words: `permission denied`, `no space left on the device`, … */
  readonly reason: string;
}

export interface WatchStatus {
  readonly samples: number;
  readonly captures: number;
  /** Milliseconds until a new trigger may fire (0: armed). */
  readonly cooldownLeftMs: number;
  /** Collecting the samples after a trigger. */
  readonly collecting: boolean;
  /** Captures queued or being written in the background. */
  readonly writing: number;
  /** Milliseconds the last tick's sampling took. */
  readonly lastTickMs: number;
}

export interface WatchResult {
  readonly reason: 'stopped' | 'exited';
  readonly message: string;
  readonly samples: number;
  readonly captures: number;
}

interface Pending {
  readonly before: readonly RecordedSample[];
  readonly after: RecordedSample[];
  readonly hit: Hit;
  readonly triggerWallMs: number;
  /** Machine scope: the process also sampled in full from the trigger on. */
  readonly focus: number | null;
  readonly comm: string;
}

/**
 * Captures waiting to be written (one being written, one queued) beyond which no new trigger
 * fires: memory stays bounded when triggers come faster than the disk takes them.
 */
export const MAX_WRITE_BACKLOG = 2;

/** File work of a capture between two turns of the event loop: a tick waits for at most about this long. */
export const WRITE_SLICE_MS = 4;

/** Samples kept before a trigger: the trigger sample and `beforeMs` of history (at least one, for rates). */
export function ringCapacity(beforeMs: number, intervalMs: number): number {
  return Math.max(2, Math.round(beforeMs / intervalMs) + 1);
}

export function afterCount(afterMs: number, intervalMs: number): number {
  return Math.ceil(afterMs / intervalMs);
}

/** What the conditions see of one process sample; wait kinds are classified only when a condition needs them. */
export function frameFromSample(sample: Sample, host: HostFacts, classify: boolean): WatchFrame {
  const stat = sample.process.stat;
  const threads = sample.process.threads.ok ? sample.process.threads.value : [];
  const model = { previous: null, current: sample, host, rates: null, pidReused: false, observations: null };
  return {
    tMonoMs: sample.tMonoMs,
    pressure: sample.systemPressure,
    threads: threads.map((t) => ({
      pid: sample.process.pid,
      tid: t.tid,
      comm: t.stat.ok ? t.stat.value.comm : '?',
      state: t.stat.ok ? t.stat.value.state : '?',
      kind: classify ? diagnoseThread(t, model, host).wait.kind : null,
    })),
    cpuTicks: stat.ok ? stat.value.utime + stat.value.stime : null,
    clockTicksPerSecond: host.clockTicksPerSecond,
  };
}

/** A PSI condition on a resource this kernel does not report could never fire: say so at the start. */
function checkPressureAvailable(conditions: readonly Condition[], frame: WatchFrame): void {
  for (const c of conditions) {
    if (c.type !== 'psi-avg' && c.type !== 'psi-rate') continue;
    const p = frame.pressure[c.resource];
    if (!p.ok) throw new UserError(`--when ${c.text} can never hold here: ${p.error.message}`);
    if (p.value[c.line] === null) throw new UserError(`--when ${c.text} can never hold here: /proc/pressure/${c.resource} has no ${c.line} line on this kernel`);
  }
}

function describeScenario(report: Pick<CaptureReport, 'hit' | 'triggerWallMs' | 'pid' | 'comm'>, opts: WatchOptions): string {
  const scope = opts.pid === null ? 'machine scope (PSI and every thread)' : 'process scope';
  const who = report.pid === null ? scope : `${scope}; pid ${report.pid} ${report.comm}`;
  return `proctriage watch: --when ${report.hit.condition.text} held at ${new Date(report.triggerWallMs).toISOString()} (${report.hit.summary}; value ${Number(report.hit.value.toFixed(3))}); ${who}; --before ${opts.beforeMs / 1000} s, --after ${opts.afterMs / 1000} s, --interval ${opts.intervalMs} ms`;
}

/** What one tick of sampling saw; `gone` when the watched process exited or its pid was reused. */
type TickResult = { readonly frame: WatchFrame; readonly tWallMs: number; readonly comm: string | null } | { readonly gone: Sample };

/**
 * Reads one process fully (the same `takeSample` as triage), so its capture replays to the
 * same diagnosis; `starttime` tells a reused pid from the process first seen.
 */
class ProcessTicker {
  private starttime: number | null = null;
  /** Threads at the last tick: above BIG_PROCESS_THREADS a tick reads what triage reads of a huge process. */
  private threads = 0;
  constructor(
    private readonly fs: ProcFs,
    private readonly host: HostFacts,
    private readonly classify: boolean,
  ) {}

  tick(rec: RecordingProcFs, pid: number): TickResult {
    const sample = takeSample(rec, pid, this.threads > BIG_PROCESS_THREADS ? bigProcessReads(this.host.arch) : {});
    if (sample.process.threads.ok) this.threads = sample.process.threads.value.length;
    const stat = sample.process.stat;
    if (processVanished(sample) || (stat.ok && this.starttime !== null && stat.value.starttime !== this.starttime)) return { gone: sample };
    if (stat.ok) this.starttime = stat.value.starttime;
    const cmdline = this.fs.readText(`${pid}/cmdline`);
    if (cmdline.ok) rec.addText(`${pid}/cmdline`, reducedCmdline(cmdline.value));
    return { frame: frameFromSample(sample, this.host, this.classify), tWallMs: sample.tWallMs, comm: stat.ok ? stat.value.comm : null };
  }
}

/**
 * Without a PID: every thread of the machine, from the machine feed, read through this tick's
 * recorder (so its files are in the capture). Each sample lists the machine and reads every
 * thread in full: any sample may be the first of a capture, which must hold all it shows.
 */
function machineFeed(fs: ProcFs, host: HostFacts, intervalMs: number): MachineFeed<RecordingProcFs> {
  // proctriage's own threads would show as a running node in every sample.
  const sampler = createMachineSampler({ fs, arch: host.arch, cgroupPressureEveryMs: Infinity, excludePids: ownPids(fs.root) });
  return new MachineFeed({ sampler, rate: new RateController({ fixedHz: 1000 / intervalMs }), windowMs: 0, through: () => newRecorder(fs) });
}


function machineTick(sample: MachineSample, host: HostFacts): TickResult {
  const threads = sample.threads.map((t) => ({ pid: t.pid, tid: t.tid, comm: t.comm, state: t.state, kind: t.wait.kind }));
  return { frame: { tMonoMs: monotonicMs(), pressure: sample.pressure, threads, cpuTicks: null, clockTicksPerSecond: host.clockTicksPerSecond }, tWallMs: sample.tWallMs, comm: null };
}

function newRecorder(fs: ProcFs): RecordingProcFs {
  const rec = new RecordingProcFs(fs);
  rec.readText('sys/kernel/osrelease');
  return rec;
}

/**
 * The flight recorder: sample every `intervalMs` into memory, keep the last samples in a
 * ring, and when a condition holds write them and the next `afterMs` of samples as a capture.
 * With a PID each tick is a full `takeSample` of it. Without one, each tick is a machine
 * sample (PSI and every thread's stat/wchan/syscall); from the trigger on, the process the
 * condition points at (if any) is also sampled fully, so `triage --replay` can diagnose it
 * at the trigger sample. Captures are written in the background (`BackgroundCaptureWriter`)
 * while sampling goes on. Returns when the signal aborts or the process exits, once a capture
 * in progress is written with the samples it has and every queued one is on disk.
 */
export async function runWatch(opts: WatchOptions): Promise<WatchResult> {
  const host = liveHostFacts(opts.fs);
  const ring = new Ring<RecordedSample>(ringCapacity(opts.beforeMs, opts.intervalMs));
  const wantAfter = afterCount(opts.afterMs, opts.intervalMs);
  const processTicker = new ProcessTicker(opts.fs, host, needsWaitKinds(opts.conditions));
  const writer = new BackgroundCaptureWriter({
    parent: opts.captureDir,
    scope: opts.pid === null ? 'machine' : 'process',
    host,
    intervalMs: opts.intervalMs,
    howMade: opts.howMade,
    maxCaptures: opts.maxCaptures,
    maxBytes: opts.maxBytes,
    sliceMs: WRITE_SLICE_MS,
  });
  let held: HeldStates = new Map();
  let previous: WatchFrame | null = null;
  let pending = null as Pending | null;
  let armedAtMs = 0;
  let samples = 0;
  let comm = '?';

  /** Hand the capture to the background writer; its line comes when it is on disk. */
  const finish = (p: Pending, cutShort: boolean): void => {
    const all = [...p.before, ...p.after];
    const base = { hit: p.hit, triggerWallMs: p.triggerWallMs, pid: opts.pid ?? p.focus, comm: p.comm };
    const input: WatchCaptureInput = { samples: all, triggerSample: p.before.length - 1, pid: base.pid ?? 0, comm: p.comm, scenario: describeScenario(base, opts) };
    void writer
      .write(input)
      .then((outcome) => {
        if (outcome.ok) opts.onCapture({ ...base, dir: outcome.dir, samples: all.length, triggerSample: input.triggerSample, bytes: outcome.bytes, deleted: outcome.deleted, cutShort });
        else opts.onCaptureFailed({ dir: outcome.dir, hit: p.hit, triggerWallMs: p.triggerWallMs, reason: outcome.reason });
      })
      .catch(() => {
        // Telling of the capture failed (its line could not be written: stdout closed);
        // the capture itself is on disk or reported. Nothing is left to tell it to.
      });
  };

  /** One tick: conditions, the ring, the capture being collected. `exited` when the watched process is gone. */
  const onTick = (rec: RecordingProcFs, tick: TickResult, t0: number): 'exited' | null => {
    if ('gone' in tick) {
      const stat = tick.gone.process.stat;
      if (samples === 0) throw new ProcessGoneError(opts.pid!, false, stat.ok ? { kind: 'vanished', path: String(opts.pid), message: 'exited' } : stat.error);
      return 'exited';
    }
    const frame = tick.frame;
    if (tick.comm !== null) comm = tick.comm;
    if (samples === 0) checkPressureAvailable(opts.conditions, frame);
    samples++;
    held = trackStates(held, frame);
    const armed = !pending && frame.tMonoMs >= armedAtMs && writer.backlog < MAX_WRITE_BACKLOG;
    const hit: Hit | null = armed ? firstHit(opts.conditions, previous, frame, held) : null;
    // Machine scope: from the trigger on, also read the process the condition points at in full.
    const focus: number | null = opts.pid === null ? (pending?.focus ?? hit?.pid ?? null) : null;
    let focusComm: string | null = null;
    if (focus !== null) {
      const focused = processTicker.tick(rec, focus);
      focusComm = 'gone' in focused ? null : focused.comm;
    }
    const recorded = rec.finish(frame.tMonoMs, tick.tWallMs);
    ring.push(recorded);

    if (pending) {
      pending.after.push(recorded);
    } else if (hit) {
      const who: string = opts.pid !== null ? comm : (focusComm ?? (focus !== null ? '?' : 'machine'));
      pending = { before: ring.toArray(), after: [], hit, triggerWallMs: tick.tWallMs, focus, comm: who };
      armedAtMs = frame.tMonoMs + opts.cooldownMs;
    }
    if (pending && pending.after.length >= wantAfter) {
      finish(pending, false);
      pending = null;
    }
    previous = frame;
    const now = monotonicMs();
    opts.onTick?.({ samples, captures: writer.captures, cooldownLeftMs: Math.max(0, armedAtMs - now), collecting: pending !== null, writing: writer.backlog, lastTickMs: now - t0 });
    return null;
  };

  const end = async (reason: WatchResult['reason'], message: string): Promise<WatchResult> => {
    if (pending) finish(pending, true);
    if (writer.backlog > 0) opts.onDrain?.(() => writer.progress);
    await writer.drain();
    return { reason, message, samples, captures: writer.captures };
  };

  try {
    if (opts.pid === null) await watchMachine(opts, host, onTick);
    else if ((await watchProcess(opts, (rec) => processTicker.tick(rec, opts.pid!), onTick)) === 'exited') return end('exited', `process ${opts.pid} exited`);
  } catch (err) {
    // A tick that failed: what was queued is still written before the error goes on up.
    await writer.drain().catch(() => undefined);
    throw err;
  }
  return end('stopped', 'stopped');
}

type OnTick = (rec: RecordingProcFs, tick: TickResult, t0: number) => 'exited' | null;

/** With a PID: a tick every `intervalMs` at a fixed cadence (a tick that overran its slot skips to the next one). */
async function watchProcess(opts: WatchOptions, read: (rec: RecordingProcFs) => TickResult, onTick: OnTick): Promise<'exited' | 'stopped'> {
  let next = monotonicMs();
  while (!opts.signal.aborted) {
    const t0 = monotonicMs();
    const rec = newRecorder(opts.fs);
    if (onTick(rec, read(rec), t0) === 'exited') return 'exited';
    const now = monotonicMs();
    next += opts.intervalMs;
    if (next < now) next = now + opts.intervalMs - ((now - next) % opts.intervalMs);
    try {
      await sleep(next - now, undefined, { signal: opts.signal });
    } catch {
      break; // aborted
    }
  }
  return 'stopped';
}

/** Without a PID: a tick per sample of the machine feed, until the signal aborts or a tick fails. */
async function watchMachine(opts: WatchOptions, host: HostFacts, onTick: OnTick): Promise<void> {
  const feed = machineFeed(opts.fs, host, opts.intervalMs);
  feed.subscribe(({ sample, through }) => {
    onTick(through, machineTick(sample, host), monotonicMs() - sample.stats.wallMs);
  });
  const stop = () => feed.stop();
  opts.signal.addEventListener('abort', stop, { once: true });
  try {
    if (!opts.signal.aborted) {
      feed.start();
      await feed.done;
    }
  } finally {
    opts.signal.removeEventListener('abort', stop);
    feed.stop();
  }
}
