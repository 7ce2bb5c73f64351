import { ownPids } from '../procfs/names.js';
import { dirname, resolve } from 'node:path';
import { cleanStalePartials } from '../capture/partial.js';
import { groupWindow } from '../sample/machine/groups.js';
import { RateController } from '../sample/machine/budget.js';
import { MachineFeed } from '../sample/machine/feed.js';
import { createMachineSampler } from '../sample/machine/sampler.js';
import type { MachineSample } from '../sample/machine/types.js';
import { machineWindowJson, renderMachineText } from '../report/machine.js';
import { styleFor } from '../report/style.js';
import { EXIT } from './errors.js';
import { requireProcRoot } from './proc-root.js';

export interface SampleOptions {
  readonly hz: number;
  readonly duration: number;
  readonly json: boolean;
  readonly all: boolean;
  readonly procRoot: string;
  readonly capture?: string;
  readonly pids?: number[];
  /** A machine capture to read the samples from instead of sampling. */
  readonly replay?: string;
}

/** Fds a multi-sample run may keep open (within RLIMIT_NOFILE, see source.ts). */
export const KEEP_OPEN_FDS = 1 << 20;
/** The process list is re-read at most this often; threads are sampled every tick. */
export const LIST_EVERY_MS = 1000;

/** Samples a run of `durationMs` at `hz` takes: one at the start and one each 1/hz before the end. */
export function sampleCount(hz: number, durationMs: number): number {
  return Math.max(1, Math.ceil(Math.round((durationMs * hz) / 1000 * 1e6) / 1e6));
}

/** Samples of the machine feed at `hz` for `durationMs` (at least one); a slow sample delays the next, it never overlaps. */
export async function sampleWindow(hz: number, durationMs: number, procRoot: string, pids?: readonly number[]): Promise<readonly MachineSample[]> {
  const sampler = createMachineSampler({ procRoot, keepOpenFds: KEEP_OPEN_FDS, listEveryMs: LIST_EVERY_MS, relistOnForks: true, incremental: true, cgroupPressureEveryMs: Infinity, pids, excludePids: ownPids(procRoot) });
  try {
    return await MachineFeed.plain({ sampler, rate: new RateController({ fixedHz: hz }), windowMs: Infinity, maxSamples: sampleCount(hz, durationMs) }).run();
  } finally {
    sampler.close();
  }
}

/** `sample --replay DIR`: the distribution over a machine capture's samples, as `sample` prints it live. */
async function replaySamples(dir: string, json: boolean, all: boolean): Promise<number> {
  const { loadMachineCapture } = await import('../capture/machine.js');
  const samples = loadMachineCapture(dir);
  const window = groupWindow(samples);
  const last = samples[samples.length - 1]!;
  const hz = window.durationMs > 0 ? Number((((samples.length - 1) * 1000) / window.durationMs).toFixed(2)) : 0;
  if (json) process.stdout.write(`${JSON.stringify(machineWindowJson(window, last, hz))}\n`);
  else {
    const heading = `proctriage sample --replay ${dir}: ${window.samples} samples over ${(window.durationMs / 1000).toFixed(1)} s — average active threads by wait`;
    process.stdout.write(renderMachineText(window, last, { style: styleFor(process.stdout), heading, maxGroups: all ? Infinity : 30, hideIdle: !all }));
  }
  return EXIT.ok;
}

export async function runSample(options: SampleOptions): Promise<number> {
  if (options.replay !== undefined) return replaySamples(options.replay, options.json, options.all);
  requireProcRoot(options.procRoot);
  const durationMs = options.duration * 1000;
  if (options.capture) cleanStalePartials(dirname(resolve(options.capture)));
  const samples = options.capture
    ? (
        await (await import('../capture/machine.js')).captureMachine({
          procRoot: options.procRoot,
          outDir: options.capture,
          samples: sampleCount(options.hz, durationMs),
          intervalMs: 1000 / options.hz,
          pids: options.pids,
          excludePids: ownPids(options.procRoot),
          howMade: `proctriage sample --capture --hz ${options.hz} --duration ${options.duration}${options.pids ? ` --pids ${options.pids.join(',')} (only these processes)` : ''}`,
        })
      ).samples
    : await sampleWindow(options.hz, durationMs, options.procRoot, options.pids);
  const window = groupWindow(samples);
  const last = samples[samples.length - 1]!;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(machineWindowJson(window, last, options.hz))}\n`);
  } else {
    const heading = `proctriage sample: ${window.samples} samples over ${(window.durationMs / 1000).toFixed(1)} s at ${options.hz} Hz — average active threads by wait`;
    process.stdout.write(renderMachineText(window, last, { style: styleFor(process.stdout), heading, maxGroups: options.all ? Infinity : 30, hideIdle: !options.all }));
  }
  if (options.capture) process.stderr.write(`proctriage: capture written to ${options.capture}\n`);
  return EXIT.ok;
}

