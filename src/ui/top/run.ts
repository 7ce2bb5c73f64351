import { ownPids } from '../../procfs/names.js';
import type { TopOptions } from '../../cli/top.js';
import { RateController } from '../../machine/budget.js';
import { createMachineSampler } from '../../machine/sampler.js';
import { createProcFs } from '../../procfs/procfs.js';
import { PLAIN, styleFor } from '../../report/style.js';
import { openBlessedSurface } from '../blessed-surface.js';
import { readHostInfo } from '../host-info.js';
import { requireTerminal } from '../run.js';
import { TopDashboard } from './dashboard.js';

/**
 * The whole-machine dashboard: samples at the adaptive rate (or --hz), groups the last 10 s,
 * PSI with history; Enter on a group lists its processes, Enter on a process opens `attach`.
 * It draws through attach's surface (same screen set-up, borders, status line and help).
 */
export async function runTopDashboard(options: TopOptions): Promise<number> {
  requireTerminal('proctriage top --once');
  // Its own threads are left out: sampling would otherwise show as a running `node`.
  const sampler = createMachineSampler({ procRoot: options.procRoot, keepOpenFds: 1 << 20, listEveryMs: 1000, cgroupPressureEveryMs: 2000, excludePids: ownPids(options.procRoot) });
  let exit;
  try {
    const surface = await openBlessedSurface({ colors: styleFor(process.stdout) !== PLAIN, title: 'proctriage top' });
    exit = await new TopDashboard({
      sampler,
      surface,
      rate: new RateController({ budget: options.budget / 100, fixedHz: options.hz }),
      adaptive: options.hz === undefined,
      threshold: options.threshold,
      hostInfo: () => readHostInfo(createProcFs({ root: options.procRoot, cgroupRoot: null })),
    }).run();
  } finally {
    sampler.close();
  }
  if ('error' in exit) throw exit.error;
  if ('code' in exit) return exit.code;
  const { runAttach } = await import('../../cli/attach.js');
  return runAttach(exit.attach, { interval: 1000, threshold: options.threshold, procRoot: options.procRoot, captureDir: process.cwd() });
}
