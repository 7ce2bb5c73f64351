import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CAPTURE_FORMAT_VERSION, type CaptureMeta, type CaptureSampleMeta } from '../capture/format.js';
import { loadCapture } from '../capture/fixture.js';
import { RecordingProcFs } from '../capture/recording-procfs.js';
import { UserError } from '../procfs/errors.js';
import { createProcFs } from '../procfs/procfs.js';
import { liveHostFacts } from '../session/host.js';
import { TOOL_VERSION } from '../version.js';
import { createProcFsMachineSampler } from './sampler.js';
import type { MachineSample } from './types.js';

export interface MachineCaptureOptions {
  readonly procRoot: string;
  readonly outDir: string;
  readonly samples: number;
  readonly intervalMs: number;
  /** Only these processes (say so in meta); default every process. */
  readonly pids?: readonly number[];
  readonly scenario?: string;
  readonly howMade: string;
}

/**
 * Record N whole-machine samples as a capture (same layout as a process capture, meta
 * `scope: "machine"`, `pid` 0): exactly the files the machine sampler read, through a
 * RecordingProcFs, so replay groups the same threads the same way.
 */
export async function captureMachine(options: MachineCaptureOptions): Promise<{ dir: string; samples: MachineSample[] }> {
  const outDir = resolve(options.outDir);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new UserError(`${outDir} exists and is not empty; choose a new directory for the capture`);
  mkdirSync(dirname(outDir), { recursive: true });
  const tmp = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const live = createProcFs({ root: options.procRoot });
  const host = liveHostFacts(live);
  const metas: CaptureSampleMeta[] = [];
  const samples: MachineSample[] = [];
  try {
    for (let i = 0; i < options.samples; i++) {
      if (i > 0) await sleep(options.intervalMs);
      const dir = String(i).padStart(4, '0');
      const sampleDir = join(tmp, 'samples', dir);
      mkdirSync(sampleDir, { recursive: true });
      const recorder = new RecordingProcFs(live, sampleDir);
      recorder.readText('sys/kernel/osrelease');
      const sample = createProcFsMachineSampler(recorder, { arch: host.arch, pids: options.pids, cgroupPressureEveryMs: 0 }).sample();
      writeFileSync(join(sampleDir, 'errors.json'), `${JSON.stringify(recorder.errors, null, 1)}\n`);
      metas.push({ dir, tMonoMs: sample.tMonoMs, tWallMs: sample.tWallMs });
      samples.push(sample);
    }
    const meta: CaptureMeta = {
      format: 'proctriage-capture',
      formatVersion: CAPTURE_FORMAT_VERSION,
      toolVersion: TOOL_VERSION,
      pid: 0,
      comm: 'machine',
      kernelRelease: host.kernelRelease,
      arch: host.arch,
      clockTicksPerSecond: host.clockTicksPerSecond,
      cpuCount: host.cpuCount,
      intervalMs: options.intervalMs,
      samples: metas,
      createdAt: new Date().toISOString(),
      howMade: options.howMade,
      synthetic: false,
      ...(options.scenario ? { scenario: options.scenario } : {}),
      fullCmdline: false,
      scope: 'machine',
    };
    writeFileSync(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    renameSync(tmp, outDir);
    return { dir: outDir, samples };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Every sample of a machine capture, re-sampled from its files with the capture's times. */
export function loadMachineCapture(dir: string): MachineSample[] {
  const capture = loadCapture(dir);
  if (capture.meta.scope !== 'machine') throw new UserError(`${dir} is a capture of one process (pid ${capture.meta.pid}), not of the whole machine`, 4);
  return capture.meta.samples.map((s, i) =>
    createProcFsMachineSampler(capture.procFs(i), {
      arch: capture.meta.arch,
      cgroupPressureEveryMs: 0,
      clock: () => ({ tMonoMs: s.tMonoMs, tWallMs: s.tWallMs }),
    }).sample(),
  );
}
