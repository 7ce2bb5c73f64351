import { tmpdir } from 'node:os';
import { ownPids } from '../procfs/names.js';
import { groupWindow } from '../sample/machine/groups.js';
import { sampleMachineOnce } from '../sample/machine/parallel.js';
import { machineSampleJson, renderMachineText } from '../report/machine.js';
import { styleFor } from '../report/style.js';
import { RateController } from '../sample/machine/budget.js';
import { MachineFeed } from '../sample/machine/feed.js';
import { createMachineSampler } from '../sample/machine/sampler.js';
import { EXIT } from './errors.js';
import { readHostInfo } from './host-info.js';
import { createProcFs } from '../procfs/procfs.js';
import { requireTerminal } from './terminal.js';
import { requireProcRoot } from './proc-root.js';
import type { TopResume } from '../ui/top/dashboard.js';

export interface TopOptions {
  readonly once: boolean;
  readonly json: boolean;
  readonly all: boolean;
  readonly hz?: number;
  /** Percent of one core the sampling may use. */
  readonly budget: number;
  readonly threshold: number;
  readonly procRoot: string;
  /** Worker script for a shared one-shot sample (see machine/parallel.ts). */
  readonly sampleWorker?: string;
  /** A machine capture to show instead of the live machine. */
  readonly replay?: string;
}

/** A machine capture in the top view, stepped through with ← → (`top --replay`, `replay` of a machine capture). */
export async function runTopReplay(dir: string, threshold: number, intervalMs = 1000): Promise<number> {
  const { loadMachineCapture } = await import('../capture/machine.js');
  // A capture that cannot be shown fails as itself, before the terminal is asked for.
  const samples = loadMachineCapture(dir);
  requireTerminal(`proctriage sample --replay ${dir}`);
  const { showTopDashboard } = await import('../ui/top/run.js');
  const { TOP_WINDOW_MS } = await import('../ui/top/dashboard.js');
  const { MachineReplayFeed } = await import('../sample/machine/replay-feed.js');
  const feed = new MachineReplayFeed(samples, { windowMs: TOP_WINDOW_MS, intervalMs });
  let exit;
  try {
    exit = await showTopDashboard({ feed, replay: { feed, dir }, adaptive: false, threshold });
  } finally {
    feed.stop();
  }
  if ('error' in exit) throw exit.error;
  return 'code' in exit ? exit.code : EXIT.ok;
}

/**
 * `top --once` loads only the sampler and the text report; the dashboard (blessed,
 * blessed-contrib) is imported only when it is drawn.
 */
export async function runTop(options: TopOptions): Promise<number> {
  if (options.replay !== undefined) return runTopReplay(options.replay, options.threshold);
  requireProcRoot(options.procRoot);
  if (options.once || options.json) return runOnce(options);
  requireTerminal('proctriage top --once');
  // Its own threads are left out: sampling would otherwise show as a running `node`.
  const sampler = createMachineSampler({ procRoot: options.procRoot, keepOpenFds: 1 << 20, listEveryMs: 1000, relistOnForks: true, incremental: true, cgroupPressureEveryMs: 2000, excludePids: ownPids(options.procRoot) });
  const { TOP_WINDOW_MS } = await import('../ui/top/dashboard.js');
  const feed = MachineFeed.plain({ sampler, rate: new RateController({ budget: options.budget / 100, fixedHz: options.hz }), windowMs: TOP_WINDOW_MS });
  const { ProcessGoneError } = await import('../sample/process-gone.js');
  let resume: TopResume | undefined;
  try {
    const { showTopDashboard } = await import('../ui/top/run.js');
    for (;;) {
      const exit = await showTopDashboard({
        feed,
        adaptive: options.hz === undefined,
        threshold: options.threshold,
        hostInfo: () => readHostInfo(createProcFs({ root: options.procRoot, cgroupRoot: null })),
        ...(resume ? { resume } : {}),
      });
      if ('error' in exit) throw exit.error;
      if ('code' in exit) return exit.code;
      // Enter on a process: attach takes over, the machine feed waits (its window and PSI history
      // kept); attach's q or Esc brings top back at the same row.
      feed.pause();
      const { runAttach } = await import('./attach.js');
      try {
        const code = await runAttach(exit.attach, { interval: 1000, threshold: options.threshold, procRoot: options.procRoot, captureDir: tmpdir(), fromTop: true });
        if (code !== 'back') return code;
        resume = exit.resume;
      } catch (err) {
        // The process exited between the list and the attach: say so in top, not as an exit.
        if (!(err instanceof ProcessGoneError)) throw err;
        resume = { ...exit.resume, message: `pid ${exit.attach} is gone: ${err.message}` };
      }
    }
  } finally {
    feed.stop();
    sampler.close();
  }
}

/** `top --once`: one sample of the whole machine, grouped. */
export async function runOnce(options: { json: boolean; all: boolean; procRoot: string; sampleWorker?: string }): Promise<number> {
  const sample = await sampleMachineOnce({ procRoot: options.procRoot, workerScript: options.sampleWorker, excludePids: ownPids(options.procRoot) });
  const window = groupWindow([sample]);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(machineSampleJson(window, sample))}\n`);
  } else {
    const heading = `proctriage top --once: ${sample.stats.threads} threads in ${sample.stats.processes} processes (sampled in ${sample.stats.wallMs.toFixed(0)} ms)`;
    process.stdout.write(renderMachineText(window, sample, { style: styleFor(process.stdout), heading, maxGroups: options.all ? Infinity : 30, hideIdle: !options.all }));
  }
  return EXIT.ok;
}
