import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../procfs/errors.js';
import { EXIT } from './errors.js';

/** The dashboard needs a terminal on both ends; without one, say which command works instead. */
export function requireTerminal(instead: string, streams: { stdin: { isTTY?: boolean }; stdout: { isTTY?: boolean } } = process): void {
  if (!streams.stdin.isTTY || !streams.stdout.isTTY) {
    throw new UserError(`the dashboard needs a terminal (stdin and stdout are not a TTY); for a report instead, run: ${instead}`, EXIT.noTty);
  }
}

/** `proctriage-<pid>-20240501T120003` under `base`, or under the temp dir when `base` is not writable. */
export function captureDirFor(pid: number, base: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  let dir = base;
  try {
    accessSync(base, constants.W_OK);
  } catch {
    dir = tmpdir();
  }
  return join(dir, `proctriage-${pid}-${stamp}`);
}
