import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { errnoOf } from '../procfs/errors.js';

/**
 * File work cut into small synchronous steps: each `yield` follows one file operation and is a
 * point where the caller may pause. `runSteps` does it all at once; `runStepsSliced` does it in
 * slices of a few milliseconds between turns of the event loop, so a sampling loop's timer
 * fires on time while a capture of thousands of small files is written.
 */
export type Steps<T> = Generator<void, T, undefined>;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Run `steps` for at most about `sliceMs` at a time, yielding to the event loop between slices. */
export async function runStepsSliced<T>(steps: Steps<T>, sliceMs: number | (() => number)): Promise<T> {
  for (;;) {
    const until = performance.now() + (typeof sliceMs === 'number' ? sliceMs : sliceMs());
    do {
      const r = steps.next();
      if (r.done) return r.value;
    } while (performance.now() < until);
    await nextTurn();
  }
}

/** Bytes a directory tree takes on disk (allocated blocks, so thousands of tiny files count honestly). */
export function* diskBytesSteps(path: string): Steps<number> {
  const st = lstatSync(path);
  let total = st.blocks * 512;
  yield;
  if (st.isDirectory()) for (const name of readdirSync(path)) total += yield* diskBytesSteps(join(path, name));
  return total;
}

/** Remove a tree (`rm -r`) one entry at a time; a symlink is removed, never followed; a missing path is no error. */
export function* removeTreeSteps(path: string): Steps<void> {
  let dir: boolean;
  try {
    dir = lstatSync(path).isDirectory();
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return;
    throw err;
  }
  if (dir) {
    for (const name of readdirSync(path)) yield* removeTreeSteps(join(path, name));
    rmdirSync(path);
  } else {
    unlinkSync(path);
  }
  yield;
}
