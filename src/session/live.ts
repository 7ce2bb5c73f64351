import { diagnose, ProcessGoneError } from '../diagnose/diagnose.js';
import type { Diagnosis } from '../diagnose/types.js';
import type { ReadError } from '../procfs/errors.js';
import type { ProcFs } from '../procfs/procfs.js';
import { buildModel } from '../sample/model.js';
import { FollowCache } from '../sample/follow-reads.js';
import { takeSample } from '../sample/sampler.js';
import type { HostFacts, Sample } from '../sample/types.js';
import { liveHostFacts } from './host.js';
import { stackWhereItDecides } from '../diagnose/stack-policy.js';
import type { ProcessReadOptions } from '../readers/process.js';
import type { SessionEnd, SessionStep, TriageSession } from './session.js';

export interface LiveSessionOptions {
  readonly threshold?: number;
  /**
   * A session that samples every second (the dashboard) reads less per thread: the stack only
   * where it decides the wait (D state, an ambiguous wait channel, the thread in focus), no
   * per-thread `io` (never shown), `children` only when a thread waits for children. A
   * one-shot triage or a capture reads everything.
   */
  readonly light?: boolean;
}

/**
 * True when the process went away while this sample was being read: any of the files every
 * process has says so (`io` is left out: without CONFIG_TASK_IO_ACCOUNTING it is absent), so a
 * sample read half before and half after the exit is never diagnosed.
 */
export function processVanished(sample: Sample): boolean {
  return vanishedError(sample) !== null;
}

/** The read that says the process went away (see `processVanished`), or null. */
export function vanishedError(sample: Sample): ReadError | null {
  const p = sample.process;
  for (const r of [p.stat, p.status, p.threads, p.limits, p.cgroup, p.fds]) if (!r.ok && r.error.kind === 'vanished') return r.error;
  return null;
}

/** Samples a live process; each step diagnoses the newest sample against the one before. */
export class LiveSession implements TriageSession {
  readonly mode = 'live' as const;
  readonly sampleCount = null;
  readonly host: HostFacts;
  private previous: Sample | null = null;
  /** Peer searches and the ppid map are kept a few seconds: the dashboard samples every second. */
  private readonly followCache = new FollowCache();
  private last: SessionStep = { diagnosis: null, sample: null, ended: null };
  private focusTid: number | null = null;
  private readonly readOptions: ProcessReadOptions;

  constructor(
    private readonly fs: ProcFs,
    readonly pid: number,
    private readonly options: LiveSessionOptions = {},
  ) {
    this.host = liveHostFacts(fs);
    this.readOptions = options.light ? { stack: stackWhereItDecides(this.host.arch), threadIo: false, children: false } : {};
  }

  /** The thread a view is showing in detail: a light session reads its stack every sample. */
  setFocus(tid: number | null): void {
    this.focusTid = tid;
  }

  get kernelRelease(): string {
    return this.host.kernelRelease;
  }

  /** Take a sample now. Throws ProcessGoneError only when the very first sample finds no process. */
  step(): SessionStep {
    if (this.last.ended) return this.last;
    const previous = this.options.light && this.previous?.process.threads.ok ? new Map(this.previous.process.threads.value.map((t) => [t.tid, t])) : undefined;
    const sample = takeSample(this.fs, this.pid, { ...this.readOptions, focusTid: this.focusTid, ...(previous ? { previous } : {}), follow: { arch: this.host.arch, cache: this.followCache } });
    this.fs.sweep?.();
    if (processVanished(sample)) {
      const stat = sample.process.stat;
      if (this.previous === null && !stat.ok) throw new ProcessGoneError(this.pid, false, stat.error);
      return this.end({ reason: 'exited', message: `process ${this.pid} exited` });
    }
    const model = buildModel(this.previous, sample, this.host);
    if (model.pidReused) {
      return this.end({ reason: 'pid-reused', message: `pid ${this.pid} now belongs to a different process (its start time changed); showing the last sample of the old one` });
    }
    const diagnosis = this.diagnoseModel(model);
    this.previous = sample;
    this.last = { diagnosis, sample, ended: null };
    return this.last;
  }

  private diagnoseModel(model: ReturnType<typeof buildModel>): Diagnosis {
    return diagnose(model, { mode: 'live', procRoot: this.fs.root, threshold: this.options.threshold });
  }

  private end(ended: SessionEnd): SessionStep {
    this.last = { ...this.last, ended };
    return this.last;
  }
}
