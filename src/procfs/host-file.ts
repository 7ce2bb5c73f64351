import { constants } from 'node:fs';
import { errnoOf, fail, kindFromErrno, ok, type ReadResult } from './errors.js';
import { readBounded } from './procfs.js';

/**
 * A file of this machine outside /proc, such as `/etc/os-release`: links are followed (it is the
 * system's file, not a capture's; Debian's is a link to `/usr/lib/os-release`), it is opened
 * non-blocking and read only if it is a regular file, and at most `maxBytes` of it.
 */
export function readHostFile(path: string, maxBytes = 64 * 1024): ReadResult<string> {
  try {
    return ok(readBounded(path, constants.O_RDONLY | constants.O_NONBLOCK, maxBytes, false));
  } catch (err) {
    const errno = errnoOf(err);
    return fail({ kind: kindFromErrno(errno, false), path, errno, message: err instanceof Error ? err.message.replace(/^[A-Z]+: /, '') : String(err) });
  }
}
