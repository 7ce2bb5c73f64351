import { setFlagsFromString } from 'node:v8';
import { captureProcess, writeKeptCapture } from '../capture/capture.js';
import { MemoryProcFs } from '../capture/memory-procfs.js';
import { liveHostFacts } from '../readers/host.js';
import { createProcFs } from '../procfs/procfs.js';
import { keepOpenBudget, openFilesLimit } from '../readers/open-files.js';
import { LiveSession } from '../session/live.js';
import { resolveProcessId } from '../session/resolve.js';
import { LiveFeed } from '../ui/feeds.js';
import { readHostInfo, userNames } from './host-info.js';
import { runInTerminal } from '../ui/run.js';
import { captureDirFor, requireTerminal } from './terminal.js';
import { requireProcRoot } from './proc-root.js';

export interface AttachOptions {
  readonly interval: number;
  readonly threshold: number;
  readonly procRoot: string;
  readonly captureDir: string;
  /** Opened from top: q and Esc go back to it (the result is then `back`). */
  readonly fromTop?: boolean;
}

/**
 * At a sample or two a second the optimizing compiler (TurboFan) costs more than it saves: it
 * keeps compiling for minutes on background threads while the sampling itself takes a few ms a
 * second. Measured with attach at 1 s on 101 threads: 0.96 → 0.73 % of a core in one run, 1.10 →
 * 0.75 % in another; on 1,001 threads 3.21 → 2.96 %. V8 reads this flag each time it considers optimizing a function, so setting it at run
 * time takes effect; `top`, which samples thousands of threads, keeps TurboFan.
 */
const SLOW_ENOUGH_FOR_NO_OPT_MS = 500;

const ATTACH_LOOKS = { maxHz: 4, duty: 0.004 } as const;

/**
 * The dashboard's share of one core: 1 % with a tenth kept for what is not measured (the
 * terminal's input, timers). The sample and its frame come first, the looks get what is left.
 */
const ATTACH_CPU_BUDGET = 0.009;

export async function runAttach(given: number, options: AttachOptions): Promise<number | 'back'> {
  requireProcRoot(options.procRoot);
  requireTerminal(`proctriage triage ${given}`);
  if (options.interval >= SLOW_ENOUGH_FOR_NO_OPT_MS) setFlagsFromString('--no-opt');
  // Sampling every second: keep the per-task files open and read only what the view uses.
  const live = createProcFs({ root: options.procRoot, keepOpen: Math.min(4096, keepOpenBudget(openFilesLimit(createProcFs({ root: options.procRoot })))) });
  // The last two samples stay in memory: `c` after the process exited writes them.
  const fs = new MemoryProcFs(live);
  const { pid, note } = resolveProcessId(fs, given);
  if (note) process.stderr.write(`proctriage: note: ${note}\n`);
  // Looks between samples for the interval's time shares: at most 4 a second, each costing at
  // most 0.4 % of the time after it, and only as many as ATTACH_CPU_BUDGET leaves.
  const session = new LiveSession(fs, pid, { threshold: options.threshold, light: true, observeRate: ATTACH_LOOKS });
  // A missing pid fails here, as one line, before the screen is taken over.
  fs.begin();
  const first = session.step();
  if (first.sample) fs.end(first.sample.tMonoMs, first.sample.tWallMs);
  const host = liveHostFacts(live);
  return runInTerminal({
    title: `proctriage ${pid}`,
    feed: new LiveFeed(session, first, fs),
    fromTop: options.fromTop ?? false,
    intervalMs: options.interval,
    cpuBudget: ATTACH_CPU_BUDGET,
    hostInfo: () => readHostInfo(live),
    userName: userNames(),
    capture: async ({ signal, progress, exited }) => {
      if (exited) {
        const kept = fs.samples();
        const result = await writeKeptCapture({
          samples: kept,
          pid,
          comm: first.diagnosis?.process.comm ?? '?',
          host,
          outDir: captureDirFor(pid, options.captureDir),
          howMade: `proctriage attach ${pid}: the c key after the process exited (the ${kept.length} sample${kept.length === 1 ? '' : 's'} still in memory)`,
          signal,
          onWrite: ({ files, written }) => progress(`writing ${written} of ${files} files`),
        });
        return result.dir;
      }
      const result = await captureProcess({
        fs: live,
        pid,
        outDir: captureDirFor(pid, options.captureDir),
        samples: 2,
        intervalMs: Math.min(options.interval, 1000),
        includeCmdline: false,
        howMade: `proctriage attach ${pid}: the c key (2 samples ${Math.min(options.interval, 1000)} ms apart)`,
        // The dashboard restores the terminal on a signal: the capture is cancelled, not exited from.
        exitOnSignal: false,
        signal,
        onProgress: (done, total) => progress(`sample ${done} of ${total}`),
        onWrite: ({ files, bytes, written }) => progress(`writing ${written} of ${files} files (${(bytes / 1048576).toFixed(1)} MiB)`),
      });
      return result.dir;
    },
  });
}
