import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { commitPartial, createPartial, writeFailure } from '../capture/partial.js';
import type { RecordedSample } from '../capture/recording-procfs.js';
import { diskBytesSteps, removeTreeSteps, runStepsSliced, type Steps } from '../capture/steps.js';
import { makeLastDir } from '../capture/target.js';
import { captureTreeSteps } from '../capture/write.js';
import type { HostFacts } from '../readers/types.js';

export interface WatchCaptureInput {
  readonly samples: readonly RecordedSample[];
  readonly triggerSample: number;
  /** 0 for a machine-scope capture with no process in focus. */
  readonly pid: number;
  readonly comm: string;
  readonly scenario: string;
}

export interface WatchCaptureSettings {
  /** The `--capture` directory; each capture becomes `<parent>/NNNN`. */
  readonly parent: string;
  /** `machine`: every thread's stat/wchan/syscall each sample (watch without a PID). */
  readonly scope: 'process' | 'machine';
  readonly host: HostFacts;
  readonly intervalMs: number;
  readonly howMade: string;
  /** Disk bound: when either is exceeded, the oldest captures of this run are deleted. */
  readonly maxCaptures: number;
  readonly maxBytes: number;
  /** Longest stretch of file work between two turns of the event loop. */
  readonly sliceMs: number;
}

export type WriteOutcome =
  | { readonly ok: true; readonly dir: string; readonly bytes: number; readonly deleted: readonly string[] }
  /** `dir`: the capture it was writing, or the `--capture` directory if it did not get that far. */
  | { readonly ok: false; readonly dir: string; readonly reason: string };

/** What is left to write while the writer drains (after a stop): said on stderr as it goes. */
export interface WriteProgress {
  /** Captures queued or being written. */
  readonly captures: number;
  /** The capture being written: its directory, files written and files in all. */
  readonly current: { readonly dir: string; readonly written: number; readonly files: number } | null;
  /** Bytes of text still held for the captures not yet on disk (what they read). */
  readonly bytesLeft: number;
  /** Files of the captures not yet on disk (each a 4 KiB block or so on disk). */
  readonly filesLeft: number;
}

/** Slices of file work once sampling has stopped: long enough to write fast, short enough to hear a second signal. */
const HURRIED_SLICE_MS = 100;

/** Files a capture of these samples writes: one per entry, a directory per sample, and meta.json. */
function captureFiles(samples: readonly RecordedSample[]): number {
  return samples.reduce((n, x) => n + x.entries.size + 1, 1);
}

/** Count the steps (one file operation each) as they run. */
function* counted<T>(steps: Steps<T>, onStep: () => void): Steps<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    onStep();
    yield;
  }
}

/** Directory names of captures: four digits, like sample directories. */
const CAPTURE_NAME = /^\d{4,}$/;

/** The next free capture number in `parent` (one past the highest existing), as four digits. */
export function nextCaptureName(parent: string): string {
  let highest = 0;
  if (existsSync(parent)) {
    for (const name of readdirSync(parent)) if (CAPTURE_NAME.test(name)) highest = Math.max(highest, Number(name));
  }
  return String(highest + 1).padStart(4, '0');
}

/**
 * Writes the captures of one watch in the background, one after another, in slices of a
 * few milliseconds between turns of the event loop: the sampling loop's timer fires on time
 * while a capture of thousands of small files is written, so the samples after a trigger and
 * the next trigger are not lost to the write. Each capture goes into a partial directory that
 * is renamed when complete; a failure (disk full, no permission) removes the partial and is
 * returned as an outcome, never thrown. After each capture the disk bound deletes the oldest
 * captures of this run (never the one just written, never a directory it did not write).
 */
export class BackgroundCaptureWriter {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  /** Captures of this run still on disk, oldest first. */
  private readonly kept: { dir: string; bytes: number }[] = [];

  /**
   * Sampling has stopped: nothing else needs the event loop but the signal handlers and the
   * progress line, so the slices are long (a second signal is still heard within one).
   */
  private hurried = false;
  private readonly slice = (): number => (this.hurried ? HURRIED_SLICE_MS : this.settings.sliceMs);
  private current: { dir: string; written: number; files: number } | null = null;
  private bytesQueued = 0;
  private filesQueued = 0;

  constructor(private readonly settings: WatchCaptureSettings) {}

  /** Captures queued or being written. */
  get backlog(): number {
    return this.waiting;
  }

  /** Captures of this run on disk (after the disk bound). */
  get captures(): number {
    return this.kept.length;
  }

  get progress(): WriteProgress {
    return { captures: this.waiting, current: this.current ? { ...this.current } : null, bytesLeft: this.bytesQueued, filesLeft: this.filesQueued - (this.current?.written ?? 0) };
  }

  /** Queue a capture; the outcome comes once it and those queued before it are written. */
  write(input: WatchCaptureInput): Promise<WriteOutcome> {
    this.waiting++;
    const bytes = input.samples.reduce((n, x) => n + x.bytes, 0);
    const files = captureFiles(input.samples);
    this.bytesQueued += bytes;
    this.filesQueued += files;
    const outcome = this.tail
      .then(() => this.writeOne(input))
      .finally(() => {
        this.waiting--;
        this.bytesQueued -= bytes;
        this.filesQueued -= files;
        this.current = null;
      });
    this.tail = outcome;
    return outcome;
  }

  /**
   * Resolves when every queued capture has been written (or has failed). Called once sampling
   * has stopped, so the rest is written without yielding.
   */
  async drain(): Promise<void> {
    this.hurried = true;
    for (let seen = null as unknown; seen !== this.tail; ) {
      seen = this.tail;
      await seen;
    }
  }

  private async writeOne(input: WatchCaptureInput): Promise<WriteOutcome> {
    const s = this.settings;
    let dir = s.parent;
    let tmp: string | null = null;
    try {
      makeLastDir(s.parent);
      const name = nextCaptureName(s.parent);
      dir = join(s.parent, name);
      tmp = createPartial(s.parent, name);
      const description = { pid: input.pid, comm: input.comm, host: s.host, intervalMs: s.intervalMs, howMade: s.howMade, scenario: input.scenario, fullCmdline: false, triggerSample: input.triggerSample, scope: s.scope };
      const files = captureFiles(input.samples);
      const current = (this.current = { dir, written: 0, files });
      await runStepsSliced(counted(captureTreeSteps(tmp, input.samples, description), () => current.written++), this.slice);
      const bytes = await runStepsSliced(diskBytesSteps(tmp), this.slice);
      commitPartial(tmp, dir);
      this.kept.push({ dir, bytes });
      return { ok: true, dir, bytes, deleted: await this.bound() };
    } catch (err) {
      if (tmp !== null) await runStepsSliced(removeTreeSteps(tmp), this.slice).catch(() => undefined);
      return { ok: false, dir, reason: writeFailure(err) };
    }
  }

  /** Delete the oldest captures of this run while over a bound; a bound smaller than one capture keeps one. */
  private async bound(): Promise<string[]> {
    const s = this.settings;
    const deleted: string[] = [];
    const total = () => this.kept.reduce((sum, w) => sum + w.bytes, 0);
    while (this.kept.length > 1 && (this.kept.length > s.maxCaptures || total() > s.maxBytes)) {
      const oldest = this.kept.shift()!;
      try {
        await runStepsSliced(removeTreeSteps(oldest.dir), this.slice);
        deleted.push(oldest.dir);
      } catch {
        // Could not be deleted (someone changed its permissions): no longer counted, not reported as deleted.
      }
    }
    return deleted;
  }
}
