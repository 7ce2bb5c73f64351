import { diagnose } from '../diagnose/diagnose.js';
import { bad, type LoadedCapture } from '../capture/fixture.js';
import { describeReadError } from '../procfs/errors.js';
import { buildModel } from '../sample/model.js';
import { takeSample } from '../sample/sampler.js';
import type { HostFacts, Sample } from '../sample/types.js';
import { processVanished, vanishedError } from './live.js';
import type { SessionStep, TriageSession } from './session.js';

export interface ReplayOptions {
  readonly threshold?: number;
}

export function hostFactsOf(capture: LoadedCapture): HostFacts {
  const m = capture.meta;
  return { kernelRelease: m.kernelRelease, arch: m.arch, clockTicksPerSecond: m.clockTicksPerSecond, cpuCount: m.cpuCount };
}

/** Runs the live code on a capture: the same sampler, model and diagnosis, pointed at the fixture. */
export class ReplaySession implements TriageSession {
  readonly mode = 'replay' as const;
  readonly host: HostFacts;
  private readonly cache = new Map<number, Sample>();

  constructor(
    readonly capture: LoadedCapture,
    private readonly options: ReplayOptions = {},
  ) {
    this.host = hostFactsOf(capture);
  }

  get pid(): number {
    return this.capture.meta.pid;
  }

  get kernelRelease(): string {
    return this.capture.meta.kernelRelease;
  }

  get sampleCount(): number {
    return this.capture.meta.samples.length;
  }

  sample(index: number): Sample {
    let s = this.cache.get(index);
    if (!s) {
      const meta = this.capture.meta.samples[index]!;
      s = takeSample(this.capture.procFs(index), this.pid, {}, { mono: () => meta.tMonoMs, wall: () => meta.tWallMs });
      this.cache.set(index, s);
    }
    return s;
  }

  /** The diagnosis at sample `index`, with rates from the sample before it. */
  at(index: number): SessionStep {
    const sample = this.sample(index);
    if (processVanished(sample)) {
      if (index === 0) {
        // `capture` never writes a capture whose first sample lacks the process: this one is damaged.
        const gone = vanishedError(sample);
        throw bad(this.capture.dir, `its first sample holds no process ${this.pid}${gone ? ` (${describeReadError(gone)})` : ''}`);
      }
      const before = this.at(index - 1);
      return { ...before, ended: { reason: 'exited', message: `process ${this.pid} exited before sample ${index} was taken` } };
    }
    const previous = index > 0 ? this.sample(index - 1) : null;
    const usablePrevious = previous && !processVanished(previous) ? previous : null;
    if (index > 0 && this.startedAnew(sample)) {
      // A capture may hold samples of the process that took over the pid: never mix the two.
      const before = this.at(index - 1);
      if (before.ended?.reason === 'pid-reused') return before;
      return { ...before, ended: { reason: 'pid-reused', message: `pid ${this.pid} belongs to a different process from sample ${index} on (its start time changed)` } };
    }
    const model = buildModel(usablePrevious, sample, this.host);
    const diagnosis = diagnose(model, { mode: 'replay', procRoot: this.capture.dir, threshold: this.options.threshold });
    return { diagnosis, sample, ended: null };
  }

  /** The sample's process started at another time than the first sample's: the pid was reused. */
  private startedAnew(sample: Sample): boolean {
    const first = this.sample(0).process.stat;
    const now = sample.process.stat;
    return first.ok && now.ok && first.value.starttime !== now.value.starttime;
  }

  /** The newest diagnosis the capture holds (what `triage --replay` reports). */
  last(): SessionStep {
    return this.at(this.sampleCount - 1);
  }
}
