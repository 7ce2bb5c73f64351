import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ownPids } from '../procfs/names.js';
import { UserError } from '../procfs/errors.js';
import { createProcFs } from '../procfs/procfs.js';
import { readCgroupLayout } from '../readers/cgroup-layout.js';
import { RateController } from '../sample/machine/budget.js';
import { MachineFeed } from '../sample/machine/feed.js';
import { createMachineSampler } from '../sample/machine/sampler.js';
import { ExporterState } from '../serve/state.js';
import { hasTargets, TargetVerdicts, type TargetSelector } from '../serve/targets.js';
import { WaitWindow } from '../serve/window.js';
import type { ListenAddress } from '../metrics/server.js';
import { unavailableLine } from '../report/serve.js';
import { EXIT } from './errors.js';
import { listenOrFail, stopOnSignals } from './listen.js';

export interface ServeOptions {
  readonly listen: ListenAddress;
  /** A fixed rate; default: as fast as --budget allows, between 1 and 10 Hz. */
  readonly hz?: number;
  /** Percent of one core sampling may use. */
  readonly budget: number;
  /** Seconds of samples the averages are over. */
  readonly window: number;
  readonly pid?: readonly number[];
  readonly comm?: RegExp;
  readonly cgroup?: string;
  readonly maxGroups: number;
  readonly maxTargets: number;
  /** Seconds between two verdicts of a target. */
  readonly verdictInterval: number;
  readonly threshold: number;
  readonly exposeAddresses: boolean;
  readonly procRoot: string;
  /** The host's cgroup mount directory (`/host/sys/fs/cgroup` in a container): cgroup2, or hybrid with `unified/`. */
  readonly cgroupRoot?: string;
}

/** The cgroup v2 root in a cgroup mount directory: itself (cgroup2), its `unified` child (a hybrid host), or none (v1 only). */
export function cgroupV2RootIn(dir: string): string | null {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UserError(`--cgroup-root ${dir} is not a directory`, EXIT.usage);
  if (existsSync(join(dir, 'cgroup.controllers'))) return dir;
  if (existsSync(join(dir, 'unified', 'cgroup.controllers'))) return join(dir, 'unified');
  return null;
}

/** Series of the wait distribution at most (README "Metrics": how the label sets are bounded). */
export const MAX_WAIT_SERIES = 2000;
/** Listening ports named at most. */
export const MAX_LISTEN_PORTS = 100;
/**
 * The process list is re-read at most this often (and only when a task was created since): a
 * process that starts shows within 2 s, well within a scrape window.
 */
export const LIST_EVERY_MS = 2000;
/**
 * The network tables are read this often: /proc/net/tcp costs a walk of the kernel's whole
 * established hash (1–2 ms here even when empty), too much for every sample of a 1 % budget.
 */
export const NET_EVERY_MS = 10_000;

/**
 * `proctriage serve`: the machine feed at an adaptive (or fixed) rate, summed up into the
 * exporter's state after each sample, and an HTTP server whose /metrics shows that state. Runs
 * until SIGTERM or SIGINT, then stops listening, ends the feed and closes its fds (exit 0).
 */
export async function runServe(options: ServeOptions): Promise<number> {
  const cgroupRoot = options.cgroupRoot !== undefined ? { cgroupRoot: cgroupV2RootIn(options.cgroupRoot) } : {};
  const fs = createProcFs({ root: options.procRoot, ...cgroupRoot });
  const layout = readCgroupLayout(fs);
  const sampler = createMachineSampler({
    procRoot: options.procRoot,
    ...cgroupRoot,
    keepOpenFds: 1 << 20,
    listEveryMs: LIST_EVERY_MS,
    relistOnForks: true,
    incremental: true,
    lockWords: true,
    cgroupPressureEveryMs: 1000,
    excludePids: ownPids(options.procRoot),
  });
  const rate = new RateController({ budget: options.budget / 100, fixedHz: options.hz, minHz: 1, maxHz: 10 });
  const feed = MachineFeed.plain({ sampler, rate, windowMs: 0 });
  const selector: TargetSelector = { pids: options.pid ?? [], comm: options.comm ?? null, cgroup: options.cgroup ?? null };
  const targets = hasTargets(selector) ? new TargetVerdicts(fs, selector, { everyMs: options.verdictInterval * 1000, maxTargets: options.maxTargets, threshold: options.threshold }) : null;
  const state = new ExporterState(feed, {
    fs,
    window: new WaitWindow({ windowMs: options.window * 1000, maxGroups: options.maxGroups, maxSeries: MAX_WAIT_SERIES }),
    layout,
    targets,
    exposeAddresses: options.exposeAddresses,
    netEveryMs: NET_EVERY_MS,
    maxListen: MAX_LISTEN_PORTS,
  });
  state.attach();

  // prom-client and node:http are loaded only here: `top --once` does not pay for them.
  const { Exposition } = await import('../metrics/exposition.js');
  const { serveFamilies, SERVE_HISTOGRAMS, SAMPLE_DURATION } = await import('../metrics/serve-metrics.js');
  const { startMetricsServer } = await import('../metrics/server.js');
  const exposition = new Exposition(
    serveFamilies({ exposeAddresses: options.exposeAddresses }),
    () => {
      const snapshot = state.snapshot();
      if (snapshot === null) return null;
      const cpu = process.cpuUsage();
      return { snapshot, processCpuSeconds: (cpu.user + cpu.system) / 1e6, residentBytes: process.memoryUsage.rss() };
    },
    SERVE_HISTOGRAMS,
  );
  feed.subscribe(({ sample }) => exposition.observe(SAMPLE_DURATION, sample.stats.wallMs / 1000));

  const server = await listenOrFail(options.listen, () => startMetricsServer(options.listen, 'serve', (accept) => exposition.render(accept)));
  const stop = stopOnSignals(feed);
  try {
    feed.start();
    const first = state.snapshot();
    process.stderr.write(`proctriage serve: ${server.url}/metrics (${first?.cost.threads ?? 0} threads, ${options.hz === undefined ? `adaptive rate within ${options.budget} % of a core` : `${options.hz} Hz`}, averages over ${options.window} s)\n`);
    for (const u of first?.unavailable ?? []) process.stderr.write(`proctriage serve: ${unavailableLine(u, layout)}\n`);
    await feed.done;
  } finally {
    stop();
    feed.stop();
    await server.close();
    sampler.close();
  }
  return EXIT.ok;
}
