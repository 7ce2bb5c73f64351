import { lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { errnoOf, UserError } from '../procfs/errors.js';
import { writeFailure } from './partial.js';

/** Exit code 74 (README "Exit codes", sysexits' EX_IOERR): the output or a capture could not be written. */
export const WRITE_FAILED_EXIT = 74;

/** errnos that say the place cannot be used (choose another: usage, exit 2), not that writing failed. */
const UNUSABLE_PLACE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'ENOENT', 'ELOOP', 'ENAMETOOLONG']);

/** A capture that could not be written to `outDir`, as one line: exit 2 where the place cannot be used, 74 where writing failed (disk full, I/O error). */
export function captureWriteError(outDir: string, err: unknown): UserError {
  const code = errnoOf(err);
  return new UserError(`cannot write the capture to ${outDir}: ${writeFailure(err)}`, code !== undefined && UNUSABLE_PLACE.has(code) ? 2 : WRITE_FAILED_EXIT);
}

/**
 * Before sampling, where a capture is to go (an absolute path): a new directory or an empty
 * one, never a symlink (the final rename would go through it or fail), in a parent directory
 * that exists — only the capture's own directory is created, as mkdir does, never a whole path.
 */
export function checkCaptureTarget(outDir: string): void {
  let st;
  try {
    st = lstatSync(outDir, { throwIfNoEntry: false });
    if (st === undefined && !statSync(dirname(outDir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw captureWriteError(outDir, err);
    throw new UserError(`cannot write the capture to ${outDir}: the directory ${dirname(outDir)} does not exist (only the capture's own directory is created, as mkdir does)`);
  }
  if (st === undefined) return;
  if (st.isSymbolicLink()) throw new UserError(`${outDir} is a symlink; a capture is written to a new or empty directory, never through a link`);
  if (!st.isDirectory()) throw new UserError(`${outDir} exists and is not a directory; choose a new directory for the capture`);
  if (readdirSync(outDir).length > 0) throw new UserError(`${outDir} exists and is not empty; choose a new directory for the capture`);
}

/** Create `dir` unless it is a directory already; its parent must exist (mkdir, not mkdir -p). Throws the errno of the failure. */
export function makeLastDir(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    if (errnoOf(err) !== 'EEXIST' || !statSync(dir).isDirectory()) throw err;
  }
}
