/**
 * Errors are values: a reader never throws for a file it could not read, it returns a
 * ReadError saying why, so the diagnosis can say what it could not see.
 */

export type ReadErrorKind =
  /** The process or thread is gone (ENOENT/ESRCH under a pid directory). */
  | 'vanished'
  /** EACCES/EPERM: not root, another user's process, or a root-only file such as `stack`. */
  | 'denied'
  /** The kernel does not offer this file (no PSI, no irq pressure, psi=0 → EOPNOTSUPP). */
  | 'unsupported'
  /** The text did not have the shape the parser expects. */
  | 'malformed'
  /** Any other I/O failure (EIO, EINVAL, a fixture path that escapes the fixture, …). */
  | 'io';

export interface ReadError {
  readonly kind: ReadErrorKind;
  /** Path relative to the root the reader was given, e.g. `1234/task/1235/stack`. */
  readonly path: string;
  readonly errno?: string;
  /** 1-based line of the text where a parser gave up. */
  readonly line?: number;
  readonly message: string;
}

export type ReadResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ReadError };

export function ok<T>(value: T): ReadResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ReadError): ReadResult<T> {
  return { ok: false, error };
}

/** errno of a file deliberately not read in this sample (not needed for the view): not a gap to report. */
export const SKIPPED_ERRNO = 'ESKIPPED';

export function skipped<T = never>(path: string): ReadResult<T> {
  return { ok: false, error: { kind: 'unsupported', path, errno: SKIPPED_ERRNO, message: 'not read (not needed for this view)' } };
}

export function isSkipped(result: ReadResult<unknown>): boolean {
  return !result.ok && result.error.errno === SKIPPED_ERRNO;
}

export function valueOr<T, D>(result: ReadResult<T>, fallback: D): T | D {
  return result.ok ? result.value : fallback;
}

export function mapResult<T, U>(result: ReadResult<T>, fn: (value: T) => U): ReadResult<U> {
  return result.ok ? ok(fn(result.value)) : result;
}

/**
 * Thrown by pure parsers on text they cannot understand. It is the only thing a parser
 * may throw; readers turn it into a `malformed` ReadError carrying the path.
 */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** The errno code of a Node fs error (`ENOENT`, `EACCES`, …), if it has one. */
export function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

/** Map a Node errno code to our kind. `underPid` says whether ENOENT means "the task went away". */
export function kindFromErrno(code: string | undefined, underPid: boolean): ReadErrorKind {
  switch (code) {
    case 'ENOENT':
      return underPid ? 'vanished' : 'unsupported';
    case 'ESRCH':
      return 'vanished';
    case 'EACCES':
    case 'EPERM':
      return 'denied';
    case 'EOPNOTSUPP':
    case 'ENOTSUP':
      return 'unsupported';
    default:
      return 'io';
  }
}

export function describeReadError(error: ReadError): string {
  switch (error.kind) {
    case 'vanished':
      return `${error.path}: the process or thread exited`;
    case 'denied':
      return `${error.path}: permission denied (needs root or the same user)`;
    case 'unsupported':
      return `${error.path}: not provided by this kernel`;
    case 'malformed':
      return `${error.path}${error.line !== undefined ? `:${error.line}` : ''}: ${error.message}`;
    case 'io':
      return `${error.path}: ${error.message}`;
  }
}

/** Errors a command reports as one line and a non-zero exit code, never a stack trace. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: number = 2,
  ) {
    super(message);
  }
}
