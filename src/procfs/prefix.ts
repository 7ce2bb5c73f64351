import { closeSync, openSync, readSync } from 'node:fs';

/** The head of a file: its first bytes, and whether they were all of it. */
export interface TextPrefix {
  readonly text: string;
  /** The end of the file was reached: `text` is the whole file. */
  readonly complete: boolean;
}

const CHUNK = 64 * 1024;

/**
 * Read at most `maxBytes` from the start of a file; the rest is never asked for (a /proc table
 * such as net/tcp is generated only as far as it is read). The text may end in a cut line.
 */
export function readPrefix(fullPath: string, flags: number, maxBytes: number): TextPrefix {
  const fd = openSync(fullPath, flags);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1));
    const parts: Buffer[] = [];
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, Math.min(buffer.length, maxBytes + 1 - length), null);
      if (n === 0) return { text: Buffer.concat(parts, length).toString('utf8'), complete: true };
      parts.push(Buffer.from(buffer.subarray(0, n)));
      length += n;
      if (length > maxBytes) return { text: Buffer.concat(parts, length).subarray(0, maxBytes).toString('utf8'), complete: false };
    }
  } finally {
    closeSync(fd);
  }
}
