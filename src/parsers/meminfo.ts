import { ParseError } from '../procfs/errors.js';

/** `/proc/meminfo`'s `MemTotal:   24523432 kB`, in bytes. */
export function parseMemTotalBytes(text: string): number {
  const m = /^MemTotal:[ \t]*(\d{1,15}) kB$/m.exec(text);
  if (!m) throw new ParseError('meminfo has no MemTotal line in kB');
  return Number(m[1]) * 1024;
}
