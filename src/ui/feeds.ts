import type { LiveSession } from '../session/live.js';
import type { ReplaySession } from '../session/replay.js';
import type { SessionStep } from '../session/session.js';
import type { ReplayPosition } from './panels/header.js';
import { psiPoint, pushPoint, type PsiPoint } from './charts/psi-chart.js';
import { sharesPoint, type SharesPoint } from './charts/shares-chart.js';

/** What the dashboard shows at one moment: a session step and the histories up to it. */
export interface FeedView {
  readonly step: SessionStep;
  readonly psi: readonly PsiPoint[];
  /** The process's time shares, one point per interval. */
  readonly shares: readonly SharesPoint[];
}

/** The histories a step adds to: a PSI point per sample, a shares point per interval. */
function timeOf(step: SessionStep): number {
  return step.sample?.tMonoMs ?? 0;
}

/** What the dashboard needs of a live source: sample now, show the newest. */
export interface LiveSource {
  readonly mode: 'live';
  readonly pid: number;
  readonly sampleCount: null;
  /** The process exited or its pid was reused: nothing newer will come. */
  readonly ended: boolean;
  /** The thread the user has selected: its kernel stack is read every sample. */
  focus(tid: number | null): void;
  sample(): void;
  /** A look at the threads between samples (their state and wait), for the interval's time shares. */
  look(): void;
  /** How long to wait before the next look (Infinity: none before the next sample). */
  lookDelayMs(): number;
  view(): FeedView;
}

/** What the dashboard needs of a replay: the view at any sample, and where that sample is. */
export interface ReplaySource {
  readonly mode: 'replay';
  readonly pid: number;
  readonly sampleCount: number;
  view(index: number): FeedView;
  position(index: number, playing: boolean): ReplayPosition;
}

export type Feed = LiveSource | ReplaySource;

/** Told when a sample starts and ends (attach keeps its last samples in memory for `c` after exit). */
export interface SampleBounds {
  begin(): void;
  end(tMonoMs: number, tWallMs: number): void;
  /** The sample found the process gone: keep nothing of it. */
  drop(): void;
}

/** Live: each `sample()` reads /proc once; the view is the newest step. */
export class LiveFeed implements LiveSource {
  readonly mode = 'live' as const;
  readonly sampleCount = null;
  private psi: PsiPoint[] = [];
  private shares: SharesPoint[] = [];
  private step: SessionStep;

  constructor(
    private readonly session: LiveSession,
    first: SessionStep,
    private readonly bounds?: SampleBounds,
  ) {
    this.step = first;
    if (first.diagnosis) this.psi = [psiPoint(first.diagnosis, timeOf(first))];
  }

  get pid(): number {
    return this.session.pid;
  }

  get ended(): boolean {
    return this.step.ended !== null;
  }

  focus(tid: number | null): void {
    this.session.setFocus(tid);
  }

  /** One sample. After the process ended the session keeps returning the frozen step. */
  sample(): void {
    const before = this.step.diagnosis;
    this.bounds?.begin();
    this.step = this.session.step();
    const sample = this.step.sample;
    if (sample && !this.step.ended) this.bounds?.end(sample.tMonoMs, sample.tWallMs);
    else this.bounds?.drop();
    const d = this.step.diagnosis;
    if (d && d !== before && !this.step.ended) {
      this.psi = pushPoint(this.psi, psiPoint(d, timeOf(this.step)));
      const shares = sharesPoint(d, timeOf(this.step));
      if (shares) this.shares = pushPoint(this.shares, shares);
    }
  }

  look(): void {
    this.session.observe();
  }

  lookDelayMs(): number {
    return this.session.lookDelayMs();
  }

  view(): FeedView {
    return { step: this.step, psi: this.psi, shares: this.shares };
  }
}

/** Replay: the view at sample `index`, with the PSI history of samples 0…index. */
export class ReplayFeed implements ReplaySource {
  readonly mode = 'replay' as const;
  private readonly steps = new Map<number, SessionStep>();

  constructor(private readonly session: ReplaySession) {}

  get pid(): number {
    return this.session.pid;
  }

  get sampleCount(): number {
    return this.session.sampleCount;
  }

  private at(index: number): SessionStep {
    let s = this.steps.get(index);
    if (!s) {
      s = this.session.at(index);
      this.steps.set(index, s);
    }
    return s;
  }

  view(index: number): FeedView {
    const psi: PsiPoint[] = [];
    const shares: SharesPoint[] = [];
    for (let i = 0; i <= index; i++) {
      const s = this.at(i);
      if (!s.diagnosis || s.ended) continue;
      psi.push(psiPoint(s.diagnosis, timeOf(s)));
      const point = sharesPoint(s.diagnosis, timeOf(s));
      if (point) shares.push(point);
    }
    return { step: this.at(index), psi, shares };
  }

  position(index: number, playing: boolean): ReplayPosition {
    const meta = this.session.capture.meta;
    const sample = this.session.sample(index);
    return {
      index,
      count: this.session.sampleCount,
      dir: this.session.capture.dir,
      sampledAt: new Date(sample.tWallMs).toISOString(),
      kernelRelease: meta.kernelRelease,
      arch: meta.arch,
      cpuCount: meta.cpuCount,
      playing,
    };
  }
}
