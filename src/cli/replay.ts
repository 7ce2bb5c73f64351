import { loadCapture } from '../capture/fixture.js';
import { UserError } from '../procfs/errors.js';
import { ReplaySession } from '../session/replay.js';
import { ReplayFeed } from '../ui/feeds.js';
import { runInTerminal } from '../ui/run.js';
import { requireTerminal } from './terminal.js';
import { EXIT } from './errors.js';

export interface ReplayCliOptions {
  readonly interval: number;
  readonly threshold: number;
  /** 1-based sample to open on; the last by default. */
  readonly sample?: number;
}

export async function runReplay(dir: string, options: ReplayCliOptions): Promise<number> {
  const capture = loadCapture(dir);
  if (capture.meta.scope === 'machine' || capture.meta.pid === 0) {
    // Every thread of the machine, no process in focus: the top view steps through it.
    if (options.sample !== undefined) throw new UserError('--sample does not apply to a machine capture (← → step through it)', EXIT.usage);
    const { runTopReplay } = await import('./top.js');
    return runTopReplay(dir, options.threshold, options.interval);
  }
  // A capture that cannot be shown fails as itself, before the terminal is asked for.
  requireTerminal(`proctriage triage --replay ${dir}`);
  const session = new ReplaySession(capture, { threshold: options.threshold });
  const count = session.sampleCount;
  if (options.sample !== undefined && options.sample > count) {
    throw new UserError(`${dir} holds ${count} sample${count === 1 ? '' : 's'}; --sample ${options.sample} is past the end`, EXIT.usage);
  }
  // A watch capture opens at its trigger sample; any other at its last.
  const startIndex = options.sample !== undefined ? options.sample - 1 : (capture.meta.triggerSample !== undefined ? session.fullIndexOf(capture.meta.triggerSample) : count - 1);
  const feed = new ReplayFeed(session);
  // An unusable capture fails here, as one line, before the screen is taken over.
  feed.view(startIndex);
  const code = await runInTerminal({ title: `proctriage replay ${dir}`, feed, intervalMs: options.interval, startIndex });
  return code === 'back' ? 0 : code;
}
