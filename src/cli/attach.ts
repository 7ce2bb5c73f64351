import { captureProcess } from '../capture/capture.js';
import { createProcFs } from '../procfs/procfs.js';
import { keepOpenBudget, openFilesLimit } from '../machine/source.js';
import { LiveSession } from '../session/live.js';
import { resolveProcessId } from '../session/resolve.js';
import { LiveFeed } from '../ui/feeds.js';
import { readHostInfo, userNames } from '../ui/host-info.js';
import { captureDirFor, requireTerminal, runInTerminal } from '../ui/run.js';

export interface AttachOptions {
  readonly interval: number;
  readonly threshold: number;
  readonly procRoot: string;
  readonly captureDir: string;
}

export async function runAttach(given: number, options: AttachOptions): Promise<number> {
  requireTerminal(`proctriage triage ${given}`);
  // Sampling every second: keep the per-task files open and read only what the view uses.
  const fs = createProcFs({ root: options.procRoot, keepOpen: Math.min(4096, keepOpenBudget(openFilesLimit())) });
  const { pid, note } = resolveProcessId(fs, given);
  if (note) process.stderr.write(`proctriage: note: ${note}\n`);
  const session = new LiveSession(fs, pid, { threshold: options.threshold, light: true });
  // A missing pid fails here, as one line, before the screen is taken over.
  const first = session.step();
  return runInTerminal({
    title: `proctriage ${pid}`,
    feed: new LiveFeed(session, first),
    intervalMs: options.interval,
    hostInfo: () => readHostInfo(),
    userName: userNames(),
    capture: async () => {
      const result = await captureProcess({
        fs,
        pid,
        outDir: captureDirFor(pid, options.captureDir),
        samples: 2,
        intervalMs: Math.min(options.interval, 1000),
        includeCmdline: false,
        howMade: `proctriage attach ${pid}: the c key (2 samples ${Math.min(options.interval, 1000)} ms apart)`,
      });
      return result.dir;
    },
  });
}
