import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPTURE_FORMAT_VERSION, type CaptureMeta } from '../capture/format.js';
import type { HostFacts } from '../sample/types.js';
import { TOOL_VERSION } from '../version.js';
import { writeRecordedSample, type RecordedSample } from './memory-procfs.js';

export interface WatchCaptureInput {
  /** The `--capture` directory; the capture becomes `<parent>/<name>`. */
  readonly parent: string;
  readonly name: string;
  readonly samples: readonly RecordedSample[];
  readonly triggerSample: number;
  /** 0 for a machine-scope capture with no process in focus. */
  readonly pid: number;
  readonly comm: string;
  /** `machine`: every thread's stat/wchan/syscall each sample (watch without a PID). */
  readonly scope: 'process' | 'machine';
  readonly host: HostFacts;
  readonly intervalMs: number;
  readonly scenario: string;
  readonly howMade: string;
}

/** Directory names of captures: four digits, like sample directories. */
const CAPTURE_NAME = /^\d{4,}$/;

/** The next free capture number in `parent` (one past the highest existing), as four digits. */
export function nextCaptureName(parent: string): string {
  let highest = 0;
  if (existsSync(parent)) {
    for (const name of readdirSync(parent)) if (CAPTURE_NAME.test(name)) highest = Math.max(highest, Number(name));
  }
  return String(highest + 1).padStart(4, '0');
}

/** Bytes a directory tree takes on disk (allocated blocks, so thousands of tiny files count honestly). */
export function diskBytes(path: string): number {
  const st = lstatSync(path);
  let total = st.blocks * 512;
  if (st.isDirectory()) for (const name of readdirSync(path)) total += diskBytes(join(path, name));
  return total;
}

/**
 * Write a capture in the fixture format, synchronously, into a temporary directory beside
 * its final place, and rename it at the end: a reader (or a signal, which Node handles
 * only between synchronous calls) never sees half a capture.
 */
export function writeWatchCapture(input: WatchCaptureInput): { dir: string; bytes: number } {
  mkdirSync(input.parent, { recursive: true });
  const dir = join(input.parent, input.name);
  const tmp = join(input.parent, `.${input.name}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    const sampleMetas = input.samples.map((s, i) => {
      const name = String(i).padStart(4, '0');
      writeRecordedSample(join(tmp, 'samples', name), s);
      return { dir: name, tMonoMs: s.tMonoMs, tWallMs: s.tWallMs };
    });
    const meta: CaptureMeta & { scope?: 'machine' } = {
      format: 'proctriage-capture',
      formatVersion: CAPTURE_FORMAT_VERSION,
      toolVersion: TOOL_VERSION,
      pid: input.pid,
      comm: input.comm,
      kernelRelease: input.host.kernelRelease,
      arch: input.host.arch,
      clockTicksPerSecond: input.host.clockTicksPerSecond,
      cpuCount: input.host.cpuCount,
      intervalMs: input.intervalMs,
      samples: sampleMetas,
      createdAt: new Date().toISOString(),
      howMade: input.howMade,
      synthetic: false,
      scenario: input.scenario,
      fullCmdline: false,
      triggerSample: input.triggerSample,
      ...(input.scope === 'machine' ? { scope: 'machine' as const } : {}),
    };
    writeFileSync(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    const bytes = diskBytes(tmp);
    renameSync(tmp, dir);
    return { dir, bytes };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
