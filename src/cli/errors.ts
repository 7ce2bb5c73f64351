import { ProcessGoneError } from '../sample/process-gone.js';
import { UserError } from '../procfs/errors.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  usage: 2,
  noProcess: 3,
  badCapture: 4,
  noTty: 5,
  internal: 70,
} as const;

/** The one catch boundary: known errors become one line; anything else is an internal error. */
export function reportError(err: unknown, debug: boolean, write: (s: string) => void): number {
  if (err instanceof ProcessGoneError) {
    write(`proctriage: ${err.message}\n`);
    return EXIT.noProcess;
  }
  if (err instanceof UserError) {
    write(`proctriage: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  write(`proctriage: internal error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) write(`${err.stack}\n`);
  else write('proctriage: run again with --debug for details, and please report it\n');
  return EXIT.internal;
}
