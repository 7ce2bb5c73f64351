import { errnoOf } from '../procfs/errors.js';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Read a small regular file without following a symlink; null when it does not exist.
 * Throws a plain Error for a file that is too big, not regular, or a link.
 */
export function readSmallFile(path: string, maxBytes: number): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw new Error(`${path} is a symlink; refusing to follow it`);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    if (st.size > maxBytes) throw new Error(`${path} is ${st.size} bytes, more than the ${maxBytes} allowed`);
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      const n = readSync(fd, buf, off, st.size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.toString('utf8', 0, off);
  } finally {
    closeSync(fd);
  }
}
