import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { cleanStalePartials, writeFailure } from '../capture/partial.js';
import { makeLastDir } from '../capture/target.js';
import { UserError } from '../procfs/errors.js';
import { createProcFs } from '../procfs/procfs.js';
import { needsProcess, type Condition } from '../watch/conditions.js';
import type { WriteProgress } from '../watch/capture-writer.js';
import { runWatch, type CaptureFailure, type CaptureReport, type WatchStatus } from '../watch/recorder.js';
import { WatchTally } from '../watch/tally.js';
import type { ListenAddress, MetricsServer } from '../metrics/server.js';
import { EXIT } from './errors.js';
import { requireProcRoot } from './proc-root.js';
import { listenOrFail } from './listen.js';

export interface WatchCliOptions {
  readonly when: readonly Condition[];
  readonly capture: string;
  readonly interval: number;
  readonly before: number;
  readonly after: number;
  readonly cooldown: number;
  readonly maxCaptures: number;
  readonly maxBytes: number;
  readonly procRoot: string;
  /** Serve the captures as metrics (`proctriage_watch_captures_total{condition}`, …) here. */
  readonly listen?: ListenAddress;
  /** With --listen: also name the newest capture's directory in a label. */
  readonly exposePaths?: boolean;
}

/** `watch --listen`: the tally of captures on /metrics (prom-client and node:http loaded only then). */
async function serveTally(listen: ListenAddress, exposePaths: boolean, tally: WatchTally): Promise<MetricsServer> {
  const { Exposition } = await import('../metrics/exposition.js');
  const { watchFamilies } = await import('../metrics/watch-metrics.js');
  const { startMetricsServer } = await import('../metrics/server.js');
  const exposition = new Exposition(watchFamilies({ exposePaths }), () => tally.state());
  const server = await listenOrFail(listen, () => startMetricsServer(listen, 'watch', (accept) => exposition.render(accept)));
  process.stderr.write(`proctriage watch: ${server.url}/metrics\n`);
  return server;
}

/** `2026-11-24T05:01:02Z`: whole seconds are enough to find the moment in other logs. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The one stdout line per capture. */
export function captureLine(r: CaptureReport): string {
  const who = r.pid === null ? 'machine' : `pid ${r.pid} ${r.comm}`;
  const extras = [`${r.samples} samples, trigger at ${r.triggerSample + 1}`, megabytes(r.bytes)];
  if (r.cutShort) extras.push('cut short');
  if (r.deleted.length > 0) extras.push(`deleted ${r.deleted.join(', ')}`);
  return `${isoSeconds(r.triggerWallMs)} captured ${r.dir} (${r.hit.summary}; ${who}; ${extras.join('; ')})\n`;
}

/** The stderr line for a capture that could not be written; the watch goes on. */
export function captureFailedLine(f: CaptureFailure): string {
  return `proctriage: ${isoSeconds(f.triggerWallMs)} could not write the capture of ${f.hit.summary} to ${f.dir}: ${f.reason}; still watching\n`;
}

function heartbeat(s: WatchStatus): string {
  const state = s.collecting ? 'capturing' : s.cooldownLeftMs > 0 ? `cooling down ${Math.ceil(s.cooldownLeftMs / 1000)} s` : 'armed';
  const writing = s.writing > 0 ? `, writing ${s.writing}` : '';
  return `proctriage watch: ${s.samples} samples, ${s.captures} capture${s.captures === 1 ? '' : 's'}, ${state}${writing} (tick ${s.lastTickMs.toFixed(0)} ms)`;
}

/**
 * Before watching: remove what a killed watch left in DIR (one line), and say at once if DIR
 * cannot be written rather than at the first trigger (the watch goes on: it may be fixed).
 */
