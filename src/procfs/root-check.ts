import { describeReadError } from './errors.js';
import { numericNames } from './names.js';
import type { ProcFs } from './procfs.js';

/**
 * Why a proc root is not one, or null when it is: it must list at least one pid directory
 * (`/`, a missing directory or an empty tree would otherwise read as "no such process" or an
 * empty machine). A hand-made tree with pid directories passes: tests and captures are such trees.
 */
export function procRootProblem(fs: ProcFs): string | null {
  const names = fs.listDir('');
  if (!names.ok) {
    const errno = names.error.errno;
    return `it cannot be listed (${errno === 'ENOENT' ? 'no such directory' : errno === 'ENOTDIR' ? 'not a directory' : describeReadError(names.error).replace(/^: /, '')})`;
  }
  return numericNames(names.value).length > 0 ? null : 'it holds no process directories';
}
