import { PLAIN, styleFor } from '../../report/style.js';
import { openBlessedSurface } from '../blessed-surface.js';
import type { DashboardExit } from '../loop.js';
import type { HostInfo } from '../panels/header.js';
import { TopDashboard, type TopExit, type TopFeed, type TopReplay, type TopResume } from './dashboard.js';

export interface TopScreenOptions {
  /** The live machine feed, or a machine capture played as one (with `replay`). */
  readonly feed: TopFeed;
  readonly replay?: TopReplay;
  readonly adaptive: boolean;
  readonly threshold: number;
  /** The host line, read once after the first frame (by the CLI: the UI reads no files). */
  readonly hostInfo?: () => Promise<HostInfo>;
  /** Back from attach: the row it left and the host line (the feed kept the samples and the history). */
  readonly resume?: TopResume;
}

/**
 * Open the terminal and run the whole-machine dashboard until the user quits or picks a
 * process; what happens next (attach to it) is the CLI's to decide. It draws through
 * attach's surface (same screen set-up, borders, status line and help).
 */
export async function showTopDashboard(options: TopScreenOptions): Promise<DashboardExit | TopExit> {
  const surface = await openBlessedSurface({ colors: styleFor(process.stdout) !== PLAIN, title: 'proctriage top' });
  return new TopDashboard({ ...options, surface }).run();
}
