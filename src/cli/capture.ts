import { dirname, resolve } from 'node:path';
import { captureProcess } from '../capture/capture.js';
import { cleanStalePartials } from '../capture/partial.js';
import { createProcFs } from '../procfs/procfs.js';
import { resolveProcessId } from '../session/resolve.js';
import { EXIT } from './errors.js';
import { requireProcRoot } from './proc-root.js';

export interface CaptureCliOptions {
  readonly output: string;
  readonly samples: number;
  readonly interval: number;
  readonly includeCmdline: boolean;
  readonly procRoot: string;
  readonly scenario?: string;
}

export async function runCapture(given: number, options: CaptureCliOptions): Promise<number> {
  const tty = process.stderr.isTTY;
  requireProcRoot(options.procRoot);
  const fs = createProcFs({ root: options.procRoot });
  const { pid, note } = resolveProcessId(fs, given);
  if (note) process.stderr.write(`proctriage: note: ${note}\n`);
  cleanStalePartials(dirname(resolve(options.output)));
  const result = await captureProcess({
    fs,
    pid,
    outDir: options.output,
    samples: options.samples,
    intervalMs: options.interval,
    includeCmdline: options.includeCmdline,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    onProgress: (done, total) => {
      if (tty && total > 1) process.stderr.write(`\rproctriage: captured sample ${done}/${total}`);
    },
  });
  if (tty && options.samples > 1) process.stderr.write('\n');
  // Files this kernel does not have (irq pressure, cgroup memory files, smaps_rollup before 4.14)
  // are recorded for replay too, but they are optional: not something it could not read.
  const errors = Object.entries(result.errorCounts).filter(([k]) => k !== 'unsupported').map(([k, n]) => `${n} ${k}`).join(', ');
  process.stdout.write(
    `captured ${result.samples} sample${result.samples === 1 ? '' : 's'} of pid ${pid} into ${result.dir}` +
      `${errors ? ` (files it could not read, recorded for replay: ${errors})` : ''}` +
      `${result.exitedEarly ? '; the process exited before the last sample' : ''}\n` +
      `replay it with: proctriage triage --replay ${result.dir}\n`,
  );
  return EXIT.ok;
}
