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
import { loadMachineCapture } from '../capture/machine.js';
import type { MachineSample } from '../sample/machine/types.js';
import { padEnd } from '../report/format.js';
import { terminalSafe } from '../report/terminal-safe.js';
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
  /** With --replay of a machine capture: the process to diagnose. */
  readonly pid?: number;
}

/** The processes a machine capture holds (its last sample), busiest first: what `--pid` can pick. */
function machineProcessList(dir: string, samples: readonly MachineSample[]): string {
  const last = samples[samples.length - 1]!;
  const byPid = new Map<number, { comm: string; threads: number; states: Map<string, number>; kernel: boolean }>();
  for (const t of last.threads) {
    let p = byPid.get(t.pid);
    if (!p) byPid.set(t.pid, (p = { comm: t.processComm, threads: 0, states: new Map(), kernel: t.isKernelThread }));
    p.threads++;
    p.states.set(t.state, (p.states.get(t.state) ?? 0) + 1);
  }
  const rows = [...byPid.entries()].filter(([, p]) => !p.kernel).sort((a, b) => b[1].threads - a[1].threads || a[0] - b[0]);
  const out = [
    `${dir} is a machine capture: ${samples.length} sample${samples.length === 1 ? '' : 's'} of every thread, no process in focus. Its ${rows.length} processes (kernel threads left out), at its last sample:`,
    `  ${'PID'.padStart(7)}  ${'THREADS'.padStart(7)}  STATES        COMM`,
    ...rows.map(([pid, p]) => `  ${String(pid).padStart(7)}  ${String(p.threads).padStart(7)}  ${padEnd([...p.states].map(([s, n]) => `${n}${s}`).join(' '), 12)}  ${terminalSafe(p.comm)}`),
    `Diagnose one: proctriage triage --replay ${dir} --pid PID`,
  ];
  return `${out.join('\n')}\n`;
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

function replayDiagnosis(dir: string, pid: number | undefined, options: TriageOptions): Diagnosis | string {
  const capture = loadCapture(dir);
  const machine = capture.meta.scope === 'machine' || capture.meta.pid === 0;
  if (!machine && options.pid !== undefined) throw new UserError(`--pid picks a process in a machine capture; ${dir} is a capture of pid ${capture.meta.pid}`, EXIT.usage);
  if (!machine && pid !== undefined && pid !== capture.meta.pid) {
    throw new UserError(`the capture in ${dir} is of pid ${capture.meta.pid}, not ${pid}`);
  }
  const chosen = machine ? (options.pid ?? pid) : undefined;
  // A machine capture (sample --capture, or watch with a system-wide trigger) and no process chosen: list what it holds.
  if (machine && chosen === undefined) return machineProcessList(dir, loadMachineCapture(dir));
  if (chosen !== undefined && !loadMachineCapture(dir).some((s) => s.threads.some((t) => t.pid === chosen))) {
    throw new UserError(`the machine capture in ${dir} holds no process ${chosen}; without --pid it lists the processes it holds`, EXIT.usage);
  }
  const session = new ReplaySession(capture, { threshold: options.threshold, ...(chosen !== undefined ? { pid: chosen } : {}) });
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
  if (options.pid !== undefined && options.replay === undefined) throw new UserError('--pid needs --replay DIR (of a machine capture); live, give the PID itself: proctriage triage PID', EXIT.usage);
  if (options.replay !== undefined) {
    const replayed = replayDiagnosis(options.replay, pid, options);
    if (typeof replayed === 'string') {
      if (options.json) throw new UserError(`${options.replay} is a machine capture: --json needs --pid PID (run without --json for the list of its processes)`, EXIT.usage);
      process.stdout.write(replayed);
      return EXIT.ok;
    }
    diagnosis = replayed;
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
