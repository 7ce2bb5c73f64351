import { fail, ok, ParseError, type ReadResult } from '../procfs/errors.js';

/** Run a pure parser on a read's text, turning its ParseError into a `malformed` ReadError with the path. */
export function parseResult<T>(text: ReadResult<string>, path: string, parse: (text: string) => T): ReadResult<T> {
  if (!text.ok) return text;
  try {
    return ok(parse(text.value));
  } catch (err) {
    if (err instanceof ParseError) {
      return fail({ kind: 'malformed', path, line: err.line, message: err.message });
    }
    return fail({ kind: 'malformed', path, message: err instanceof Error ? err.message : String(err) });
  }
}
