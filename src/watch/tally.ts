import { basename } from 'node:path';
import type { CaptureFailure, CaptureReport, WatchStatus } from './recorder.js';

/** What one condition has captured so far. */
export interface ConditionTally {
  readonly condition: string;
  readonly captures: number;
  readonly failures: number;
  /** The number of the newest capture's directory (`0003` → 3); null before the first. */
  readonly lastNumber: number | null;
  /** Wall time of the newest capture's trigger, seconds since the epoch. */
  readonly lastTriggerSeconds: number | null;
  /** The newest capture's directory (shown only with --expose-paths). */
  readonly lastDir: string | null;
}

export interface WatchTallyState {
  readonly conditions: readonly ConditionTally[];
  readonly samples: number;
  readonly writing: number;
  readonly cooldownSeconds: number;
}

/**
 * The flight recorder's figures for `watch --listen`: captures and failures by condition (every
 * `--when` from the start, at 0), the newest capture of each, samples taken. Fed by the watch's
 * callbacks; a scrape reads `state()`.
 */
export class WatchTally {
  private readonly byCondition = new Map<string, ConditionTally>();
  private status: WatchStatus | null = null;

  constructor(conditions: readonly string[]) {
    for (const condition of conditions) this.byCondition.set(condition, { condition, captures: 0, failures: 0, lastNumber: null, lastTriggerSeconds: null, lastDir: null });
  }

  onCapture(report: CaptureReport): void {
    const had = this.entry(report.hit.condition.text);
    const number = Number(basename(report.dir));
    this.byCondition.set(had.condition, {
      ...had,
      captures: had.captures + 1,
      lastNumber: Number.isInteger(number) ? number : null,
      lastTriggerSeconds: report.triggerWallMs / 1000,
      lastDir: report.dir,
    });
  }

  onCaptureFailed(failure: CaptureFailure): void {
    const had = this.entry(failure.hit.condition.text);
    this.byCondition.set(had.condition, { ...had, failures: had.failures + 1 });
  }

  onTick(status: WatchStatus): void {
    this.status = status;
  }

  state(): WatchTallyState {
    return {
      conditions: [...this.byCondition.values()],
      samples: this.status?.samples ?? 0,
      writing: this.status?.writing ?? 0,
      cooldownSeconds: (this.status?.cooldownLeftMs ?? 0) / 1000,
    };
  }

  private entry(condition: string): ConditionTally {
    return this.byCondition.get(condition) ?? { condition, captures: 0, failures: 0, lastNumber: null, lastTriggerSeconds: null, lastDir: null };
  }
}
