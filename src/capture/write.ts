import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostFacts } from '../readers/types.js';
import { TOOL_VERSION } from '../version.js';
import { CAPTURE_FORMAT_VERSION, type CaptureMeta, type CaptureSampleMeta } from './format.js';
import { recordedSampleSteps, type RecordedSample } from './recording-procfs.js';
import { runSteps, type Steps } from './steps.js';

/** What differs between the captures `capture`, `sample --capture` and `watch` write. */
export interface CaptureDescription {
  /** 0 for a machine-scope capture with no process in focus. */
  readonly pid: number;
  readonly comm: string;
  readonly host: HostFacts;
  readonly intervalMs: number;
  readonly howMade: string;
  readonly scenario?: string;
  readonly fullCmdline: boolean;
  readonly scope?: 'process' | 'machine';
  readonly triggerSample?: number;
  readonly machineCounters?: boolean;
}

/**
 * Write recorded samples and meta.json into `dir` (the caller's temporary directory, renamed
 * into place once this returns): the one writer of the capture layout.
 */
export function writeCaptureTree(dir: string, samples: readonly RecordedSample[], d: CaptureDescription): CaptureMeta {
  return runSteps(captureTreeSteps(dir, samples, d));
}

/** `writeCaptureTree` one file at a time (see `Steps`), for a writer that must not stall its caller. */
export function* captureTreeSteps(dir: string, samples: readonly RecordedSample[], d: CaptureDescription): Steps<CaptureMeta> {
  mkdirSync(dir, { recursive: true });
  const sampleMetas: CaptureSampleMeta[] = [];
  for (const [i, s] of samples.entries()) {
    const name = String(i).padStart(4, '0');
    yield* recordedSampleSteps(join(dir, 'samples', name), s);
    sampleMetas.push({ dir: name, tMonoMs: s.tMonoMs, tWallMs: s.tWallMs, ...(s.light ? { light: true } : {}) });
  }
  const meta: CaptureMeta = {
    format: 'proctriage-capture',
    formatVersion: CAPTURE_FORMAT_VERSION,
    toolVersion: TOOL_VERSION,
    pid: d.pid,
    comm: d.comm,
    kernelRelease: d.host.kernelRelease,
    arch: d.host.arch,
    clockTicksPerSecond: d.host.clockTicksPerSecond,
    cpuCount: d.host.cpuCount,
    intervalMs: d.intervalMs,
    samples: sampleMetas,
    createdAt: new Date().toISOString(),
    howMade: d.howMade,
    synthetic: false,
    ...(d.scenario ? { scenario: d.scenario } : {}),
    fullCmdline: d.fullCmdline,
    ...(d.triggerSample !== undefined ? { triggerSample: d.triggerSample } : {}),
    ...(d.scope === 'machine' ? { scope: 'machine' as const } : {}),
    ...(d.machineCounters ? { machineCounters: true } : {}),
  };
  writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}
