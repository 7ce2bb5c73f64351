import type { Arch } from '../kernel/arch.js';
import type { RecordedError } from '../procfs/procfs.js';

/** Version of the capture layout; replay refuses newer versions with a clear message. */
export const CAPTURE_FORMAT_VERSION = 1;

export interface CaptureSampleMeta {
  /** Directory under `samples/`, e.g. `0000`. */
  readonly dir: string;
  readonly tMonoMs: number;
  readonly tWallMs: number;
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
  /** `machine`: every process (`proctriage sample --capture`), `pid` is 0; absent: one process. */
  readonly scope?: 'process' | 'machine';
}

export type ErrorsFile = Record<string, RecordedError>;