function prepareCaptureDir(captureDir: string): void {
  cleanStalePartials(captureDir);
  try {
    makeLastDir(captureDir);
    accessSync(captureDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    process.stderr.write(`proctriage: warning: captures cannot be written to ${captureDir} (${writeFailure(err)}); watching anyway\n`);
  }
}

export async function runWatchCommand(pid: number | undefined, options: WatchCliOptions, argv: readonly string[]): Promise<number> {
  const processConditions = options.when.filter(needsProcess);
  if (pid === undefined && processConditions.length > 0) {
    throw new UserError(`--when ${processConditions[0]!.text} is the CPU of one process: give a PID`, EXIT.usage);
  }
  requireProcRoot(options.procRoot);
  const tty = process.stderr.isTTY === true;
  let heartbeatShown = false;
  const clearHeartbeat = () => {
    if (heartbeatShown) process.stderr.write('\r\x1b[K');
    heartbeatShown = false;
  };
  const controller = new AbortController();
  const captureDir = resolve(options.capture);
  // The first signal stops sampling and lets what was collected be written; a second stops at
  // once, leaving the partial capture being written for the next watch to remove.
  const atOnce = (signal: NodeJS.Signals) => {
    clearHeartbeat();
    process.stderr.write(`proctriage: ${signal} again: stopped at once; the capture being written is left as a partial directory in ${captureDir}, which the next watch into it removes\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  const stop = (signal: NodeJS.Signals) => {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    process.once('SIGINT', atOnce);
    process.once('SIGTERM', atOnce);
    if (!controller.signal.aborted) {
      clearHeartbeat();
      process.stderr.write(`proctriage: ${signal}: sampling stops after the sample being read; a second signal stops at once\n`);
    }
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  prepareCaptureDir(captureDir);
  const tally = new WatchTally(options.when.map((c) => c.text));
  let drainTimer: NodeJS.Timeout | null = null;
  const server = options.listen ? await serveTally(options.listen, options.exposePaths === true, tally) : null;
  try {
    const result = await runWatch({
      fs: createProcFs({ root: options.procRoot }),
      pid: pid ?? null,
      conditions: options.when,
      captureDir,
      intervalMs: options.interval,
      beforeMs: options.before * 1000,
      afterMs: options.after * 1000,
      cooldownMs: options.cooldown * 1000,
      maxCaptures: options.maxCaptures,
      maxBytes: options.maxBytes,
      howMade: ['proctriage', ...argv].join(' '),
      signal: controller.signal,
      onCapture: (report) => {
        tally.onCapture(report);
        clearHeartbeat();
        process.stdout.write(captureLine(report));
      },
      onCaptureFailed: (failure) => {
        tally.onCaptureFailed(failure);
        clearHeartbeat();
        process.stderr.write(captureFailedLine(failure));
      },
      onTick: (status) => {
        tally.onTick(status);
        if (!tty) return;
        process.stderr.write(`\r\x1b[K${heartbeat(status)}`);
        heartbeatShown = true;
      },
      onDrain: (progress) => {
        clearHeartbeat();
        const first = progress();
        process.stderr.write(`proctriage: writing ${first.captures} capture${first.captures === 1 ? '' : 's'} with the samples collected (${first.filesLeft.toLocaleString('en-US')} files, ${formatMiB(first.bytesLeft)} of text); a second signal stops at once\n`);
        drainTimer = setInterval(() => process.stderr.write(`${drainLine(progress())}\n`), DRAIN_PROGRESS_MS);
      },
    });
    if (drainTimer) clearInterval(drainTimer);
    clearHeartbeat();
    const summary = `${result.samples} samples, ${result.captures} capture${result.captures === 1 ? '' : 's'} in ${captureDir}`;
    if (result.reason === 'exited') {
      process.stderr.write(`proctriage: ${result.message}; watch ends (${summary})\n`);
      return EXIT.noProcess;
    }
    if (tty) process.stderr.write(`proctriage: watch stopped (${summary})\n`);
    return EXIT.ok;
  } finally {
    if (drainTimer) clearInterval(drainTimer);
    await server?.close();
    clearHeartbeat();
    for (const handler of [stop, atOnce]) {
      process.removeListener('SIGINT', handler);
      process.removeListener('SIGTERM', handler);
    }
  }
}

/** While captures are written after a stop, a line this often says how far it got. */
const DRAIN_PROGRESS_MS = 2000;

function formatMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

function drainLine(p: WriteProgress): string {
  const now = p.current ? `${p.current.dir}: ${p.current.written.toLocaleString('en-US')} of ${p.current.files.toLocaleString('en-US')} files` : 'finishing';
  return `proctriage: writing ${now}${p.captures > 1 ? ` (${p.captures - 1} more queued)` : ''}`;
}
