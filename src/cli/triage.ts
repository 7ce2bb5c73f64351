import { loadCapture } from '../capture/fixture.js';
import { ProcessGoneError } from '../sample/process-gone.js';
import type { Diagnosis } from '../diagnose/types.js';
import { UserError } from '../procfs/errors.js';
import { createProcFs } from '../procfs/procfs.js';
import { keepOpenBudget, openFilesLimit } from '../readers/open-files.js';
import { terminalSafeDeep } from '../report/terminal-safe.js';
import { renderTextReport } from '../report/text.js';
import { batched, writeJson } from '../report/json.js';
import { styleFor } from '../report/style.js';
import { LiveSession } from '../session/live.js';
import { ReplaySession } from '../session/replay.js';
import { resolveProcessId } from '../session/resolve.js';
import { EXIT } from './errors.js';
import { requireProcRoot } from './proc-root.js';

export interface TriageOptions {
  readonly replay?: string;
  readonly interval: number;
  readonly threshold: number;
  readonly json: boolean;
  readonly procRoot: string;
  readonly all: boolean;
  readonly verbose: boolean;
  /** With --replay: the 1-based sample to diagnose (default: a watch capture's trigger sample, else the last). */
  readonly sample?: number;
}

/** Show progress on stderr only where a person is watching. */
function progress(message: string): () => void {
  if (!process.stderr.isTTY) return () => {};
  process.stderr.write(`\r${message}`);
  return () => process.stderr.write(`\r${' '.repeat(message.length)}\r`);
}

async function liveDiagnosis(given: number, options: TriageOptions): Promise<Diagnosis> {
  requireProcRoot(options.procRoot);
  // Looks between the two samples re-read the same few files of every thread: keep them open,
  // within half the open-files budget (the machine-wide looks take a quarter).
  const fs = createProcFs({ root: options.procRoot, keepOpen: Math.floor(keepOpenBudget(openFilesLimit(createProcFs({ root: '/proc', cgroupRoot: null }))) / 2) });
  const { pid, note } = resolveProcessId(fs, given);
  if (note) process.stderr.write(`proctriage: note: ${note}\n`);
  const session = new LiveSession(fs, pid, { threshold: options.threshold, machine: true });
  session.step();
  const done = progress(`proctriage: measuring pid ${pid} for ${options.interval} ms…`);
  try {
    await session.observeFor(options.interval);
  } finally {
    done();
  }
  const second = session.step();
  session.close();
  if (second.ended) {
    const stat = second.sample?.process.stat;
    throw new ProcessGoneError(pid, true, stat && !stat.ok ? stat.error : { kind: 'vanished', path: String(pid), message: second.ended.message });
  }
  return second.diagnosis!;
}

function replayDiagnosis(dir: string, pid: number | undefined, options: TriageOptions): Diagnosis {
  const capture = loadCapture(dir);
  if (pid !== undefined && pid !== capture.meta.pid) {
    throw new UserError(`the capture in ${dir} is of pid ${capture.meta.pid}, not ${pid}`);
  }
  if (capture.meta.pid === 0) {
    throw new UserError(`${dir} is a machine-wide capture from \`proctriage watch\` with no process in focus (its trigger was system-wide): it holds PSI and every thread's stat, wchan and syscall under samples/NNNN/proc, but no process to triage`, EXIT.badCapture);
  }
  const session = new ReplaySession(capture, { threshold: options.threshold });
  const count = session.sampleCount;
  if (options.sample !== undefined && options.sample > count) {
    throw new UserError(`${dir} holds ${count} sample${count === 1 ? '' : 's'}; --sample ${options.sample} is past the end`, EXIT.usage);
  }
  const index = options.sample !== undefined ? options.sample - 1 : (capture.meta.triggerSample !== undefined ? session.fullIndexOf(capture.meta.triggerSample) : count - 1);
  const step = session.at(index);
  // The capture outlived the process (its pid was reused): say the report is of an earlier sample.
  if (step.ended) process.stderr.write(`proctriage: note: ${step.ended.message}; the report is of the last sample before that\n`);
  return step.diagnosis!;
}

export async function runTriage(pid: number | undefined, options: TriageOptions): Promise<number> {
  let diagnosis: Diagnosis;
  if (options.sample !== undefined && options.replay === undefined) throw new UserError('--sample needs --replay DIR', EXIT.usage);
  if (options.replay !== undefined) {
    diagnosis = replayDiagnosis(options.replay, pid, options);
  } else {
    if (pid === undefined) throw new UserError('triage needs a PID (or --replay DIR). Try: proctriage triage $$', EXIT.usage);
    diagnosis = await liveDiagnosis(pid, options);
  }
  if (options.json) {
    const out = batched((chunk) => process.stdout.write(chunk));
    writeJson(diagnosis, out.write);
    out.write('\n');
    out.flush();
  } else {
    process.stdout.write(renderTextReport(terminalSafeDeep(diagnosis), { style: styleFor(process.stdout), maxThreads: options.all ? Infinity : 40, verbose: options.verbose }));
  }
  return EXIT.ok;
}
