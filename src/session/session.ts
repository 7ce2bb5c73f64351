import type { Diagnosis } from '../diagnose/types.js';
import type { Sample } from '../sample/types.js';

/** Why a session can show no newer state of the process. */
export type SessionEnd =
  | { readonly reason: 'exited'; readonly message: string }
  | { readonly reason: 'pid-reused'; readonly message: string }
  | { readonly reason: 'end-of-capture'; readonly message: string };

export interface SessionStep {
  /** The diagnosis of the newest sample that belongs to the target process (null before the first). */
  readonly diagnosis: Diagnosis | null;
  readonly sample: Sample | null;
  /** Set once the process is gone or replaced: views freeze on `diagnosis`, marked. */
  readonly ended: SessionEnd | null;
}

/** One place live and replay views get their diagnoses from. */
export interface TriageSession {
  readonly mode: 'live' | 'replay';
  readonly pid: number;
  readonly kernelRelease: string;
  /** Number of samples available to step through (replay), or null (live). */
  readonly sampleCount: number | null;
}
