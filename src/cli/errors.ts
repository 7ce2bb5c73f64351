import { WRITE_FAILED_EXIT } from '../capture/target.js';
import { ProcessGoneError } from '../sample/process-gone.js';
import { UserError } from '../procfs/errors.js';
import { terminalSafe } from '../report/terminal-safe.js';

/** Exit codes (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  usage: 2,
  noProcess: 3,
  badCapture: 4,
  noTty: 5,
  internal: 70,
  cannotWrite: WRITE_FAILED_EXIT,
} as const;

/** `error.code` of the --json error object, one stable name per exit code (README "JSON output"). */
const CODE_NAMES: Readonly<Record<number, string>> = {
  [EXIT.usage]: 'usage',
  [EXIT.noProcess]: 'no-process',
  [EXIT.badCapture]: 'bad-capture',
  [EXIT.noTty]: 'no-terminal',
  [EXIT.internal]: 'internal',
  [EXIT.cannotWrite]: 'cannot-write',
};

/** An error as it is reported: the one line's text (without `proctriage: `) and the exit code. */
export interface ReportedError {
  readonly code: string;
  readonly message: string;
  readonly exitCode: number;
}

/** Where an error is reported. */
export interface ErrorOutput {
  /** Also print `{"error": {code, message, exitCode}}` on stdout (the command was given --json). */
  readonly json: boolean;
  readonly stderr: (s: string) => void;
  readonly stdout: (s: string) => void;
}

/**
 * An error as reported, made terminal-safe: a message may quote a capture's bytes or a file
 * name, and one with an escape sequence or a newline must neither drive the terminal nor break
 * the one line.
 */
export function reported(message: string, exitCode: number): ReportedError {
  return { code: CODE_NAMES[exitCode] ?? 'error', message: terminalSafe(message), exitCode };
}

/** What an error says, and its exit code. */
export function describeError(err: unknown): ReportedError {
  if (err instanceof ProcessGoneError) return reported(err.message, EXIT.noProcess);
  if (err instanceof UserError) return reported(err.message, err.exitCode);
  return reported(`internal error: ${err instanceof Error ? err.message : String(err)} (run again with --debug for details, and please report it)`, EXIT.internal);
}

/** Print an already described error: one line on stderr, and with --json one object on stdout. */
export function printError(e: ReportedError, options: ErrorOutput): number {
  options.stderr(`proctriage: ${e.message}\n`);
  if (options.json) options.stdout(`${JSON.stringify({ error: e })}\n`);
  return e.exitCode;
}

/** The one catch boundary: known errors become one line; anything else is an internal error (its stack with --debug). */
export function reportError(err: unknown, options: ErrorOutput & { readonly debug: boolean }): number {
  const code = printError(describeError(err), options);
  if (code === EXIT.internal && options.debug && err instanceof Error && err.stack) options.stderr(`${err.stack}\n`);
  return code;
}
