import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { commitPartial, createPartial } from '../capture/partial.js';
import type { RecordedSample } from '../capture/recording-procfs.js';
import { writeCaptureTree } from '../capture/write.js';
import type { HostFacts } from '../sample/types.js';

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
  const tmp = createPartial(input.parent, input.name);
  try {
    writeCaptureTree(tmp, input.samples, {
      pid: input.pid,
      comm: input.comm,
      host: input.host,
      intervalMs: input.intervalMs,
      howMade: input.howMade,
      scenario: input.scenario,
      fullCmdline: false,
      triggerSample: input.triggerSample,
      scope: input.scope,
    });
    const bytes = diskBytes(tmp);
    commitPartial(tmp, dir);
    return { dir, bytes };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
