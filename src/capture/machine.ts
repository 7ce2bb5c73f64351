import { rmSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { loadCapture } from './fixture.js';
import { commitPartial, createPartial } from './partial.js';
import { RecordingProcFs, type RecordedSample } from './recording-procfs.js';
import { captureWriteError, checkCaptureTarget } from './target.js';
import { writeCaptureTree } from './write.js';
import { errnoOf, UserError } from '../procfs/errors.js';
import { createProcFs } from '../procfs/procfs.js';
import { liveHostFacts } from '../readers/host.js';
import { RateController } from '../sample/machine/budget.js';
import { MachineFeed } from '../sample/machine/feed.js';
import { createMachineSampler } from '../sample/machine/sampler.js';
import type { MachineSample } from '../sample/machine/types.js';

export interface MachineCaptureOptions {
  readonly procRoot: string;
  readonly outDir: string;
  readonly samples: number;
  readonly intervalMs: number;
  /** Only these processes (say so in meta); default every process. */
  readonly pids?: readonly number[];
  /** Leave these processes out (the capturing proctriage's own). */
  readonly excludePids?: readonly number[];
  readonly scenario?: string;
  readonly howMade: string;
}

/**
 * Record N whole-machine samples of the machine feed as a capture (same layout as a process
 * capture, meta `scope: "machine"`, `pid` 0): exactly the files the machine sampler read,
 * through a RecordingProcFs per sample, so replay groups the same threads the same way. Each
 * sample lists the machine and reads every thread in full, so that each replays on its own.
 */
export async function captureMachine(options: MachineCaptureOptions): Promise<{ dir: string; samples: MachineSample[] }> {
  const outDir = resolve(options.outDir);
  checkCaptureTarget(outDir);
  const live = createProcFs({ root: options.procRoot });
  const host = liveHostFacts(live);
  const recorded: RecordedSample[] = [];
  const sampler = createMachineSampler({ fs: live, arch: host.arch, pids: options.pids, excludePids: options.excludePids, cgroupPressureEveryMs: 0 });
  const feed = new MachineFeed({
    sampler,
    rate: new RateController({ fixedHz: 1000 / options.intervalMs }),
    windowMs: Infinity,
    maxSamples: options.samples,
    through: () => {
      const recorder = new RecordingProcFs(live);
      recorder.readText('sys/kernel/osrelease');
      return recorder;
    },
  });
  feed.subscribe(({ sample, through }) => recorded.push(through.finish(sample.tMonoMs, sample.tWallMs)));
  let tmp: string | null = null;
  try {
    const samples = [...(await feed.run())];
    tmp = createPartial(dirname(outDir), basename(outDir));
    writeCaptureTree(tmp, recorded, {
      pid: 0,
      comm: 'machine',
      host,
      intervalMs: options.intervalMs,
      howMade: options.howMade,
      ...(options.scenario ? { scenario: options.scenario } : {}),
      fullCmdline: false,
      scope: 'machine',
    });
    commitPartial(tmp, outDir);
    return { dir: outDir, samples };
  } catch (err) {
    if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
    // Reads never throw (errors are values): an errno here is a write that failed.
    throw errnoOf(err) !== undefined ? captureWriteError(outDir, err) : err;
  }
}

/** Every sample of a machine capture, re-sampled from its files with the capture's times. */
export function loadMachineCapture(dir: string): MachineSample[] {
  const capture = loadCapture(dir);
  if (capture.meta.scope !== 'machine') throw new UserError(`${dir} is a capture of one process (pid ${capture.meta.pid}), not of the whole machine`, 4);
  return capture.meta.samples.map((s, i) =>
    createMachineSampler({
      fs: capture.procFs(i),
      arch: capture.meta.arch,
      cgroupPressureEveryMs: 0,
      clock: () => ({ tMonoMs: s.tMonoMs, tWallMs: s.tWallMs }),
    }).sample(),
  );
}
