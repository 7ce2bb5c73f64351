import type { Arch } from '../kernel/arch.js';
import type { RecordedError } from '../procfs/procfs.js';

/**
 * Version of the capture layout; replay refuses newer versions with a clear message.
 * 2: samples may be `light` (the looks between two full samples: only what decides each
 * thread's state and wait), and full samples may hold every process's `stat` and `io`
 * (`machineCounters`), from which culprits are named.
 */
export const CAPTURE_FORMAT_VERSION = 2;

export interface CaptureSampleMeta {
  /** Directory under `samples/`, e.g. `0000`. */
  readonly dir: string;
  readonly tMonoMs: number;
  readonly tWallMs: number;
  /** A look between full samples: only the thread files that decide state and wait. */
  readonly light?: boolean;
}

export interface CaptureMeta {
  readonly format: 'proctriage-capture';
  readonly formatVersion: number;
  readonly toolVersion: string;
  readonly pid: number;
  readonly comm: string;
  readonly kernelRelease: string;
  readonly arch: Arch;
  readonly clockTicksPerSecond: number;
  readonly cpuCount: number;
  readonly intervalMs: number;
  readonly samples: readonly CaptureSampleMeta[];
  readonly createdAt: string;
  /** How it was made: the command, or for a hand-written fixture what it follows. */
  readonly howMade: string;
  /** True for a fixture written by hand (e.g. an older kernel's symbols); `source` cites what it follows. */
  readonly synthetic: boolean;
  readonly source?: string;
  readonly scenario?: string;
  /** Whether `cmdline` holds the full command line (`--include-cmdline`) or only the program name. */
  readonly fullCmdline: boolean;
  /** 0-based index of the sample at which `proctriage watch` saw its condition hold; replay opens there. */
  readonly triggerSample?: number;
  /** Its full samples also hold every process's `stat` and `io`: culprits replay. */
  readonly machineCounters?: boolean;
  /** `machine`: every process (`proctriage sample --capture`), `pid` is 0; absent: one process. */
  readonly scope?: 'process' | 'machine';
}

export type ErrorsFile = Record<string, RecordedError>;
