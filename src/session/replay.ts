import { diagnose } from '../diagnose/diagnose.js';
import { bad, type LoadedCapture } from '../capture/fixture.js';
import { describeReadError } from '../procfs/errors.js';
import { buildModel } from '../sample/model.js';
import { IntervalObserver, type Observations } from '../sample/observe.js';
import { machineUse, readAllCounters, type MachineUse } from '../sample/culprits.js';
import { processVanished, takeSample, vanishedError } from '../sample/sampler.js';
import type { Sample } from '../sample/types.js';
import type { HostFacts } from '../readers/types.js';
import { readPageSizeKb } from '../readers/host.js';
import { parseKernelRelease } from '../kernel/version.js';
import type { SessionStep, TriageSession } from './session.js';

export interface ReplayOptions {
  readonly threshold?: number;
  /** The process to diagnose in a machine capture (which has none in focus). */
  readonly pid?: number;
}

export function hostFactsOf(capture: LoadedCapture): HostFacts {
  const m = capture.meta;
  return { kernelRelease: m.kernelRelease, kernelVersion: parseKernelRelease(m.kernelRelease), arch: m.arch, clockTicksPerSecond: m.clockTicksPerSecond, cpuCount: m.cpuCount };
}

/**
 * Runs the live code on a capture: the same sampler, model and diagnosis, pointed at the fixture.
 * Its samples are the capture's full samples; the light ones between two of them are the looks
 * of that interval, replayed through the same observer a live triage uses.
 */
export class ReplaySession implements TriageSession {
  readonly mode = 'replay' as const;
  readonly host: HostFacts;
  private readonly cache = new Map<number, Sample>();
  /** Index in meta.samples of each full sample. */
  private readonly full: readonly number[];

  constructor(
    readonly capture: LoadedCapture,
    private readonly options: ReplayOptions = {},
  ) {
    this.host = hostFactsOf(capture);
    this.full = capture.meta.samples.flatMap((s, i) => (s.light ? [] : [i]));
  }

  get pid(): number {
    return this.options.pid ?? this.capture.meta.pid;
  }

  get kernelRelease(): string {
    return this.capture.meta.kernelRelease;
  }

  /** Full samples: the ones a view steps through. */
  get sampleCount(): number {
    return this.full.length;
  }

  /** The full sample `index` would be, for a meta.samples index (a watch's trigger). */
  fullIndexOf(metaIndex: number): number {
    const at = this.full.findIndex((i) => i >= metaIndex);
    return at < 0 ? this.full.length - 1 : at;
  }

  sample(index: number): Sample {
    let s = this.cache.get(index);
    if (!s) {
      const metaIndex = this.full[index]!;
      const meta = this.capture.meta.samples[metaIndex]!;
      s = takeSample(this.capture.procFs(metaIndex), this.pid, { follow: { arch: this.host.arch } }, { mono: () => meta.tMonoMs, wall: () => meta.tWallMs });
      this.cache.set(index, s);
    }
    return s;
  }

  /** The looks recorded between full samples `index - 1` and `index`, replayed; null when there are none. */
  private observations(index: number, previous: Sample, current: Sample): Observations | null {
    const from = this.full[index - 1]!;
    const to = this.full[index]!;
    if (!previous.process.threads.ok || !current.process.threads.ok) return null;
    const observer = new IntervalObserver(this.pid, this.host, { tMonoMs: previous.tMonoMs, threads: previous.process.threads.value });
    for (let j = from + 1; j < to; j++) {
      const meta = this.capture.meta.samples[j]!;
      if (!observer.look(this.capture.procFs(j), meta.tMonoMs)) break;
    }
    return observer.finish({ tMonoMs: current.tMonoMs, threads: current.process.threads.value });
  }

  /** Every process's use between the two full samples, when the capture holds their counters. */
  private machine(index: number, previous: Sample, current: Sample): MachineUse | null {
    if (!this.capture.meta.machineCounters) return null;
    const before = this.capture.procFs(this.full[index - 1]!);
    const after = this.capture.procFs(this.full[index]!);
    const none = new Set<number>();
    return machineUse(readAllCounters(before, previous.tMonoMs, none), readAllCounters(after, current.tMonoMs, none), null, this.host.clockTicksPerSecond, readPageSizeKb(after));
  }

  /** The diagnosis at full sample `index`, with rates from the one before it and the looks between. */
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
    const observations = usablePrevious ? this.observations(index, usablePrevious, sample) : null;
    const machine = usablePrevious ? this.machine(index, usablePrevious, sample) : null;
    const model = { ...buildModel(usablePrevious, sample, this.host, observations), machine };
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
